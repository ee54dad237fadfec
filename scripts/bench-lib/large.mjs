// @ts-check
// The large directory of the benchmark (issue 32): 100,000 users, 90,000 of them IM-enabled across
// 14 home servers (im-east over 7,500 as seeded, one new server over it too) and the router with
// orphans. The seeded lab (12,013 + OU=Audit) is topped up with users under OU=Large, in sites of
// their own (`CN=Last\, First,OU=Users,OU=<site>,OU=Large,…`), and ten more home servers. The seed is
// untimed in the comparisons, done once and kept as dc1's named snapshot (.lab/snapshot-large:
// `lab.sh save-snapshot large`); later runs restore it in seconds. dc2 stays stopped meanwhile.
// Each line: imctl against its reference, wall time and imctl's peak RSS (/usr/bin/time).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IM_ATTRS, ldifValue } from './ldap.mjs';
import { Terminal, timeWizard } from './large-wizard.mjs';
import { peakRss } from './peak-rss.mjs';

/** @typedef {import('./harness.mjs').Harness} Harness */
/** @typedef {import('./harness.mjs').Lab} Lab */

/**
 * What bench.mjs hands this section beside the harness: the lab's script, the report's notes, and
 * imctl's command line and environment for the runs it makes itself (peak RSS, the wizard in tmux).
 * @typedef {object} LargeSteps
 * @property {(...args: string[]) => Promise<import('./run.mjs').RunResult>} labSh lab/lab.sh with these arguments
 * @property {string[]} notes lines of the report's Notes section
 * @property {(...args: string[]) => string[]} imctlArgs bin/imctl, --config and these arguments
 * @property {NodeJS.ProcessEnv} imctlEnv
 * @property {() => string} loadAverage the 1/5/15-minute load average (scripts/bench-lib/machine.mjs)
 */
/** @typedef {Harness & LargeSteps} LargeHarness */

/**
 * One server of the large directory, as its facts keep it: enough to count the users homed on it.
 * @typedef {object} FactsServer
 * @property {string} name
 * @property {string} dnEscaped its DN escaped for a filter value
 * @property {boolean} hostsUsers
 */

/**
 * The facts of the large directory (facts.json beside its snapshot): what it holds and how the seed went.
 * @typedef {object} Facts
 * @property {number} format FORMAT when it was seeded; another one is seeded again
 * @property {number} users
 * @property {number} im
 * @property {number} added users added under OU=Large
 * @property {number} seedMs
 * @property {string} [seedMethod] 'offline' (lab.sh offline-add); absent in a snapshot seeded over LDAPS
 * @property {string} [loadAfter] the load average at the seed's end (absent in older snapshots)
 * @property {string} seededOn ISO date and time
 * @property {string} load the load average at the seed's start
 * @property {FactsServer[]} servers
 * @property {number} [restoreMs] this run's restore of the snapshot (not in the file)
 */

/** A server the seed homes users on: one of the lab's or one it adds. @typedef {{ name: string, host: string, dn: string }} HomeServer */

