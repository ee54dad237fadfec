#!/usr/bin/env node
// @ts-check
// imctl benchmark harness: imctl against the reference an administrator would otherwise use
// (ldapmodify / ldapsearch / bare node), on the Samba AD lab, median of several repetitions.
// Writes docs/benchmarks.md. Run with `npm run bench` (builds first). Options:
//   --users N        users in the bulk-enable benchmark (default 10000)
//   --list-total N   IM-enabled users the directory holds for the listing benchmarks (default 20000)
//   --rows N         rows of the import --dry-run memory benchmark file (default 100000)
//   --reps N         repetitions per comparison (default 3); start-up uses --startup-runs (default 10)
//   --only a,b       sections: servers, enable, concurrency, import-small, users-small, small-import,
//                    small-forms, small-users, small-servers, list, plan, startup, memory, audit, sealed,
//                    active, large, sync (servers runs first: on the seeded ~12,000 users; small-*: the second
//                    directory; large: 100,000 users, seeded once and kept as .lab/snapshot-large)
//   --no-restore     do not `lab.sh restore` before and after (for development on a shared lab);
//                    the bench OU is deleted with ldapdelete -r instead
//   --out FILE       where to write the report (default docs/benchmarks.md)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { IM_ATTRS, LdapTools, USER_FILTER, ldifValue } from './bench-lib/ldap.mjs';
import { watchContention } from './bench-lib/contention.mjs';
import { benchAudit } from './bench-lib/audit.mjs';
import { benchActive } from './bench-lib/active.mjs';
import { benchSync } from './bench-lib/sync.mjs';
import { describeMachine, loadAverage } from './bench-lib/machine.mjs';
import { activeChildren, median, run, runOk, seconds } from './bench-lib/run.mjs';
import { STARTUP_TARGET, measureStartup } from './bench-lib/startup.mjs';
import { MID_SECTIONS, midScope } from './bench-lib/mid-scope.mjs';
import { benchSealed } from './bench-lib/sealed.mjs';
import { SMALL_SECTIONS, smallDomain } from './bench-lib/small-domain.mjs';
import { peakRss } from './bench-lib/peak-rss.mjs';
import { benchLarge } from './bench-lib/large.mjs';
import { fmt, markdownTable, ratioText, textTable } from './bench-lib/table.mjs';
import { writePhaseMs } from './bench-lib/imctl-output.mjs';
import { isRecordRun, kerberosBenchBlocks, readmeBenchBlocks } from './docs-lib/bench-blocks.mjs';
import { writeGeneratedBlocks } from './docs-lib/generated-blocks.mjs';

/** @typedef {import('./bench-lib/harness.mjs').Timed} Timed */
/** @typedef {import('./bench-lib/harness.mjs').LabServer} LabServer */

const REPO = join(import.meta.dirname, '..');
const SECTIONS = [
  'servers',
  'enable',
  'concurrency',
  ...MID_SECTIONS,
  ...SMALL_SECTIONS,
  'list',
  'plan',
  'startup',
  'memory',
  'audit',
  'sealed',
  'active',
  'large',
  'sync',
];

// ------------------------------------------------------------------------------------------------
// Options
const usage = () =>
  readFileSync(new URL(import.meta.url), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('//')))
    .filter((l) => l !== '// @ts-check') // for the type checker, not the reader
    .map((l) => l.replace(/^\/\/ ?/, ''))
    .join('\n');
