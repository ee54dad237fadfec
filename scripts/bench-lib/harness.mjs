// @ts-check
/**
 * The types every bench section shares: the lab it measures (lab.json) and the harness object
 * scripts/bench.mjs hands each section module. Types only; a section imports them with
 * `@typedef {import('./harness.mjs').Harness} Harness`.
 */

/**
 * One IM server of the lab.
 * @typedef {object} LabServer
 * @property {string} name
 * @property {string} host
 * @property {string} dn
 * @property {boolean} hostsUsers
 * @property {number} seededUsers
 * @property {boolean} exists false for the server objects lab.json names that the lab has deleted
 */

/**
 * The lab's facts (lab.json, written by lab/lab.sh), as far as the bench reads them.
 * @typedef {object} Lab
 * @property {string} labDir
 * @property {string} domain
 * @property {string} baseDn
 * @property {string} configDn
 * @property {string} usersOu
 * @property {string} imDomain
 * @property {string} adminUpn
 * @property {string} adminPassword path of the admin's password file
 * @property {string} caFile
 * @property {string} ldapsUrl
 * @property {string} dnsServer
 * @property {number} dnsPort
 * @property {LabServer[]} servers
 * @property {{ users: number, imEnabled: number, perServer: Record<string, number> }} seeded
 * @property {{ krb5Conf: string, adminPrincipal: string, hostsFile: string, dcHost: string }} [kerberos]
 */

/**
 * Other LDAP clients on the DC while a step ran (scripts/bench-lib/contention.mjs).
 * @typedef {{ samples: number, busy: number, maxOthers: number, share: number }} Contention
 */

/**
 * A timed run: its wall time, whether it shared the DC, and what a section adds (imctl's own
 * write phase, the SASL layer's counts).
 * @typedef {object} Timed
 * @property {number} ms
 * @property {Contention} [contention]
 * @property {number} [writeMs]
 * @property {string} [gss]
 */

/**
 * A result's target: a ratio to stay within, a value to stay below, or only its text ("info").
 * @typedef {{ ratio?: number, below?: number, text: string }} Target
 */

/**
 * @callback RecordResult
 * Adds one line to the Results table.
 * @param {string} metric
 * @param {number} imctlValue
 * @param {number | undefined} refValue
 * @param {string} unit 's' (value in ms), 'ms', 'MB', 'rows/s'
 * @param {Target} [target] none: a line without a verdict
 * @param {{ lowerIsBetter?: boolean, limit?: string }} [options]
 * @returns {void}
 */

/**
 * Runs one step on a steady lab, again if samba restarted meanwhile or another client shared the DC.
 * @typedef {<T>(what: string, step: () => Promise<T>, options?: { attempts?: number, contendedRetries?: number }) => Promise<T>} WithLab
 */

/**
 * What bench.mjs hands every section module: the lab, the tools, the timing and the report.
 * @typedef {object} Harness
 * @property {Lab} lab
 * @property {string} labDir
 * @property {import('./ldap.mjs').LdapTools} ldap
 * @property {string} tag a short tag unique to this run, in the names of the users it creates
 * @property {string} repo
 * @property {string} scratch a private temporary folder, removed at the end
 * @property {string} home imctl's HOME (journals land in scratch)
 * @property {Record<string, string | undefined>} imctlEnv the environment imctl runs in (h.imctl's)
 * @property {number} N users of the bulk enable
 * @property {number} REPS
 * @property {number} reps
 * @property {typeof import('./run.mjs').run} run
 * @property {typeof import('./run.mjs').runOk} runOk
 * @property {WithLab} withLab
 * @property {(fn: () => Promise<number | Timed>) => Promise<Timed>} timed
 * @property {(args: string[], options?: import('./run.mjs').RunOptions) => Promise<import('./run.mjs').RunResult>} imctl
 * @property {(args: string[]) => string} showImctl how a command is shown in the report
 * @property {RecordResult} record
 * @property {string[]} details Markdown blocks of the Details section
 * @property {(label: string, runs: (number | Timed)[], unit?: string) => string} runsLine
 * @property {(message: string) => void} log
 * @property {typeof import('./run.mjs').median} median
 * @property {typeof import('./run.mjs').seconds} seconds
 * @property {string} USER_FILTER
 */

export {};