export const LARGE_USERS = 100_000;
export const LARGE_IM = 90_000;
const FORMAT = 1; // bump when the generated data changes: an older snapshot is seeded again
const NEW_SERVERS = 10;
const BIG_SERVER_USERS = 7_700; // the second server over 7,500 (im-east is the first)
const ROUTER_ORPHANS = 50;
const IMPORT_ENABLES = 20_000;
const IMPORT_SERVER = 'im-large-05';
const WIZARD_TERM = 'zoe zimmermann'; // ~35 of the added users
const WIZARD_MATCH = /❯ Zoe Zimmermann \(/;
const SITES = [
  'Amsterdam',
  'Boston',
  'Chicago',
  'Dublin',
  'Frankfurt',
  'Madrid',
  'Osaka',
  'Seattle',
  'Sydney',
  'Zurich',
];
const FIRST =
  'Aaron Abigail Adam Alice Amir Ana Andre Anna Ben Carla Chen David Elena Emma Eva Felix Grace Hana Ines Ivan Jack Jana Jose Julia Karl Kim Lars Lea Liam Lucia Marco Maria Mei Mia Nina Noah Omar Olga Paul Priya Rosa Sam Sara Sofia Tom Uma Victor Wei Yara Zoe'.split(
    ' ',
  );
const LAST =
  'Adams Bauer Becker Brown Castillo Chen Costa Dubois Evans Fischer Garcia Gonzalez Hansen Huber Ito Jansen Kim Klein Kowalski Lee Lopez Martin Meyer Moreau Muller Murphy Nguyen Novak Olsen Patel Perez Petrov Rossi Ruiz Santos Schmidt Silva Smith Suzuki Tanaka Taylor Thomas Walker Wang Weber Wilson Wong Young Zhang Zimmermann'.split(
    ' ',
  );

/**
 * The i-th user added under OU=Large: its names and DN.
 * @param {number} i
 * @param {Pick<Lab, 'baseDn'>} lab
 */
export function largeUser(i, lab) {
  const first = /** @type {string} */ (FIRST[i % FIRST.length]);
  const last = /** @type {string} */ (LAST[Math.floor(i / FIRST.length) % LAST.length]);
  const n = Math.floor(i / (FIRST.length * LAST.length));
  const sam = `${first[0]}${last}.${i}`.toLowerCase(); // the dot: no seeded name has one
  const dn = `CN=${last}\\, ${first} ${n},OU=Users,OU=${SITES[i % SITES.length]},OU=Large,${lab.baseDn}`;
  return { first, last, sam, dn };
}

/** The facts of the large directory, kept beside its snapshot: what it holds and how long the seed took. */
const factsFile = (/** @type {string} */ labDir) => join(labDir, 'snapshot-large', 'facts.json');

/** @param {LargeHarness} h */
export async function benchLarge(h) {
  const { lab, ldap, log, labSh } = h;
  const facts = await ensureLargeDirectory(h);
  const home = facts.servers.filter((s) => s.hostsUsers);
  h.notes.push(
    `Large directory (issue 32): ${facts.users.toLocaleString('en-US')} users, ${facts.im.toLocaleString('en-US')} IM-enabled on ${home.length} home servers and ${facts.servers.length - home.length} router(s) (${facts.added.toLocaleString('en-US')} added to the seeded lab under OU=Large). The seed (${seedMethodText(facts)}) took ${h.seconds(facts.seedMs)} s (${Math.round(facts.added / (facts.seedMs / 1000))} adds/s) on ${facts.seededOn}, machine load ${facts.load} at its start and ${facts.loadAfter ?? '?'} at its end; later runs restore the snapshot (\`lab.sh restore-snapshot large\`, ${h.seconds(facts.restoreMs ?? 0)} s this run).`,
  );
  const homedFilter = `(&${h.USER_FILTER}(msExchIMVirtualServer=*))`;
  const imAnyFilter = `(&${h.USER_FILTER}(|${IM_ATTRS.map((a) => `(${a}=*)`).join('')}))`;
  /**
   * Wall time of one paged ldapsearch of the domain, its output discarded.
   * @param {string} filter
   * @param {readonly string[]} attributes
   */
  const searchMs = async (filter, attributes) =>
    (await h.runOk('ldapsearch', ldap.searchArgs(lab.baseDn, filter, attributes), { env: ldap.env, stdout: 'ignore' }))
      .ms;
  const sameAttributes = 'one paged `ldapsearch` of the same filter and attributes';
  // The first reader after the restore pays for Samba's cold start: servers --json, the first line,
  // took 32.18 s and then 27.71 s (reference 21.44 s, 26.44 s) in one run of three repetitions. One
  // untimed search of every IM user first, so no line's first run carries it.
  const warmMs = await searchMs(imAnyFilter, ['objectGUID', 'sAMAccountName', ...IM_ATTRS]);
  log(`large: warm-up search of every IM user (untimed in the comparisons): ${h.seconds(warmMs)} s`);
  h.notes.push(
    `Large directory: after the restore, one untimed paged \`ldapsearch\` of every IM user (${h.seconds(warmMs)} s) warms Samba before the first line.`,
  );
  // What imctl's audit pass reads of each user (src/directory/users.ts AUDIT_ATTRIBUTES).
  const auditAttributes = ['objectGUID', 'sAMAccountName', 'mailNickname'].concat(
    ['userAccountControl', 'accountExpires', 'lastLogonTimestamp'],
    IM_ATTRS,
  );
  const lines = [
    {
      key: 'servers',
      name: 'servers --json',
      args: ['servers', '--json'],
      goal: 1.0,
      // one value-less paged ldapsearch per server, one after another
      reference: async () => {
        let ms = 0;
        for (const s of facts.servers)
          ms += await searchMs(`(&${h.USER_FILTER}(msExchIMVirtualServer=${s.dnEscaped}))`, ['1.1']);
        return ms;
      },
      referenceText: `${facts.servers.length} value-less paged \`ldapsearch\` (1.1), one per server, one after another`,
    },
    {
      key: 'users',
      name: `users --json (${facts.im.toLocaleString('en-US')})`,
      args: ['users', '--json'],
      goal: 1.1,
      reference: () =>
        searchMs(homedFilter, ['sAMAccountName', 'displayName', 'msExchIMAddress', 'msExchIMVirtualServer']),
      referenceText: sameAttributes,
    },
    {
      key: 'rebalance',
      name: 'rebalance (plan only)',
      args: ['rebalance', '--dry-run', '--json'],
      goal: 1.2,
      ok: [0, 2, 3],
      // What the plan reads of each homed user (src/directory/users.ts listHomedUsers); the moved
      // users are read whole again only when the plan is applied.
      reference: () => searchMs(homedFilter, ['objectGUID', 'msExchIMVirtualServer']),
      referenceText: sameAttributes,
    },
    {
      key: 'audit',
      name: 'audit',
      args: ['audit', '--json', '--no-dns'],
      goal: 1.3,
      ok: [0, 3],
      reference: () => searchMs(imAnyFilter, auditAttributes),
      referenceText: sameAttributes,
    },
  ];
  const rows = [];
  // IMCTL_BENCH_LARGE_LINES=audit,users,…: only those lines, in that order (a long seed leaves little
  // time on a shared machine; each line costs minutes at 100,000 users). Default: all of them.
  const only = (process.env.IMCTL_BENCH_LARGE_LINES ?? 'servers,users,rebalance,audit,import,wizard')
    .split(',')
    .map((k) => k.trim());
  const wanted = only.flatMap((key) => lines.filter((line) => line.key === key));
  if (only.length > 0 && only.length !== wanted.length + ['import', 'wizard'].filter((k) => only.includes(k)).length)
    throw new Error(
      `IMCTL_BENCH_LARGE_LINES: unknown line in "${only.join(',')}" (servers, users, rebalance, audit, import, wizard)`,
    );
  for (const line of wanted) {
    const imctlRuns = [];
    const refRuns = [];
    let peakMb = 0;
    for (let rep = 0; rep < h.reps; rep++) {
      const r = await peakRss(h.imctlArgs(...line.args), { env: h.imctlEnv, cwd: h.repo });
      if (!(line.ok ?? [0]).includes(r.code))
        throw new Error(`imctl ${line.args.join(' ')} exited ${r.code}: ${r.stderr.slice(-600)}`);
      if (line.args.includes('--json')) JSON.parse(r.stdout); // one valid document, however long
      imctlRuns.push(r.ms);
      peakMb = Math.max(peakMb, r.mb);
      const refMs = await line.reference();
      refRuns.push(refMs);
      log(
        `large ${line.name}: imctl ${h.seconds(r.ms)} s (${r.mb.toFixed(0)} MB), reference ${h.seconds(refMs)} s; load ${h.loadAverage()}`,
      );
    }
    const imctlMs = h.median(imctlRuns);
    const refMs = h.median(refRuns);
    // record() takes milliseconds for 's' (table.mjs prints them as seconds).
    h.record(`large: ${line.name}`, imctlMs, refMs, 's', {
      ratio: line.goal,
      text: `≤ ${line.goal.toFixed(1)}×`,
    });
    h.record(`large: peak RSS, ${line.name}`, peakMb, undefined, 'MB', { below: 150, text: '< 150 MB' });
    rows.push(
      `- \`${h.showImctl(line.args)}\`: ${imctlRuns.map((ms) => h.seconds(ms)).join(', ')} s, peak RSS ${peakMb.toFixed(1)} MB; reference (${line.referenceText}): ${refRuns.map((ms) => h.seconds(ms)).join(', ')} s; load average at the end ${h.loadAverage()}`,
    );
  }
  // After the reads: the import moves 20,000 users onto one server, which the reads must not see.
  if (only.includes('import')) rows.push(...(await benchImport(h, facts)));
  if (only.includes('wizard')) rows.push(...(await benchWizard(h)));
  h.details.push(['### Large directory (issue 32)', '', ...rows, ''].join('\n'));
  await labSh('restore'); // both DCs back to the seeded state for the sections after this one
}

/**
 * `import` of 20,000 enables against `ldapmodify -f` of the LDIF imctl itself emits for that CSV
 * (`import --ldif`: the same compare-and-set modifies). The last 20,000 users added (the 10,000
 * never enabled and 10,000 enabled ones) are cleared first, untimed, before every timed run.
 * @param {LargeHarness} h
 * @param {Facts} facts
 */
async function benchImport(h, facts) {
  const { lab, ldap, log } = h;
  const users = Array.from({ length: IMPORT_ENABLES }, (_, k) => largeUser(facts.added - IMPORT_ENABLES + k, lab));
  const server = facts.servers.find((s) => s.name === IMPORT_SERVER);
  if (!server) throw new Error(`large: the directory's facts name no ${IMPORT_SERVER} (${factsFile(h.labDir)})`);
  const csv = join(h.scratch, 'large-import.csv');
  const ldif = join(h.scratch, 'large-import.ldif');
  const reset = join(h.scratch, 'large-import-reset.ldif');
  writeFileSync(csv, `user,action,server\n${users.map((u) => `${u.sam},enable,${IMPORT_SERVER}`).join('\n')}\n`);
  writeFileSync(
    reset,
    users
      .map(
        (u) =>
          `${ldifValue('dn', u.dn)}\nchangetype: modify\n${IM_ATTRS.map((a) => `replace: ${a}\n-`).join('\n')}\n\n`,
      )
      .join(''),
  );
  const onServer = () => ldap.count(lab.baseDn, `(&${h.USER_FILTER}(msExchIMVirtualServer=${server.dnEscaped}))`);
  const clear = async () => {
    await ldap.modifyFile(reset);
    return onServer();
  };
  /**
   * @param {string} who
   * @param {number} before the server's count before the run
   */
  const expectEnabled = async (who, before) => {
    const after = await onServer();
    if (after !== before + IMPORT_ENABLES)
      throw new Error(`${who}: ${after - before} of ${IMPORT_ENABLES} users enabled on ${IMPORT_SERVER}`);
  };
  let before = await clear();
  const emitted = await peakRss(h.imctlArgs('import', csv, '--ldif', ldif), { env: h.imctlEnv, cwd: h.repo });
  if (emitted.code !== 0) throw new Error(`imctl import --ldif exited ${emitted.code}: ${emitted.stderr.slice(-600)}`);
  const imctlRuns = [];
  const refRuns = [];
  let peakMb = 0;
  for (let rep = 0; rep < h.reps; rep++) {
    const r = await peakRss(h.imctlArgs('import', csv, '--yes', '--concurrency', '16'), {
      env: h.imctlEnv,
      cwd: h.repo,
    });
    if (r.code !== 0) throw new Error(`imctl import exited ${r.code}: ${r.stderr.slice(-600)}`);
    await expectEnabled('imctl import', before);
    imctlRuns.push(r.ms);
    peakMb = Math.max(peakMb, r.mb);
    before = await clear();
    const refMs = (await ldap.modifyFile(ldif)).ms;
    refRuns.push(refMs);
    await expectEnabled('ldapmodify', before);
    before = await clear();
    log(
      `large import: imctl ${h.seconds(r.ms)} s (${r.mb.toFixed(0)} MB), ldapmodify ${h.seconds(refMs)} s; load ${h.loadAverage()}`,
    );
  }
  const name = `import of ${IMPORT_ENABLES.toLocaleString('en-US')} enables`;
  h.record(`large: ${name}`, h.median(imctlRuns), h.median(refRuns), 's', { ratio: 1.0, text: '≤ 1.0×' });
  h.record(`large: peak RSS, ${name}`, peakMb, undefined, 'MB', { below: 150, text: '< 150 MB' });
  return [
    `- \`${h.showImctl(['import', 'large.csv', '--yes', '--concurrency', '16'])}\` (${IMPORT_ENABLES.toLocaleString('en-US')} rows \`<sam>,enable,${IMPORT_SERVER}\`): ${imctlRuns.map((ms) => h.seconds(ms)).join(', ')} s, peak RSS ${peakMb.toFixed(1)} MB (\`import --ldif\` of the same CSV: ${emitted.mb.toFixed(1)} MB); reference (\`ldapmodify -f\` of that LDIF): ${refRuns.map((ms) => h.seconds(ms)).join(', ')} s. The users' IM attributes were cleared (untimed) before each run, and the server's count checked after it.`,
  ];
}

/**
 * The wizard's start to its first prompt, and a name search among 100,000 users (< 1 s each).
 * @param {LargeHarness} h
 */
async function benchWizard(h) {
  const terminal = new Terminal(`imctl-bench-${process.pid}`);
  const runs = [];
  try {
    for (let rep = 0; rep < h.reps; rep++) {
      const r = await timeWizard(terminal, {
        argv: [process.execPath, ...h.imctlArgs('wizard')],
        env: h.imctlEnv,
        cwd: h.repo,
        term: WIZARD_TERM,
        match: WIZARD_MATCH,
      });
      runs.push(r);
      h.log(`large wizard: first prompt ${h.seconds(r.startMs)} s, search ${h.seconds(r.searchMs)} s`);
    }
  } finally {
    terminal.close();
  }
  const start = h.median(runs.map((r) => r.startMs));
  const search = h.median(runs.map((r) => r.searchMs));
  h.record('large: wizard, start to the first prompt', start, undefined, 's', { below: 1000, text: '< 1 s' });
  h.record(`large: wizard, name search ("${WIZARD_TERM}")`, search, undefined, 's', { below: 1000, text: '< 1 s' });
  return [
    `- wizard (the built \`bin/imctl wizard\` in tmux, the pane polled every 20 ms): start to "What do you want to do?" ${runs.map((r) => h.seconds(r.startMs)).join(', ')} s; "${WIZARD_TERM}" typed at "Find the user to enable" to its first match highlighted: ${runs.map((r) => h.seconds(r.searchMs)).join(', ')} s`,
  ];
}

/**
 * How the users were added (a snapshot seeded before offline-add went over LDAPS).
 * @param {Facts} facts
 */
function seedMethodText({ seedMethod }) {
  return seedMethod === 'offline'
    ? "`lab.sh offline-add`: dc1 stopped, Samba's own modules adding to sam.ldb, 5,000 entries a transaction in ldb's batch mode"
    : '`ldapmodify -a` over LDAPS';
}

/**
 * Restore the kept snapshot, or seed the directory once and keep it.
 * @param {LargeHarness} h
 * @returns {Promise<Facts>}
 */
async function ensureLargeDirectory(h) {
  const { labDir, labSh, log } = h;
  const file = factsFile(labDir);
  if (existsSync(file)) {
    /** @type {Facts} */
    const facts = JSON.parse(readFileSync(file, 'utf8'));
    if (facts.format === FORMAT) {
      log('large: restoring the kept 100,000-user snapshot');
      const t0 = Date.now();
      await labSh('restore-snapshot', 'large');
      return { ...facts, restoreMs: Date.now() - t0 };
    }
  }
  log('large: seeding (once; kept as .lab/snapshot-large)');
  await labSh('restore');
  await labSh('stop-dc', '2');
  const facts = await seed(h);
  writeFileSync(join(h.scratch, 'large-facts.json'), JSON.stringify(facts));
  await labSh('save-snapshot', 'large');
  writeFileSync(file, `${JSON.stringify(facts, null, 2)}\n`);
  return facts;
}

/**
 * Add the users and servers of the large directory to the seeded lab (dc1 only), and count them.
 * @param {LargeHarness} h
 * @returns {Promise<Facts>}
 */
async function seed(h) {
  const { lab, ldap, log, labSh } = h;
  const [existingUsers, existingIm] = await Promise.all([
    ldap.count(lab.baseDn, h.USER_FILTER),
    ldap.count(lab.baseDn, `(&${h.USER_FILTER}(msExchIMVirtualServer=*))`),
  ]);
  const added = LARGE_USERS - existingUsers;
  const newIm = LARGE_IM - existingIm;
  const existing = Object.fromEntries(lab.servers.map((s) => [s.name, s]));
  /** @param {string} name */
  const labServer = (name) => {
    const server = existing[name];
    if (!server) throw new Error(`large: the lab has no server ${name} (lab.json)`);
    return server;
  };
  const serversDn = labServer('im-east').dn.split(',').slice(4).join(',');
  const newServers = Array.from({ length: NEW_SERVERS }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    const exch = `EXCHL${n}`;
    return {
      name: `im-large-${n}`,
      host: `exchl${n}.${lab.domain}`,
      exch,
      dn: `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${exch},${serversDn}`,
      hostsUsers: true,
    };
  });
  const seeded = lab.seeded.perServer;
  // The remaining IM users fill im-west, im-north, im-south and nine new servers to one level.
  const level = ['im-west', 'im-north', 'im-south'];
  /** @type {HomeServer[]} */
  const levelled = [...level.map(labServer), ...newServers.slice(1)];
  const remaining = newIm - BIG_SERVER_USERS - ROUTER_ORPHANS;
  const target = Math.ceil((remaining + level.reduce((sum, n) => sum + (seeded[n] ?? 0), 0)) / levelled.length);
  /** @type {Map<HomeServer, number>} */
  const quota = new Map([
    [/** @type {HomeServer} */ (newServers[0]), BIG_SERVER_USERS],
    [labServer('im-router'), ROUTER_ORPHANS],
  ]);
  let left = remaining;
  for (const s of levelled) {
    const take = Math.min(left, Math.max(0, target - (seeded[s.name] ?? 0)));
    quota.set(s, take);
    left -= take;
  }
  /** @type {HomeServer[]} */
  const homes = [...quota].flatMap(([s, n]) => Array(n).fill(s));

  /** @type {string[]} */
  const out = [];
  /**
   * @param {string} dn
   * @param {[string, string | string[]][]} attrs
   */
  const entry = (dn, attrs) =>
    out.push(
      `${[ldifValue('dn', dn), 'changetype: add', ...attrs.flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => ldifValue(k, x)))].join('\n')}\n`,
    );
  for (const s of newServers) {
    const exchDn = `CN=${s.exch},${serversDn}`;
    entry(exchDn, [['objectClass', 'container']]);
    entry(`CN=Protocols,${exchDn}`, [['objectClass', 'container']]);
    entry(`CN=InstMsg,CN=Protocols,${exchDn}`, [['objectClass', 'container']]);
    out.push(
      `${[ldifValue('dn', s.dn), 'changetype: add', 'objectClass: top', 'objectClass: msExchProtocolCfgIMVirtualServer', `msExchIMServerName: ${s.name}`, `msExchIMHostName:: ${Buffer.from(s.host, 'ascii').toString('base64')}`, 'msExchIMServerHostsUsers: TRUE', `msExchIMServerIISId: ${100 + newServers.indexOf(s)}`].join('\n')}\n`,
    );
  }
  // The servers first, without -c: one that cannot be added (a mandatory attribute) stops the seed
  // at once, instead of 70,000 users failing on "Referenced object not found".
  const serversLdif = join(h.scratch, 'large-servers.ldif');
  writeFileSync(serversLdif, out.splice(0).join('\n'));
  await h.runOk('ldapmodify', [...ldap.bind, '-a', '-f', serversLdif], { env: ldap.env, stdout: 'ignore' });
  const large = `OU=Large,${lab.baseDn}`; // largeUser() names the users below it
  entry(large, [
    ['objectClass', 'organizationalUnit'],
    ['description', 'imctl benchmark: the large directory (scripts/bench-lib/large.mjs)'],
  ]);
  for (const site of SITES) {
    entry(`OU=${site},${large}`, [['objectClass', 'organizationalUnit']]);
    entry(`OU=Users,OU=${site},${large}`, [['objectClass', 'organizationalUnit']]);
  }
  for (let i = 0; i < added; i++) {
    const { first, last, sam, dn } = largeUser(i, lab);
    /** @type {[string, string | string[]][]} */
    const attrs = [
      ['objectClass', ['top', 'person', 'organizationalPerson', 'user']],
      ['sAMAccountName', sam],
      ['userPrincipalName', `${sam}@${lab.domain}`],
      ['givenName', first],
      ['sn', last],
      ['displayName', `${first} ${last}`],
      ['mail', `${sam}@${lab.domain}`],
      ['mailNickname', sam],
    ];
    const server = homes[i];
    if (server)
      attrs.push(
        ['msExchIMVirtualServer', server.dn],
        ['msExchIMAddress', `${sam}@${lab.imDomain}`],
        ['msExchIMMetaPhysicalURL', `http://${lab.imDomain}/instmsg/aliases/${sam}`],
        ['msExchIMPhysicalURL', `http://${server.host}/instmsg/local/${lab.imDomain}/instmsg/aliases/${sam}`],
      );
    entry(dn, attrs);
  }
  log(
    `large: adding ${added.toLocaleString('en-US')} users (${homes.length.toLocaleString('en-US')} IM-enabled) and ${NEW_SERVERS} servers`,
  );
  // Offline, through Samba's own modules (lab.sh offline-add: dc1 stopped, 5,000 entries a
  // transaction in ldb's batch mode): over LDAPS each add is a commit and a round trip, and the lab's
  // DC runs single-process (-M single), so more connections only queue. Offline without batch mode
  // was slower still and slowing (every add copied each index list it touched, objectClass=top
  // being every entry). The seed's own rate is in the record's Notes (docs/benchmarks.md).
  const usersLdif = join(h.scratch, 'large-users.ldif');
  writeFileSync(usersLdif, out.splice(0).join('\n'));
  const load = h.loadAverage();
  const t0 = Date.now();
  await labSh('offline-add', usersLdif);
  const seedMs = Date.now() - t0;
  const [users, im] = await Promise.all([
    ldap.count(lab.baseDn, h.USER_FILTER),
    ldap.count(lab.baseDn, `(&${h.USER_FILTER}(msExchIMVirtualServer=*))`),
  ]);
  if (users !== LARGE_USERS || im !== LARGE_IM)
    throw new Error(`the large directory holds ${users} users, ${im} IM-enabled (want ${LARGE_USERS}, ${LARGE_IM})`);
  const escape = (/** @type {string} */ dn) =>
    dn.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const servers = [
    ...lab.servers
      .filter((s) => s.exists !== false)
      .map((s) => ({ name: s.name, dnEscaped: escape(s.dn), hostsUsers: s.hostsUsers })),
    ...newServers.map((s) => ({ name: s.name, dnEscaped: escape(s.dn), hostsUsers: true })),
  ];
  return {
    format: FORMAT,
    users,
    im,
    added,
    seedMs,
    seedMethod: 'offline',
    loadAfter: h.loadAverage(),
    seededOn: new Date().toISOString(),
    load,
    servers,
  };
}