/** @type {(message: string) => never} */
const fail = (message) => {
  process.stderr.write(`bench: ${message}\n\n${usage()}\n`);
  process.exit(2);
};
function parseOptions() {
  try {
    return parseArgs({
      options: {
        users: { type: 'string', default: '10000' },
        'list-total': { type: 'string', default: '20000' },
        rows: { type: 'string', default: '100000' },
        reps: { type: 'string', default: '3' },
        'startup-runs': { type: 'string', default: '10' },
        only: { type: 'string' },
        'no-restore': { type: 'boolean', default: false },
        out: { type: 'string', default: join(REPO, 'docs', 'benchmarks.md') },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail(/** @type {Error} */ (error).message);
  }
}
const opts = parseOptions();
if (opts.help) {
  process.stdout.write(`${usage()}\n`);
  process.exit(0);
}
/** @param {'users' | 'list-total' | 'rows' | 'reps' | 'startup-runs'} name */
const positiveInt = (name) => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, not "${opts[name]}"`);
  return n;
};
const N = positiveInt('users');
const LIST_TOTAL = positiveInt('list-total');
const ROWS = positiveInt('rows');
const REPS = positiveInt('reps');
const STARTUP_RUNS = positiveInt('startup-runs');
const RESTORE = !opts['no-restore'];
const only = opts.only
  ? opts.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : SECTIONS;
for (const s of only) if (!SECTIONS.includes(s)) fail(`--only: unknown section "${s}" (known: ${SECTIONS.join(', ')})`);
const wants = (/** @type {string} */ s) => only.includes(s);
const argv = process.argv.slice(2);
const COMMAND =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`
    : `node scripts/bench.mjs ${argv.join(' ')}`.trim();

// ------------------------------------------------------------------------------------------------
// Lab, tools, scratch space
const LAB_DIR = process.env.IMCTL_LAB_DIR ?? join(REPO, '.lab');
const labSh = (/** @type {string[]} */ ...args) =>
  runOk('bash', [join(REPO, 'lab', 'lab.sh'), ...args], {
    env: { ...process.env, IMCTL_LAB_DIR: LAB_DIR },
    stdout: 'ignore',
  });
const log = (/** @type {string} */ msg) => process.stderr.write(`bench: ${msg}\n`);
const started = Date.now();
const loadAtStart = loadAverage();

const scratch = mkdtempSync(join(tmpdir(), 'imctl-bench-'));
const home = join(scratch, 'home');
mkdirSync(home);
// imctl as an admin runs it, with a private HOME/XDG dirs so journals land in scratch.
const imctlEnv = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_STATE_HOME: join(home, 'state'),
  XDG_CONFIG_HOME: join(home, 'config'),
  NO_COLOR: '1',
};
const IMCTL_CONFIG = join(LAB_DIR, 'imctl.json');
const imctlArgs = (/** @type {string[]} */ ...args) => [join(REPO, 'bin', 'imctl'), '--config', IMCTL_CONFIG, ...args];
/** @type {import('./bench-lib/harness.mjs').Harness['imctl']} */
const imctl = (args, options = {}) =>
  run(process.execPath, imctlArgs(...args), { env: imctlEnv, cwd: REPO, ...options });
// How commands are shown in the report.
const showImctl = (/** @type {string[]} */ args) => `node bin/imctl --config .lab/imctl.json ${args.join(' ')}`;

if (RESTORE) {
  log('lab.sh up + restore (measuring from the seeded state)');
  await labSh('up');
  await labSh('restore');
}
/** @type {import('./bench-lib/harness.mjs').Lab} */
const lab = JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8'));
const ldap = new LdapTools(lab);
const serverByName = Object.fromEntries(lab.servers.map((s) => [s.name, s]));
const TAG = process.pid.toString(36);
const OU = `OU=bench-${process.pid},${lab.baseDn}`;

/** The running samba's PID: `lab.sh restore`, `down`/`up` (run by anyone's tests) restart samba, so a change means the bench data may be gone and a timing is void. */
const labPid = () => {
  try {
    return readFileSync(join(LAB_DIR, 'run', 'lab.pid'), 'utf8').trim();
  } catch {
    return '?';
  }
};
let epoch = labPid();
class LabRestored extends Error {}
const guard = () => {
  if (labPid() !== epoch)
    throw new LabRestored(`samba restarted (${epoch} → ${labPid()}): someone ran lab.sh restore/down/up`);
};
const QUIET_MS = 3000;
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
/** Wait until the lab answers and its samba has not changed for QUIET_MS; adopt it as the epoch. */
async function settle() {
  const deadline = Date.now() + 15 * 60_000;
  let since = Date.now();
  let pid = labPid();
  let waited = false;
  while (Date.now() < deadline) {
    const now = labPid();
    if (now !== pid) {
      pid = now;
      since = Date.now();
    }
    if (Date.now() - since >= QUIET_MS || (!waited && now === epoch)) {
      const answers =
        (
          await run(
            'ldapsearch',
            ['-x', '-H', 'ldap://127.0.0.1', '-o', 'nettimeout=3', '-b', '', '-s', 'base', 'namingContexts'],
            { env: ldap.env, stdout: 'ignore' },
          )
        ).code === 0;
      if (answers && labPid() === pid) {
        epoch = pid;
        return;
      }
      since = Date.now();
    }
    waited = true;
    await sleep(250);
  }
  throw new Error('the lab did not answer steadily for 15 minutes');
}
/** @type {string[]} */
const disturbances = [];
/** Restarts show as a new samba PID, or (while samba is down or has just come back) as refused connections and vanished entries. */
const DISTURBED =
  /Can't contact LDAP server|refused the connection|ECONNREFUSED|ECONNRESET|No domain controller answered|did not accept the change|unavailable|busy|no longer exists|No such (Base DN|object)|No such Object|not done/i;
/** @param {any} error whatever a step threw */
async function isDisturbance(error) {
  if (error instanceof LabRestored || labPid() !== epoch) return true;
  await sleep(2000); // a restore takes about a second to bring samba back under a new PID
  return labPid() !== epoch || DISTURBED.test(`${error?.message ?? error}\n${error?.stderr ?? ''}`);
}
const oneLine = (/** @type {any} */ error) =>
  String(error?.message ?? error)
    .split('\n')[0]
    ?.slice(0, 200);
/**
 * Run one step (a seed, one timed measurement and its check) on a steady lab; if samba restarts
 * meanwhile (another session's tests), the step's result is void: wait, re-create the data the
 * sections so far need, and run the step again.
 */
/** @type {number[]} */
const loads = [];
/**
 * A step's timed part: returns its wall time and whether other LDAP clients shared the DC meanwhile.
 * @param {() => Promise<number | Timed>} fn
 * @returns {Promise<Timed>}
 */
async function timed(fn) {
  const watch = watchContention();
  try {
    const r = await fn();
    return { ...(typeof r === 'number' ? { ms: r } : r), contention: watch.stop() };
  } catch (error) {
    watch.stop();
    throw error;
  }
}
const CONTENDED_SHARE = 0.05;
const isContended = (/** @type {import('./bench-lib/harness.mjs').Contention | undefined} */ c) =>
  c && c.share > CONTENDED_SHARE;
let contendedRedos = 0;
/** @type {import('./bench-lib/harness.mjs').WithLab} */
async function withLab(what, step, { attempts = 10, contendedRetries = 1 } = {}) {
  for (let attempt = 1; ; attempt++) {
    if (interrupted && what !== 'clean-up') throw new Interrupted('interrupted');
    await settle();
    loads.push(Number(loadAverage().split(' ')[0]));
    try {
      await ensureData();
      const result = await step();
      guard();
      // A step that timed something returns a Timed; others return what they found.
      const took = /** @type {Partial<Timed> | undefined} */ (result);
      // Another client on the DC during the timed part: the figure is not ours alone; try again a few times.
      if (took?.contention && isContended(took.contention) && contendedRetries-- > 0) {
        contendedRedos++;
        log(
          `${what}: other LDAP clients were connected for ${Math.round(took.contention.share * 100)}% of the run (${seconds(took.ms ?? NaN)} s); repeating it`,
        );
        await sleep(2000);
        attempt--;
        continue;
      }
      return result;
    } catch (error) {
      if (interrupted && what !== 'clean-up') throw new Interrupted('interrupted');
      if (!(await isDisturbance(error)) || attempt >= attempts) throw error;
      const reason = error instanceof LabRestored ? error.message : `${oneLine(error)} (samba ${epoch} → ${labPid()})`;
      disturbances.push(`${what}: ${reason}`);
      log(`${what} disturbed: ${reason}; waiting for a steady lab and repeating it`);
      seeded.enable = false;
      seeded.list = false;
    }
  }
}

/** @type {string[]} */
const notes = [];
/**
 * @typedef {object} Result
 * @property {string} metric
 * @property {number} imctl
 * @property {number | undefined} reference
 * @property {string} unit
 * @property {number | undefined} ratio
 * @property {string} target
 * @property {boolean | undefined} pass
 * @property {boolean} lowerIsBetter
 * @property {string | undefined} limit
 */
/** @type {Result[]} */
const results = [];
/** @type {string[]} */
const details = []; // markdown blocks
const seeded = { enable: false, list: false };
/** Bench data the sections run so far rely on (re-created after a disturbance). */
const required = new Set();
/** @type {{ enable?: number, list?: { ms: number, need: number, before: number } }} */
const seedTimes = {};

// ------------------------------------------------------------------------------------------------
// Bench data: one OU, users generated like the seed's (disabled, no password).
let ouCreated = false;
async function ensureOu() {
  guard();
  ouCreated = true;
  if (await ldap.exists(OU)) return;
  await ldap.modify(
    `dn: ${OU}\nchangetype: add\nobjectClass: organizationalUnit\ndescription: imctl benchmark data (scripts/bench.mjs); delete me\n\n`,
  );
}

const pad = (/** @type {number} */ i) => String(i).padStart(6, '0');
/**
 * @param {'e' | 'l'} kind e: a bulk-enable user (no IM), l: a listing user (IM-enabled on `server`)
 * @param {number} i
 * @param {LabServer} [server]
 */
function userEntry(kind, i, server) {
  const sam = `b${TAG}${kind}${pad(i)}`;
  const cn = `Bench ${kind === 'e' ? 'Enable' : 'Listed'} ${pad(i)}`;
  const lines = [
    ldifValue('dn', `CN=${cn},${OU}`),
    'changetype: add',
    'objectClass: top',
    'objectClass: person',
    'objectClass: organizationalPerson',
    'objectClass: user',
    `cn: ${cn}`,
    `sAMAccountName: ${sam}`,
    `userPrincipalName: ${sam}@${lab.domain}`,
    `givenName: Bench`,
    `sn: ${kind === 'e' ? 'Enable' : 'Listed'} ${pad(i)}`,
    `displayName: ${cn}`,
    `mail: ${sam}@${lab.domain}`,
    `mailNickname: ${sam}`,
  ];
  if (server) {
    lines.push(
      `msExchIMVirtualServer: ${server.dn}`,
      `msExchIMAddress: ${sam}@${lab.imDomain}`,
      `msExchIMMetaPhysicalURL: http://${lab.imDomain}/instmsg/aliases/${sam}`,
      `msExchIMPhysicalURL: http://${server.host}/instmsg/local/${lab.imDomain}/instmsg/aliases/${sam}`,
    );
  }
  return { sam, dn: `CN=${cn},${OU}`, ldif: `${lines.join('\n')}\n\n` };
}

const enableUsers = Array.from({ length: N }, (_, i) => userEntry('e', i + 1));
const enableFilter = `(&${USER_FILTER}(sAMAccountName=b${TAG}e*))`;

async function ensureData() {
  if (required.has('enable') && !seeded.enable) await seedEnableUsers();
  if (required.has('list') && !seeded.list) await seedListUsers();
}

/** ldapmodify -a -c: entries left from before a disturbance ("already exists") are skipped. */
/** @param {string} file */
async function addAll(file) {
  return runOk('ldapmodify', [...ldap.bind, '-a', '-c', '-f', file], { env: ldap.env, stdout: 'ignore' }, [0, 68]);
}

async function seedEnableUsers() {
  await ensureOu();
  const before = await ldap.count(OU, enableFilter);
  const file = join(scratch, 'seed-enable.ldif');
  if (!existsSync(file)) writeFileSync(file, enableUsers.map((u) => u.ldif).join(''));
  log(`seeding ${N - before} users without IM attributes in ${OU} (one ldapmodify -a)`);
  const r = await addAll(file);
  guard();
  const count = await ldap.count(OU, enableFilter);
  if (count !== N) throw new Error(`seeding: expected ${N} users, found ${count}`);
  if (before === 0 && seedTimes.enable === undefined) seedTimes.enable = r.ms;
  // Users that survived a samba restart may hold IM values from an interrupted run.
  if (existsSync(resetFile)) await resetEnable();
  seeded.enable = true;
}

/** Add IM-enabled users (set at add time) until the directory holds `LIST_TOTAL` IM-enabled users. */
async function seedListUsers() {
  await ensureOu();
  const listFilter = `(&${USER_FILTER}(msExchIMVirtualServer=*))`;
  const total = await ldap.count(lab.baseDn, listFilter);
  const ours = await ldap.count(OU, listFilter);
  const need = Math.max(0, LIST_TOTAL - (total - ours));
  if (need > ours) {
    const homes = ['im-west', 'im-north', 'im-south'].map((n) => /** @type {LabServer} */ (serverByName[n]));
    const users = Array.from({ length: need }, (_, i) => userEntry('l', i + 1, homes[i % homes.length]));
    const file = join(scratch, 'seed-list.ldif');
    writeFileSync(file, users.map((u) => u.ldif).join(''));
    log(`seeding ${need - ours} IM-enabled users (im-west/im-north/im-south) to reach ${LIST_TOTAL} IM-enabled users`);
    const r = await addAll(file);
    guard();
    if (ours === 0 && seedTimes.list === undefined) seedTimes.list = { ms: r.ms, need, before: total };
  }
  const after = await ldap.count(lab.baseDn, listFilter);
  if (after < LIST_TOTAL) throw new Error(`listing seed: ${after} IM-enabled users, wanted ${LIST_TOTAL}`);
  seeded.list = true;
}

// ------------------------------------------------------------------------------------------------
// Helpers for comparisons
/** @type {import('./bench-lib/harness.mjs').RecordResult} */
function record(metric, imctlValue, refValue, unit, target, { lowerIsBetter = true, limit } = {}) {
  const ratio = refValue ? imctlValue / refValue : undefined;
  let pass;
  if (target?.ratio !== undefined && ratio !== undefined) pass = ratio <= target.ratio;
  else if (target?.below !== undefined) pass = imctlValue < target.below;
  results.push({
    metric,
    imctl: imctlValue,
    reference: refValue,
    unit,
    ratio,
    target: target?.text ?? '—',
    pass,
    lowerIsBetter,
    limit,
  });
}

/** "label: 1.00 s, 1.20 s †, … (median …)"; † marks a run during which other LDAP clients were connected. */
/** @type {import('./bench-lib/harness.mjs').Harness['runsLine']} */
const runsLine = (label, runs, unit = 's') => {
  const values = runs.map((r) => (typeof r === 'number' ? r : r.ms));
  const shown = runs.map(
    (r, i) => `${fmt(values[i], unit)}${typeof r === 'object' && isContended(r.contention) ? ' †' : ''}`,
  );
  return `${label}: ${shown.join(', ')} (median ${fmt(median(values), unit)})`;
};

/** Enable state of the bench enable users, as ldapsearch sees it: count with an IM address, and a digest of the four values. */
async function imStateOfEnableUsers() {
  const entries = await ldap.search(OU, `(&${USER_FILTER}(sAMAccountName=b${TAG}e*))`, IM_ATTRS);
  const lines = entries
    .map((e) => [e.dn.toLowerCase(), ...IM_ATTRS.map((a) => (e.attrs[a.toLowerCase()] ?? []).join('|'))].join('\t'))
    .sort();
  const enabled = entries.filter(
    (e) => e.attrs.msexchimaddress?.length === 1 && e.attrs.msexchimvirtualserver?.[0] === serverByName['im-west']?.dn,
  ).length;
  const any = entries.filter((e) => IM_ATTRS.some((a) => e.attrs[a.toLowerCase()])).length;
  return {
    total: entries.length,
    enabled,
    any,
    digest: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16),
  };
}

// ------------------------------------------------------------------------------------------------
// 1. Bulk enable
const csvFile = join(scratch, 'bench.csv');
const ldifFile = join(scratch, 'bench.ldif');
const resetFile = join(scratch, 'reset.ldif');

async function prepareEnable() {
  required.add('enable');
  writeFileSync(csvFile, `user,action,server\n${enableUsers.map((u) => `${u.sam},enable,im-west`).join('\n')}\n`);
  writeFileSync(
    resetFile,
    enableUsers
      .map((u) => `dn: ${u.dn}\nchangetype: modify\n${IM_ATTRS.map((a) => `replace: ${a}\n-`).join('\n')}\n\n`)
      .join(''),
  );
  await withLab('enable: seed', async () => {
    await resetEnable();
    // The reference's input, from imctl itself: the exact compare-and-set records it would send.
    const r = await imctl(['import', csvFile, '--ldif', ldifFile]);
    if (r.code !== 0) throw new Error(`imctl import --ldif exited ${r.code}: ${r.stderr}`);
    const records = (readFileSync(ldifFile, 'utf8').match(/^changetype: modify$/gm) ?? []).length;
    if (records !== N) throw new Error(`imctl import --ldif wrote ${records} records, expected ${N}`);
  });
  ldifReady = true;
}
let ldifReady = false;

async function resetEnable() {
  await ldap.modifyFile(resetFile);
  guard();
  const s = await imStateOfEnableUsers();
  if (s.total !== N || s.any !== 0)
    throw new Error(`reset: ${s.any} of ${s.total} bench users still hold IM attributes`);
}

/** @param {string} who */
async function verifyEnabled(who) {
  guard();
  const s = await imStateOfEnableUsers();
  if (s.enabled !== N) throw new Error(`${who}: only ${s.enabled} of ${N} users have msExchIMAddress on im-west`);
  return s.digest;
}

/**
 * @param {number} concurrency
 * @returns {Promise<Timed>}
 */
async function timeImctlImport(concurrency) {
  const args = ['import', csvFile, '--yes', '--concurrency', String(concurrency)];
  guard();
  const r = await imctl(args, { stdout: 'ignore' });
  if (r.code !== 0) {
    /** @type {import('./bench-lib/run.mjs').RunError} */
    const error = new Error(`imctl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    error.stderr = r.stderr;
    throw error;
  }
  // imctl's own summary line times its write phase.
  return { ms: r.ms, writeMs: writePhaseMs(r.stderr) };
}

async function timeLdapmodify() {
  guard();
  const r = await ldap.modifyFile(ldifFile);
  return r.ms;
}

async function benchEnable() {
  await prepareEnable();
  /** @type {Timed[]} */
  const a = [];
  /** @type {Timed[]} */
  const b = [];
  const digests = new Set();
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? ['imctl', 'ldapmodify'] : ['ldapmodify', 'imctl'];
    for (const which of order) {
      const res = await withLab(`enable rep ${rep + 1} ${which}`, async () => {
        const took = await timed(() => (which === 'imctl' ? timeImctlImport(16) : timeLdapmodify()));
        digests.add(await verifyEnabled(which));
        await resetEnable();
        return took;
      });
      (which === 'imctl' ? a : b).push(res);
      log(`enable rep ${rep + 1}/${REPS}: ${which} ${seconds(res.ms)} s`);
    }
  }
  if (digests.size !== 1)
    throw new Error(`imctl and ldapmodify left different values (digests ${[...digests].join(', ')})`);
  const ma = median(a.map((r) => r.ms));
  const mb = median(b.map((r) => r.ms));
  const split = a.flatMap((r) => (r.writeMs === undefined ? [] : [{ ms: r.ms, writeMs: r.writeMs }]));
  const writeMedian = split.length ? median(split.map((r) => r.writeMs)) : undefined;
  const beforeMedian = split.length ? median(split.map((r) => r.ms - r.writeMs)) : undefined;
  record(`bulk enable, ${N.toLocaleString('en-US')} users (import --concurrency 16 vs ldapmodify -f)`, ma, mb, 's', {
    ratio: 1.0,
    text: '≤ 1.00×',
  });
  record(
    `bulk enable throughput`,
    N / (ma / 1000),
    N / (mb / 1000),
    'rows/s',
    { text: 'info' },
    { lowerIsBetter: false },
  );
  details.push(
    [
      `### 1. Bulk enable of ${N.toLocaleString('en-US')} users`,
      '',
      `- imctl: \`${showImctl(['import', 'bench.csv', '--yes', '--concurrency', '16'])}\` (CSV \`user,action,server\`, rows \`<sam>,enable,im-west\`)`,
      `- reference: \`ldapmodify -H ldaps://localhost -x -D Administrator@lab.imctl.test -y .lab/admin.password -f bench.ldif\`, where bench.ldif is \`imctl import bench.csv --ldif bench.ldif\` (${N.toLocaleString('en-US')} compare-and-set modify records, the same four values)`,
      `- after every run ldapsearch checked all ${N.toLocaleString('en-US')} users carry the four values on im-west (both tools left byte-identical values: one digest, \`${[...digests][0]}\`); an untimed ldapmodify then cleared the attributes. Order alternated between repetitions.`,
      `- ${runsLine('imctl', a)}; ${Math.round(N / (ma / 1000))} rows/s`,
      ...(writeMedian !== undefined
        ? [
            `  - where imctl's time goes (its own \`import: N writes in X s\` line): the write phase took ${seconds(writeMedian)} s (median; ${Math.round(N / (writeMedian / 1000))} writes/s); everything before it — Node start-up, reading and checking the CSV, resolving the ${N.toLocaleString('en-US')} users in the directory and reading the IM servers — ${seconds(beforeMedian ?? NaN)} s. (\`imctl -v\` and \`node --cpu-prof\` split it further.)`,
          ]
        : []),
      `- ${runsLine('ldapmodify', b)}; ${Math.round(N / (mb / 1000))} rows/s`,
    ].join('\n'),
  );
}

async function benchConcurrency() {
  if (!ldifReady) await prepareEnable();
  const rows = [];
  for (const k of [8, 16, 32]) {
    const res = await withLab(`concurrency ${k}`, async () => {
      const took = await timed(() => timeImctlImport(k));
      await verifyEnabled(`imctl --concurrency ${k}`);
      await resetEnable();
      return took;
    });
    log(`concurrency ${k}: ${seconds(res.ms)} s`);
    rows.push({ k, ...res });
  }
  const best = rows.reduce((x, y) => (y.ms < x.ms ? y : x));
  record(
    `bulk enable: best --concurrency of 8/16/32 (one run each)`,
    N / (best.ms / 1000),
    undefined,
    'rows/s',
    { text: `best: ${best.k}` },
    { lowerIsBetter: false },
  );
  details.push(
    [
      `### 1b. Concurrency pass (one run each, ${N.toLocaleString('en-US')} users)`,
      '',
      '| --concurrency | wall time | rows/s | write phase | writes/s |',
      '|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.k}${r.k === 16 ? ' (default)' : ''} | ${seconds(r.ms)} s${isContended(r.contention) ? ' †' : ''} | ${Math.round(N / (r.ms / 1000))} | ${r.writeMs ? `${seconds(r.writeMs)} s` : '—'} | ${r.writeMs ? Math.round(N / (r.writeMs / 1000)) : '—'} |`,
      ),
      '',
      `Best: ${best.k}. Samba runs single-process (\`-M single\`) and serialises writes, so past a few requests in flight extra concurrency only queues.`,
    ].join('\n'),
  );
}

// ------------------------------------------------------------------------------------------------
// 2. Listing and per-server counts
const LIST_FILTER = `(&${USER_FILTER}(msExchIMVirtualServer=*))`;
const LIST_ATTRS = ['sAMAccountName', 'displayName', 'msExchIMAddress', 'msExchIMVirtualServer'];

/**
 * imctl's figure must equal ldapsearch's. Other sessions' tests add and remove users meanwhile, so
 * ldapsearch counts just before and just after imctl, and a change in between is retried.
 */
/**
 * @template T
 * @param {string} what
 * @param {() => Promise<T>} imctlFigure
 * @param {() => Promise<T>} referenceFigure
 * @param {(mine: T, reference: T) => boolean} same
 * @returns {Promise<{ mine: T, reference: T, ok: boolean }>}
 */
async function crossCheck(what, imctlFigure, referenceFigure, same) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = await referenceFigure();
    const mine = await imctlFigure();
    const after = await referenceFigure();
    if (same(mine, before) || same(mine, after))
      return { mine, reference: same(mine, before) ? before : after, ok: true };
    if (JSON.stringify(before) === JSON.stringify(after) || attempt === 3) {
      const message = `${what}: imctl says ${JSON.stringify(mine)}, ldapsearch ${JSON.stringify(after)}`;
      if (JSON.stringify(before) === JSON.stringify(after)) throw new Error(message);
      notes.push(`${message} (the directory changed during the check: other tests were writing)`);
      return { mine, reference: after, ok: false };
    }
  }
  throw new Error('unreachable: the third attempt returns or throws');
}

async function benchList() {
  required.add('list');
  const listArgs = ['users', '--json'];
  const checked = await withLab('list: check', () =>
    crossCheck(
      'users --json total',
      async () => {
        const r = await imctl(listArgs);
        if (r.code !== 0) throw new Error(`imctl users --json exited ${r.code}: ${r.stderr}`);
        return /** @type {number} */ (JSON.parse(r.stdout).total);
      },
      () => ldap.count(lab.baseDn, LIST_FILTER),
      (x, y) => x === y,
    ),
  );
  const total = checked.mine;
  /** @type {Timed[]} */
  const a = [];
  /** @type {Timed[]} */
  const b = [];
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? ['imctl', 'ldapsearch'] : ['ldapsearch', 'imctl'];
    for (const which of order) {
      const res = await withLab(`list rep ${rep + 1} ${which}`, () =>
        timed(async () => {
          const r =
            which === 'imctl'
              ? await imctl(listArgs, { stdout: 'ignore' })
              : await run('ldapsearch', ldap.searchArgs(lab.baseDn, LIST_FILTER, LIST_ATTRS), {
                  env: ldap.env,
                  stdout: 'ignore',
                });
          if (r.code !== 0) throw new Error(`${which} exited ${r.code}: ${r.stderr}`);
          return r.ms;
        }),
      );
      (which === 'imctl' ? a : b).push(res);
      log(`list rep ${rep + 1}/${REPS}: ${which} ${seconds(res.ms)} s`);
    }
  }
  record(
    `list ${total.toLocaleString('en-US')} IM users (users --json vs paged ldapsearch)`,
    median(a.map((r) => r.ms)),
    median(b.map((r) => r.ms)),
    's',
    { ratio: 1.1, text: '≤ 1.10×' },
  );
  details.push(
    [
      `### 2a. Listing ${total.toLocaleString('en-US')} IM-enabled users with their home server`,
      '',
      `- imctl: \`${showImctl(listArgs)} > /dev/null\` (checked first: its \`total\` ${checked.ok ? 'equals' : 'was compared with'} ldapsearch's count, ${checked.reference.toLocaleString('en-US')})`,
      `- reference: \`ldapsearch -H ldaps://localhost -x -D … -y … -LLL -o ldif-wrap=no -E pr=1000/noprompt -b ${lab.baseDn} '${LIST_FILTER}' ${LIST_ATTRS.join(' ')} > /dev/null\``,
      `- ${runsLine('imctl', a)}`,
      `- ${runsLine('ldapsearch', b)}`,
    ].join('\n'),
  );
}

async function benchServers() {
  const present = lab.servers.filter((s) => s.exists);
  const filterFor = (/** @type {LabServer} */ s) => `(&${USER_FILTER}(msExchIMVirtualServer=${s.dn}))`;
  // The admin's way: one value-less paged search per home server and router, counting dn: lines.
  const reference = async () => {
    /** @type {Record<string, number>} */
    const counts = {};
    let ms = 0;
    for (const s of present) {
      const r = await run('ldapsearch', ldap.searchArgs(lab.baseDn, filterFor(s), ['1.1']), { env: ldap.env });
      if (r.code !== 0) throw new Error(`ldapsearch for ${s.name} exited ${r.code}: ${r.stderr}`);
      ms += r.ms;
      counts[s.name] = (r.stdout.match(/^dn:/gm) ?? []).length;
    }
    return { ms, counts };
  };
  const checked = await withLab('servers: check', () =>
    crossCheck(
      'servers --json per-server users',
      async () => {
        const r = await imctl(['servers', '--json']);
        if (r.code !== 0) throw new Error(`imctl servers --json exited ${r.code}: ${r.stderr}`);
        /** @type {{ servers: { name: string, users: number }[] }} */
        const json = JSON.parse(r.stdout);
        const by = Object.fromEntries(json.servers.map((s) => [s.name, s.users]));
        return Object.fromEntries(present.map((s) => [s.name, by[s.name]]));
      },
      async () => (await reference()).counts,
      (x, y) => JSON.stringify(x) === JSON.stringify(y),
    ),
  );
  const counts = checked.reference;
  /** @type {Timed[]} */
  const a = [];
  /** @type {Timed[]} */
  const b = [];
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? ['imctl', 'ldapsearch'] : ['ldapsearch', 'imctl'];
    for (const which of order) {
      const res = await withLab(`servers rep ${rep + 1} ${which}`, () =>
        timed(async () => {
          if (which !== 'imctl') return (await reference()).ms;
          const r = await imctl(['servers', '--json'], { stdout: 'ignore' });
          if (r.code !== 0) throw new Error(`imctl servers exited ${r.code}: ${r.stderr}`);
          return r.ms;
        }),
      );
      (which === 'imctl' ? a : b).push(res);
      log(`servers rep ${rep + 1}/${REPS}: ${which} ${seconds(res.ms)} s`);
    }
  }
  record(
    `per-server counts (servers --json vs ${present.length} sequential ldapsearch 1.1)`,
    median(a.map((r) => r.ms)),
    median(b.map((r) => r.ms)),
    's',
    { ratio: 1.0, text: '≤ 1.00×' },
  );
  details.push(
    [
      `### 2b. Users per home server`,
      '',
      `- imctl: \`${showImctl(['servers', '--json'])} > /dev/null\` (checked first: its per-server counts ${checked.ok ? 'equal' : 'were compared with'} ldapsearch's: ${present.map((s) => `${s.name} ${counts[s.name]}`).join(', ')})`,
      `- reference: for each of the ${present.length} servers (home servers and the router), sequentially, \`ldapsearch … -E pr=1000/noprompt -b ${lab.baseDn} '(&${USER_FILTER}(msExchIMVirtualServer=<server DN>))' 1.1 | grep -c '^dn:'\` (time summed)`,
      `- ${runsLine('imctl', a)}`,
      `- ${runsLine('ldapsearch ×' + present.length, b)}`,
    ].join('\n'),
  );
}

// ------------------------------------------------------------------------------------------------
// 3. Rebalance planning (in-process, scripts/bench-plan.mjs)
async function benchPlan() {
  const r = await runOk(process.execPath, [join(REPO, 'scripts', 'bench-plan.mjs')], { cwd: REPO });
  /** @type {{ users: number, servers: number, mode: string, runs_ms: number[], median_ms: number, moves: number, feasible: boolean }} */
  const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  record(
    `rebalance planning, ${line.users.toLocaleString('en-US')} users / ${line.servers} servers (median of ${line.runs_ms.length})`,
    line.median_ms,
    undefined,
    'ms',
    { below: 1000, text: '< 1 s' },
  );
  details.push(
    [
      `### 3. Rebalance planning`,
      '',
      `- \`node scripts/bench-plan.mjs\`: planRebalance in-process on ${line.users.toLocaleString('en-US')} users over ${line.servers} servers (mode ${line.mode}); runs ${line.runs_ms.map((v) => `${v} ms`).join(', ')}; median ${line.median_ms} ms; ${line.moves.toLocaleString('en-US')} moves, feasible ${line.feasible}.`,
    ].join('\n'),
  );
}

// ------------------------------------------------------------------------------------------------
// 4. Start-up
async function benchStartup() {
  // The measurement lives in bench-lib/startup.mjs, which also runs alone (no lab) while iterating.
  const { cases, bare, bareCpu } = await measureStartup(REPO, { runs: STARTUP_RUNS, env: imctlEnv, installed: true });
  const target = { ratio: STARTUP_TARGET, text: `≤ ${STARTUP_TARGET}×` };
  for (const c of cases.filter((x) => x.key === 'version' || x.key === 'help')) {
    record(`start-up: ${c.name} vs node -e 0`, c.median, bare, 'ms', target);
    record(`start-up CPU time: ${c.name} vs node -e 0 (mean)`, c.cpuMs, bareCpu, 'ms', { text: 'info' });
  }
  for (const c of cases.filter((x) => x.key === 'checkoutVersion' || x.key === 'checkoutHelp' || x.key === 'exe'))
    record(`start-up: ${c.name} vs node -e 0`, c.median, bare, 'ms');
  details.push(
    [
      `### 4. Start-up (${STARTUP_RUNS} runs each, interleaved, after one warm-up)`,
      '',
      "The goal's lines are the installed package: `npm pack --ignore-scripts` of this build, `npm install -g --prefix <tmp> --offline` of the tarball, and `<prefix>/bin/imctl` run through its shebang (node found on PATH). `bin/imctl` (CommonJS) answers a lone `--version`/`-V` itself from package.json and a lone `--help`/`-h` from dist/help.json (the program's help at every terminal width from 80 columns, written by the build); everything else loads the esbuild bundle (dist/imctl.mjs: commander and the program), and ldapts, inquirer and the command modules are separate chunks loaded only by the command that needs them. CPU time: the mean of the children's user+system time over the runs (from /proc/self/stat, 10 ms ticks).",
      '',
      ...cases.map((c) => `- ${runsLine(`\`${c.name}\``, c.times, 'ms')}; CPU ${c.cpuMs.toFixed(1)} ms per run`),
    ].join('\n'),
  );
}

// ------------------------------------------------------------------------------------------------
// 5. Peak memory of import --dry-run
async function benchMemory() {
  try {
    await runOk('/usr/bin/time', ['-f', '%M', 'true']);
  } catch {
    throw new Error('/usr/bin/time is missing: apt-get install -y time');
  }
  const present = new Set(lab.servers.filter((s) => s.exists).map((s) => s.dn.toLowerCase()));
  /** @type {string[]} */
  let sams = [];
  let existing = 0;
  const bigFile = join(scratch, 'dry-run-big.csv');
  // (a) ROWS rows: every user in the directory, then names that exist nowhere, all "enable on im-west".
  const big = await withLab('memory: 100k-row dry run', async () => {
    const users = await ldap.search(lab.baseDn, USER_FILTER, ['sAMAccountName']);
    sams = users.flatMap((u) => u.attrs.samaccountname?.[0] || []);
    // At least a tenth of the rows name nobody, so the run always ends in the validation report.
    existing = Math.min(sams.length, ROWS - Math.ceil(ROWS / 10));
    const rows = [];
    for (let i = 0; i < ROWS; i++)
      rows.push(
        i < existing ? `${sams[i]},enable,im-west` : `nobody${TAG}x${String(i).padStart(7, '0')},enable,im-west`,
      );
    writeFileSync(bigFile, `user,action,server\n${rows.join('\n')}\n`);
    const r = await peakRss(imctlArgs('-v', 'import', bigFile, '--dry-run'), { env: imctlEnv, cwd: REPO });
    if (r.code !== 2)
      throw new Error(
        `import --dry-run of the ${ROWS}-row file exited ${r.code}, expected 2 (unknown users): ${r.stderr.slice(-1000)}`,
      );
    return r;
  });

  // (b) a realistic plan: the seeded users and the bench's (other OUs come and go with other sessions'
  // tests), except orphans on a deleted server; "enable" with no server, so imctl places the new ones.
  const realFile = join(scratch, 'dry-run-real.csv');
  let realCount = 0;
  const real = await withLab('memory: realistic dry run', async () => {
    const users = [
      ...(await ldap.search(lab.usersOu, USER_FILTER, ['sAMAccountName', 'msExchIMVirtualServer'])),
      ...(await ldap.search(OU, USER_FILTER, ['sAMAccountName', 'msExchIMVirtualServer'])),
    ];
    const realSams = users
      .filter(
        (u) => !u.attrs.msexchimvirtualserver || present.has(u.attrs.msexchimvirtualserver[0]?.toLowerCase() ?? ''),
      )
      .flatMap((u) => u.attrs.samaccountname?.[0] || []);
    realCount = realSams.length;
    writeFileSync(realFile, `user,action\n${realSams.map((s) => `${s},enable`).join('\n')}\n`);
    const r = await peakRss(imctlArgs('-v', 'import', realFile, '--dry-run'), { env: imctlEnv, cwd: REPO });
    if (r.code !== 0 && r.code !== 3)
      throw new Error(
        `import --dry-run of ${realSams.length} existing users exited ${r.code}: ${r.stderr.slice(-1000)}`,
      );
    return r;
  });
  const summary = /import: [^\n]*?(?=\.?\n|\.?$)/.exec(real.stdout)?.[0];
  const realSams = { length: realCount };
  record(
    `peak RSS, import --dry-run of ${ROWS.toLocaleString('en-US')} rows (${(ROWS - existing).toLocaleString('en-US')} unknown users → exit 2)`,
    big.mb,
    undefined,
    'MB',
    { below: 150, text: '< 150 MB' },
  );
  record(
    `peak RSS, import --dry-run of ${realSams.length.toLocaleString('en-US')} existing users (full plan)`,
    real.mb,
    undefined,
    'MB',
    { below: 150, text: '< 150 MB' },
  );
  details.push(
    [
      `### 5. Peak memory of import --dry-run (\`/usr/bin/time -f %M\`, max RSS of the node process)`,
      '',
      `- \`${showImctl(['import', 'big.csv', '--dry-run'])}\`, big.csv = ${ROWS.toLocaleString('en-US')} rows \`<user>,enable,im-west\`: ${existing === sams.length ? 'all' : 'the first'} ${existing.toLocaleString('en-US')} of the ${sams.length.toLocaleString('en-US')} users the directory holds, then ${(ROWS - existing).toLocaleString('en-US')} names that exist nowhere. What this measures: the streaming syntax pass over all ${ROWS.toLocaleString('en-US')} rows, the resolution of every row against a directory of ${sams.length.toLocaleString('en-US')} users (however imctl chooses to search), the IM servers, and the report of the unknown ones (exit 2, nothing planned or written). It does not build a plan for ${ROWS.toLocaleString('en-US')} users: the directory does not hold that many. Peak ${fmt(big.mb, 'MB')}${big.syntaxMb ? ` (${fmt(big.syntaxMb, 'MB')} already at the end of the syntax pass, before any LDAP)` : ''}, ${seconds(big.ms)} s.`,
      `- \`${showImctl(['import', 'real.csv', '--dry-run'])}\`, real.csv = ${realSams.length.toLocaleString('en-US')} rows \`<user>,enable\` (the seeded users of OU=Staff and the bench's own, except the orphans on the deleted server, no server column: imctl places the ones not yet enabled): resolution and a full plan (exit ${real.code}; ${summary ?? 'no summary line'}). Peak ${fmt(real.mb, 'MB')}${real.syntaxMb ? ` (${fmt(real.syntaxMb, 'MB')} at the end of the syntax pass)` : ''}, ${seconds(real.ms)} s.`,
    ].join('\n'),
  );
}

// ------------------------------------------------------------------------------------------------
// Report
function table() {
  const head = ['metric', 'imctl', 'reference', 'ratio', 'target', 'result'];
  const rows = results.map((r) => [
    r.metric,
    fmt(r.imctl, r.unit),
    fmt(r.reference, r.unit),
    r.ratio === undefined ? '—' : ratioText(r.ratio, r.target),
    r.target,
    r.pass === undefined ? '' : r.pass ? 'pass' : 'MISS',
  ]);
  return { head, rows };
}

/**
 * @param {Awaited<ReturnType<typeof describeMachine>>} machine
 * @param {string[]} failures
 * @param {number} elapsedMs
 * @param {string | undefined} cleanupNote
 */
async function writeReport(machine, failures, elapsedMs, cleanupNote) {
  const t = table();
  if (seedTimes.enable !== undefined) {
    notes.unshift(
      `Seeding the ${N.toLocaleString('en-US')} bulk-enable users (one \`ldapmodify -a\` of ${N.toLocaleString('en-US')} adds, untimed in the comparison) took ${seconds(seedTimes.enable)} s (${Math.round(N / (seedTimes.enable / 1000))} adds/s).`,
    );
  }
  if (seedTimes.list !== undefined) {
    const { ms, need, before } = seedTimes.list;
    notes.push(
      `Listing data: the directory held ${before.toLocaleString('en-US')} IM-enabled users; ${need.toLocaleString('en-US')} more were added with their IM attributes set at add time (round-robin on im-west, im-north, im-south; one \`ldapmodify -a\`) in ${seconds(ms)} s (${Math.round(need / (ms / 1000))} adds/s).`,
    );
  }
  notes.push(
    `† marks a timed run during which other LDAP clients (another session's tests) were connected to the DC for more than ${CONTENDED_SHARE * 100} % of the time (established connections on ports 389/636/3268/3269 beyond the tool's own, sampled every 50 ms from /proc/net/tcp). Such a run is repeated once and kept if the DC stays shared; ${contendedRedos} run(s) were repeated for this reason.`,
  );
  if (disturbances.length) {
    const steps = new Map();
    for (const d of disturbances) {
      const step = d.split(':')[0];
      steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    notes.push(
      `The lab's samba restarted ${disturbances.length} time(s) during the run (another session's tests ran \`lab.sh restore\`/\`down\`/\`up\`). Each step it hit was voided and repeated on a steady lab after re-creating the bench data: ${[...steps].map(([k, v]) => `${k}${v > 1 ? ` ×${v}` : ''}`).join(', ')}. Timings taken while other tests load the same 2-CPU machine and DC are noisy; compare ratios, not absolute times.`,
    );
  }
  const sizes = `--users ${N}, --list-total ${LIST_TOTAL}, --rows ${ROWS}, --reps ${REPS}`;
  const md = [
    '# imctl benchmarks',
    '',
    '_Written by `scripts/bench.mjs` on every run; do not edit by hand._',
    '',
    'Each line times imctl against what an administrator would otherwise run, in the same run, against the',
    'Samba AD lab (`lab/lab.sh`), as the median of several repetitions, and gives the ratio imctl/reference:',
    '',
    '1. **Bulk enable**: `imctl import` of a CSV enabling N users on one home server against `ldapmodify -f` of',
    '   the LDIF imctl itself emits for that CSV (`import --ldif`: the same compare-and-set modifies, the same',
    '   values). Users are seeded untimed in a private OU; every run is verified with ldapsearch and undone.',
    '   A further pass tries `--concurrency` 8, 16 and 32. 1c: `import` of 1,500 `move` rows on a 2,500-user',
    '   scope (an OU the bench seeds, given as `--base-dn`) against `ldapmodify -f` of the same modifies.',
    '2. **Listing**: `imctl users --json` against one paged `ldapsearch` of the same filter and attributes, with',
    '   ≥ 20,000 IM-enabled users in the directory; and `imctl servers --json` against the per-server counts an',
    '   admin would take with one value-less `ldapsearch` per server, on the seeded ~12,000 users (run first).',
    '   2c: `users --json` over the 2,000 IM users of the 2,500-user scope of 1c.',
    '3. **Rebalance planning**: `scripts/bench-plan.mjs`, the planner in-process on 1,000,000 users / 200 servers.',
    "4. **Start-up**: `imctl --version` and `--help` against `node -e 0` (and the single executable's `--version`, if built).",
    '5. **Memory**: peak RSS of `imctl import --dry-run` on a 100,000-row file and on a realistic full plan.',
    '6. **A second, small directory** (`scripts/bench-lib/small-domain.mjs`): 2,600 users in one OU the bench',
    '   creates, 2,320 IM-enabled on an IM server with a long DN (`CN=…,CN=Administrative Groups,…`, created by the',
    "   bench too), 1,500 of them moved to another: `import` against `ldapmodify -f` of an admin's two replaces per",
    "   user and of imctl's own LDIF; what each form of the modify costs Samba; `users --json` and `servers --json`.",
    '   The OU and the servers are deleted at the end.',
    '7. **Sync** (`scripts/bench-lib/sync.mjs`): `imctl sync` enabling 2,000 of the 5,000 members of a nested group',
    '   (3,000 have IM already) against `imctl import` of the equivalent CSV (every member as an `enable` row).',
    '',
    'Reproduce: `npm run bench` (builds, `lab.sh up`, `lab.sh restore`, measures, `lab.sh restore`). Options:',
    '`--users N` (10000), `--list-total N` (20000), `--rows N` (100000), `--reps N` (3), `--startup-runs N` (10),',
    '`--only servers,enable,concurrency,import-small,users-small,small-import,small-forms,small-users,small-servers,list,plan,startup,memory,audit,sealed,active,sync`, `--no-restore` (leave the lab alone: work in',
    'a private OU and delete it with `ldapdelete -r` at the end; for a lab others are using), `--out FILE`.',
    'The lab is one process shared by every client on the machine: other load (tests running against the same',
    'lab) shows up in the numbers; the load average is recorded below.',
    '',
    '## Run',
    '',
    `- date: ${new Date(started).toISOString()}; took ${Math.round(elapsedMs / 1000)} s`,
    `- command: \`${COMMAND}\` (${sizes}${RESTORE ? '' : '; no restore: measured on the lab as others left it'})`,
    `- machine: ${machine.nproc} CPUs, ${machine.cpu}; ${machine.memory} RAM; ${machine.kernel}`,
    `- software: Node ${machine.node}; Samba ${machine.samba}; OpenLDAP ${machine.openldap}; imctl at ${machine.commit}`,
    `- load average (1/5/15 min): ${loadAtStart} at start, ${loadAverage()} at the end${loads.length ? `; 1-min load before each lab step ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (median ${median(loads).toFixed(2)}) on ${machine.nproc} CPUs` : ''}`,
    '',
    '## Results',
    '',
    markdownTable(t),
    '',
    ...(failures.length ? ['## Sections that failed', '', ...failures.map((f) => `- ${f}`), ''] : []),
    '## Details',
    '',
    ...details.flatMap((d) => [d, '']),
    ...(notes.length || cleanupNote
      ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ...(cleanupNote ? [`- ${cleanupNote}`] : []), '']
      : []),
  ].join('\n');
  mkdirSync(join(opts.out, '..'), { recursive: true });
  // A hand-written "## Profiles" section (why a goal is missed) survives re-runs.
  const previous = existsSync(opts.out) ? readFileSync(opts.out, 'utf8') : '';
  const profiles = previous.indexOf('\n## Profiles');
  writeFileSync(opts.out, profiles === -1 ? md : `${md}${previous.slice(profiles + 1)}`);
  // A whole run into docs/benchmarks.md is the record the other documents quote: their generated blocks follow it.
  if (isRecordRun({ only: opts.only, out: opts.out, repo: REPO })) {
    writeGeneratedBlocks(join(REPO, 'README.md'), readmeBenchBlocks(md));
    writeGeneratedBlocks(join(REPO, 'docs', 'kerberos.md'), kerberosBenchBlocks(md));
  }
  return t;
}

// ------------------------------------------------------------------------------------------------
// Main
let interrupted = false;
class Interrupted extends Error {}
const onSignal = (/** @type {NodeJS.Signals} */ sig) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log(`${sig}: stopping the running step and cleaning up (again to abort at once)`);
  for (const child of activeChildren) child.kill('SIGTERM');
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const machine = await describeMachine(REPO);
log(`bench OU ${OU}; sections ${only.join(', ')}; ${RESTORE ? 'restore before and after' : 'no restore'}`);
/** @type {string[]} */
const failures = [];
/** What every section module (scripts/bench-lib) is handed: the lab, the tools, the timing and the report. */
const harness = {
  lab,
  labDir: LAB_DIR,
  ldap,
  tag: TAG,
  repo: REPO,
  scratch,
  home,
  imctlEnv,
  N,
  REPS,
  reps: REPS,
  run,
  runOk,
  withLab,
  timed,
  imctl,
  showImctl,
  record,
  details,
  runsLine,
  log,
  median,
  seconds,
  USER_FILTER,
};
const mid = midScope({ ...harness, parentOu: OU, ensureParentOu: ensureOu });
const small = smallDomain(harness);
/** @type {(readonly [string, () => Promise<unknown>])[]} */
const plan = [
  ['servers', benchServers],
  ['enable', benchEnable],
  ['concurrency', benchConcurrency],
  ...MID_SECTIONS.map((name) => /** @type {const} */ ([name, mid[name]])),
  ...SMALL_SECTIONS.map((name) => /** @type {const} */ ([name, small[name]])),
  ['list', benchList],
  ['plan', benchPlan],
  ['startup', benchStartup],
  ['memory', benchMemory],
  // The audit pass against one paged ldapsearch (scripts/bench-lib/audit.mjs)
  ['audit', () => benchAudit({ ...harness, requireList: () => required.add('list') })],
  // Kerberos on 389 with the sealing SASL layer, against ldapmodify -Y GSSAPI and imctl over TLS (scripts/bench-lib/sealed.mjs)
  [
    'sealed',
    () =>
      benchSealed({
        ...harness,
        prepareEnable: async () => ldifReady || prepareEnable(),
        resetEnable,
        verifyEnabled,
        timeImctlImport,
        csvFile,
        ldifFile,
      }),
  ],
  // Homed and active per server against the equivalent ldapsearch (scripts/bench-lib/active.mjs)
  ['active', () => benchActive(harness)],
  // 100,000 users: every read line against its reference, with peak RSS (scripts/bench-lib/large.mjs)
  ['large', () => benchLarge({ ...harness, labSh, notes, imctlArgs, imctlEnv, loadAverage })],
  // sync of a 5,000-member nested group against import of the equivalent CSV (scripts/bench-lib/sync.mjs)
  ['sync', () => benchSync(harness)],
];
for (const [name, fn] of plan) {
  if (!wants(name) || interrupted) continue;
  try {
    log(`section ${name}`);
    await fn();
  } catch (/** @type {any} */ error) {
    log(`section ${name} failed: ${error.stack ?? error}`);
    failures.push(`${name}: ${oneLine(error)}`);
  }
}

let cleanupNote;
try {
  // The second directory's OU and server objects go whatever happens next (a restore would drop them too).
  await small.cleanup();
} catch (error) {
  log(`small domain clean-up failed: ${oneLine(error)}`);
  failures.push(
    `clean-up: ${oneLine(error)} (delete ${small.OU} and the bench's IM servers by hand, or let the next lab.sh restore remove them)`,
  );
}
try {
  if (RESTORE) {
    log('lab.sh restore');
    await labSh('restore');
  } else if (ouCreated) {
    log(`deleting ${OU}`);
    required.clear();
    const r = await withLab('clean-up', async () => ((await ldap.exists(OU)) ? ldap.deleteTree(OU) : undefined));
    cleanupNote = r
      ? `Clean-up: \`ldapdelete -r\` of the bench OU took ${seconds(r.ms)} s.`
      : 'Clean-up: the bench OU was already gone (a restore by another session removed it).';
  }
} catch (error) {
  log(`clean-up failed: ${oneLine(error)}`);
  failures.push(`clean-up: ${oneLine(error)} (delete ${OU} by hand, or let the next lab.sh restore remove it)`);
}
rmSync(scratch, { recursive: true, force: true });

const t = await writeReport(machine, failures, Date.now() - started, cleanupNote);
process.stdout.write(`\n${textTable(t)}\n\n`);
if (failures.length) process.stdout.write(`failed: ${failures.join('; ')}\n`);
process.stdout.write(
  `report: ${relative(process.cwd(), opts.out) || opts.out}; ${Math.round((Date.now() - started) / 1000)} s\n`,
);
process.exitCode = failures.length ? 1 : results.some((r) => r.pass === false) ? 3 : 0;
