/**
 * Fault injection against the lab DC: imctl's writes go through a proxy (test/support/fault-proxy.ts)
 * that drops connections mid-batch, refuses or resets new ones, answers modifies with busy (51) or
 * unavailable (52), cuts the connection right after a bind, or refuses a re-bind. After each run
 * the directory is read with ldapsearch — an independent client — and every entry must be either
 * untouched or fully changed, changed exactly once (the entry's replication metadata counts every
 * write of every attribute), and exactly as the report and the journal say.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy, LdapOp } from '../support/fault-proxy.js';
import { journalFiles, journalRecords } from '../support/journal-files.js';
import {
  addUsers,
  createOu,
  imctlProcess,
  imctlEnv,
  lab,
  ldapToolEnv,
  runProcess,
  scratchDir,
  searchArgs,
  server,
  simpleBind,
  type LabServer,
  type RunResult,
} from '../support/lab.js';

const FROM = () => server('im-south');
const TO = () => server('im-north');

// ---------------------------------------------------------------------------
// The directory as an independent client sees it

interface EntryState {
  dn: string;
  sam: string;
  im: Record<'address' | 'meta' | 'physical' | 'server', string | undefined>;
  /** replPropertyMetaData: attribute id → version (bumped by every write of that attribute). */
  versions: Map<number, number>;
}

async function ldapsearchRaw(
  base: string,
  filter: string,
  attributes: string[],
  scope: 'base' | 'one' | 'sub' = 'sub',
): Promise<string> {
  const result = await runProcess('ldapsearch', searchArgs(simpleBind(), { base, filter, attributes, scope }), {
    env: ldapToolEnv(),
  });
  if (result.code !== 0) throw new Error(`ldapsearch: ${result.stderr}`);
  return result.stdout;
}

function parseVersions(base64: string): Map<number, number> {
  const blob = Buffer.from(base64, 'base64');
  const versions = new Map<number, number>();
  const count = blob.readUInt32LE(8);
  for (let i = 0; i < count; i++) versions.set(blob.readUInt32LE(16 + i * 48), blob.readUInt32LE(16 + i * 48 + 4));
  return versions;
}

/** Every user in `ou`: its four IM values and its per-attribute write counts, keyed by lower-cased DN. */
async function snapshot(ou: string): Promise<Map<string, EntryState>> {
  const text = await ldapsearchRaw(ou, '(objectClass=user)', [
    'sAMAccountName',
    'msExchIMAddress',
    'msExchIMMetaPhysicalURL',
    'msExchIMPhysicalURL',
    'msExchIMVirtualServer',
    'replPropertyMetaData',
  ]);
  const out = new Map<string, EntryState>();
  for (const block of text.split(/\n\n+/)) {
    const values = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
      if (!m) continue;
      const key = m[1]!.toLowerCase();
      values.set(
        key,
        m[2] === '::' && key !== 'replpropertymetadata' ? Buffer.from(m[3]!, 'base64').toString('utf8') : m[3]!,
      );
    }
    const dn = values.get('dn');
    if (!dn) continue;
    out.set(dn.toLowerCase(), {
      dn,
      sam: values.get('samaccountname') ?? '',
      im: {
        address: values.get('msexchimaddress'),
        meta: values.get('msexchimmetaphysicalurl'),
        physical: values.get('msexchimphysicalurl'),
        server: values.get('msexchimvirtualserver'),
      },
      versions: parseVersions(values.get('replpropertymetadata')!),
    });
  }
  return out;
}

/** Attribute ids whose version moved, with by how much, as a stable string ("" = untouched). */
function versionDelta(before: EntryState, after: EntryState): string {
  const ids = new Set([...before.versions.keys(), ...after.versions.keys()]);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => [id, (after.versions.get(id) ?? 0) - (before.versions.get(id) ?? 0)] as const)
    .filter(([, d]) => d !== 0)
    .map(([id, d]) => `${id.toString(16)}+${d}`)
    .join(' ');
}

const physicalUrl = (s: LabServer, alias: string) =>
  `http://${s.host}/instmsg/local/${lab().imDomain}/instmsg/aliases/${alias}`;

/** 'before' (homed on FROM), 'after' (homed on TO) or 'mixed' (anything else: half a change). */
function stateOf(entry: EntryState): 'before' | 'after' | 'mixed' {
  const alias = entry.sam.toLowerCase();
  const kept =
    entry.im.address === `${alias}@${lab().imDomain}` &&
    entry.im.meta === `http://${lab().imDomain}/instmsg/aliases/${alias}`;
  if (!kept) return 'mixed';
  const on = (s: LabServer) =>
    entry.im.server?.toLowerCase() === s.dn.toLowerCase() && entry.im.physical === physicalUrl(s, alias);
  return on(FROM()) ? 'before' : on(TO()) ? 'after' : 'mixed';
}

// ---------------------------------------------------------------------------
// Test data and runs

interface Population {
  ou: string;
  file: string;
  sams: string[];
  before: Map<string, EntryState>;
  dir: string;
}

/** `n` users in a fresh OU, IM-enabled on FROM, and a CSV that moves them all to TO. */
async function population(name: string, n: number): Promise<Population> {
  const ou = await createOu(name);
  const sams = Array.from({ length: n }, (_, i) => `${name}-${i}`);
  // Names with commas: DNs with escapes on the wire, as in real directories.
  await addUsers(
    ou,
    sams.map((sam, i) => ({ sam, cn: `${name}, User ${i}`, im: { server: FROM() } })),
  );
  const dir = scratchDir('imctl-fault-');
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, `user,action,server\n${sams.map((s) => `${s},move,${TO().name}`).join('\n')}\n`);
  const before = await snapshot(ou);
  expect(before.size).toBe(n);
  for (const entry of before.values()) expect(stateOf(entry)).toBe('before');
  return { ou, file, sams, before, dir };
}

interface ReportRow {
  line: number | null;
  user: string;
  dn: string | null;
  action: string;
  outcome: string;
  reason: string | null;
}

function readReport(path: string): ReportRow[] {
  return JSON.parse(readFileSync(path, 'utf8')) as ReportRow[];
}

interface ChangeRecord {
  type: string;
  dn: string;
  guid: string;
  before: Record<string, string>;
  after: Record<string, string>;
  /** Derived: a record of type "unconfirmed" (sent, never confirmed). */
  unconfirmed: boolean;
  at: string;
}

/** The change records of every journal a run with this environment wrote. */
function changesJournaled(env: NodeJS.ProcessEnv): ChangeRecord[] {
  return journalFiles(env).flatMap((path) =>
    journalRecords(path)
      .filter((r) => r.type === 'change' || r.type === 'unconfirmed')
      .map((r) => ({ ...r, unconfirmed: r.type === 'unconfirmed' }) as ChangeRecord),
  );
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/**
 * The invariants after any run: no entry half-changed, every changed entry changed exactly once
 * (its write counts moved exactly as one move moves them), untouched entries not written at all.
 */
function checkEntries(
  pop: Population,
  now: Map<string, EntryState>,
  oneMove: string,
): { before: string[]; after: string[] } {
  const result = { before: [] as string[], after: [] as string[] };
  expect(now.size).toBe(pop.before.size);
  for (const [key, entry] of now) {
    const state = stateOf(entry);
    expect(state, `${entry.dn}: ${JSON.stringify(entry.im)}`).not.toBe('mixed');
    const delta = versionDelta(pop.before.get(key)!, entry);
    expect(
      delta,
      `${entry.dn} was written ${state === 'after' ? 'other than exactly once' : 'although untouched'}`,
    ).toBe(state === 'after' ? oneMove : '');
    result[state as 'before' | 'after'].push(key);
  }
  return result;
}

/** The report and the journal agree with the directory (in-doubt entries may be either way, and say so). */
/** A row the run left undone: failed (not done, or in doubt), or never sent once the run had stopped. */
function expectUntouched(row: ReportRow, key: string): void {
  if (row.outcome === 'not-started') expect(row.reason, key).toMatch(/^not started/);
  else {
    expect(row.outcome, `${key} is untouched`).toBe('failed');
    expect(row.reason, key).toMatch(/^(not done|in doubt)/);
  }
}

function checkReportAndJournal(rows: ReportRow[], env: NodeJS.ProcessEnv, before: string[], after: string[]): void {
  const byDn = new Map(rows.map((r) => [r.dn!.toLowerCase(), r]));
  const journal = changesJournaled(env);
  const confirmed = new Set(journal.filter((r) => !r.unconfirmed).map((r) => r.dn.toLowerCase()));
  const unconfirmed = new Set(journal.filter((r) => r.unconfirmed).map((r) => r.dn.toLowerCase()));
  expect(confirmed.size + unconfirmed.size, 'no entry journalled twice').toBe(journal.length);
  for (const key of after) {
    const row = byDn.get(key)!;
    if (row.outcome === 'changed') expect(confirmed.has(key), key).toBe(true);
    else expect(row.reason, key).toMatch(/^in doubt/);
  }
  for (const key of before) {
    expectUntouched(byDn.get(key)!, key);
    expect(confirmed.has(key), key).toBe(false);
  }
  for (const key of unconfirmed) expect(byDn.get(key)!.reason, key).toMatch(/^in doubt/);
}

/**
 * A pass-through cut point: right after about the k-th ModifyRequest. The proxy sees only TLS
 * records, but their sizes tell a move's ModifyRequest (about 800 bytes, or two in one record)
 * from the searches before it (small page continuations, multi-kilobyte OR filters), so the cut
 * lands in the write phase however many pages the lab's searches take.
 */
function afterModifies(
  k: number,
  then: () => void = () => undefined,
): (n: number, c: unknown, length: number) => 'cut' | undefined {
  let seen = 0;
  return (_n, _c, length) => {
    if (length < 500 || length > 2500 || ++seen !== k) return undefined;
    then();
    return 'cut';
  };
}

function fmt(result: RunResult): string {
  return `exit ${result.code}\nstderr: ${result.stderr.slice(-3000)}`;
}

// ---------------------------------------------------------------------------

describe('fault injection: imctl writes through a misbehaving network and DC', () => {
  /** How one clean move changes an entry's write counts, measured on a control entry. */
  let oneMove: string;
  let caPem: Buffer;
  let serverCert: Buffer;
  let serverKey: Buffer;

  beforeAll(async () => {
    const tls = join(lab().labDir, 'tls');
    caPem = readFileSync(join(tls, 'ca.pem'));
    serverCert = readFileSync(join(tls, 'server.pem'));
    serverKey = readFileSync(join(tls, 'server.key'));
    const control = await population('sf-ctl', 1);
    const moved = await imctlProcess(['import', control.file, '--yes']);
    expect(moved.code, fmt(moved)).toBe(0);
    const after = await snapshot(control.ou);
    const [key, entry] = [...after][0]!;
    expect(stateOf(entry)).toBe('after');
    oneMove = versionDelta(control.before.get(key)!, entry);
    // The two attributes a move changes, each written once: anything else would make the check meaningless.
    expect(oneMove.split(' ')).toHaveLength(2);
  });

  const terminating = () => ({ cert: serverCert, key: serverKey, ca: caPem, servername: 'localhost' });

  it('(a) a connection cut mid-batch: imctl reconnects, re-reads what was in flight, and finishes; every entry moved exactly once', async () => {
    const N = 100; // cut after the 40th modify: 60 still to write
    const pop = await population('sf-cut', N);
    let cutAt = 0;
    const proxy = await FaultProxy.start({ onClientRecord: afterModifies(40, () => (cutAt = Date.now())) });
    try {
      const env = imctlEnv({ IMCTL_URL: proxy.url() });
      const report = join(pop.dir, 'report.json');
      const result = await imctlProcess(['-v', '--concurrency', '8', 'import', pop.file, '--yes', '--report', report], {
        env,
      });
      expect(proxy.stats.cut, 'the proxy cut the connection').toBeGreaterThan(0);
      expect(proxy.stats.accepted, 'imctl reconnected').toBeGreaterThanOrEqual(2);
      expect(result.code, fmt(result)).toBe(0);
      expect(result.stderr).toMatch(/reconnecting to localhost/);

      const rows = readReport(report);
      expect(rows).toHaveLength(N);
      expect(rows.filter((r) => r.outcome === 'changed')).toHaveLength(N);

      const now = await snapshot(pop.ou);
      const { after } = checkEntries(pop, now, oneMove);
      expect(after).toHaveLength(N);

      // The journal records every entry exactly once, some before the cut and some after it.
      const journal = changesJournaled(env);
      expect(journal).toHaveLength(N);
      expect(new Set(journal.map((r) => r.dn.toLowerCase())).size).toBe(N);
      const times = readdirSync(join(env.XDG_STATE_HOME!, 'imctl', 'journal')).flatMap((f) =>
        readFileSync(join(env.XDG_STATE_HOME!, 'imctl', 'journal', f), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .filter((r) => r.type === 'change')
          .map((r) => Date.parse(r.at)),
      );
      expect(
        times.some((t) => t < cutAt),
        'some writes landed before the cut',
      ).toBe(true);
      expect(
        times.some((t) => t > cutAt),
        'some writes landed after the cut',
      ).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('(a, d) the DC stays unreachable past the retry budget: exit 3, the report and journal match the directory, and a re-run through a failover list finishes with nothing done twice', async () => {
    const N = 100; // down after the 40th modify: dozens left for the re-run
    const pop = await population('sf-down', N);
    const proxy: FaultProxy = await FaultProxy.start({ onClientRecord: afterModifies(40, () => void proxy.refuse()) }); // and stay down
    try {
      const env = imctlEnv({ IMCTL_URL: proxy.url() });
      const report = join(pop.dir, 'first.json');
      const first = await imctlProcess(['--concurrency', '8', 'import', pop.file, '--yes', '--report', report], {
        env,
      });
      expect(proxy.stats.cut).toBeGreaterThan(0);
      expect(first.code, fmt(first)).toBe(3);
      expect(first.stderr).toMatch(/re-run/i);

      const rows = readReport(report);
      expect(rows).toHaveLength(N);
      const now = await snapshot(pop.ou);
      const { before, after } = checkEntries(pop, now, oneMove);
      expect(after.length, 'some moves landed before the DC went away').toBeGreaterThan(0);
      expect(before.length, 'some moves were left for the re-run').toBeGreaterThan(0);

      // What the report and the journal call done is exactly what the directory holds. A move
      // that was sent when the connection died, and could not be checked afterwards, is "in doubt"
      // and says so; the journal records it as unconfirmed, so undo can still revert it.
      const byDn = new Map(rows.map((r) => [r.dn!.toLowerCase(), r]));
      const journal = changesJournaled(env);
      const confirmed = new Set(journal.filter((r) => !r.unconfirmed).map((r) => r.dn.toLowerCase()));
      const unconfirmed = new Set(journal.filter((r) => r.unconfirmed).map((r) => r.dn.toLowerCase()));
      expect(confirmed.size + unconfirmed.size, 'no entry journalled twice').toBe(journal.length);
      const inDoubt = rows.filter((r) => /^in doubt/.test(r.reason ?? ''));
      expect(new Set(inDoubt.map((r) => r.dn!.toLowerCase()))).toEqual(unconfirmed);
      expect(inDoubt.length, 'only writes in flight at the cut can be in doubt').toBeLessThanOrEqual(8);
      // The request forwarded just before the cut cannot have been answered: it is in doubt.
      expect(inDoubt.length, 'the write in flight at the cut is reported in doubt').toBeGreaterThanOrEqual(1);
      for (const key of after) {
        const row = byDn.get(key)!;
        if (row.outcome === 'changed')
          expect(confirmed.has(key), `${key} is moved: the journal must record it`).toBe(true);
        else expect(row.reason, `${key} is moved: the report must say so, or that it is in doubt`).toMatch(/^in doubt/);
      }
      for (const key of before) {
        expectUntouched(byDn.get(key)!, key);
        expect(confirmed.has(key), `${key} is untouched: the journal must not claim it done`).toBe(false);
      }
      expect(rows.filter((r) => r.outcome === 'changed')).toHaveLength(confirmed.size);

      // The re-run: the first DC is still down; the second URL in the list answers.
      const direct = lab().ldapsUrl;
      const second = await imctlProcess(['-v', '--concurrency', '8', 'import', pop.file, '--yes', '--json'], {
        env: { ...env, IMCTL_URL: `${proxy.url()},${direct}` },
      });
      expect(second.code, fmt(second)).toBe(0);
      expect(second.stderr).toMatch(/refused the connection/);
      expect(second.json().summary).toMatchObject({ changed: before.length, unchanged: after.length, failed: 0 });

      const final = checkEntries(pop, await snapshot(pop.ou), oneMove);
      expect(final.after).toHaveLength(N);
      // Every entry is recorded as done exactly once; in-doubt records only where the re-run found it done.
      const all = changesJournaled(env);
      const done = countBy(
        all.filter((r) => !r.unconfirmed),
        (r) => r.dn.toLowerCase(),
      );
      expect([...done.values()].every((n) => n === 1)).toBe(true);
      for (const key of unconfirmed) expect(done.has(key) === before.includes(key), key).toBe(true);
      expect(new Set(all.map((r) => r.dn.toLowerCase())).size).toBe(N);

      // The way back: undo the journals, newest first, and every entry is home again.
      for (const path of journalFiles(env).reverse()) {
        const undo = await imctlProcess(['undo', path, '--yes'], { env: { ...env, IMCTL_URL: direct } });
        expect(undo.code, fmt(undo)).toBe(0);
      }
      const undone = await snapshot(pop.ou);
      for (const entry of undone.values()) expect(stateOf(entry), entry.dn).toBe('before');
    } finally {
      await proxy.close();
    }
  });

  it('(b) busy (51) and unavailable (52) answers: imctl backs off and retries, ending with every entry changed and none twice', async () => {
    const N = 40; // each entry refused once, every fifth twice, one five times: 52 refusals, each backed off
    const pop = await population('sf-busy', N);
    // One entry is refused five times running: its retries must follow the growing back-off.
    const stubborn = `cn=sf-busy\\, user 7,${pop.ou}`.toLowerCase();
    const attempts = new Map<string, number[]>();
    const index = new Map<string, number>();
    const proxy = await FaultProxy.start({
      terminate: terminating(),
      onClientMessage: (message) => {
        if (message.op !== LdapOp.ModifyRequest) return 'forward';
        const dn = message.dn!.toLowerCase();
        if (!attempts.has(dn)) index.set(dn, index.size);
        const times = attempts.get(dn) ?? [];
        times.push(Date.now());
        attempts.set(dn, times);
        // Every entry's first attempt is refused, busy or unavailable by turns; every fifth entry's second one too.
        const i = index.get(dn)!;
        const refusals = dn === stubborn ? 5 : i % 5 === 0 ? 2 : 1;
        if (times.length <= refusals)
          return (i + times.length) % 2
            ? { answer: 51, diagnostic: 'busy (forged)' }
            : { answer: 52, diagnostic: 'unavailable (forged)' };
        return 'forward';
      },
    });
    try {
      const env = imctlEnv({ IMCTL_URL: proxy.url() });
      const report = join(pop.dir, 'busy.json');
      const result = await imctlProcess(['import', pop.file, '--yes', '--report', report], { env });
      expect(result.code, fmt(result)).toBe(0);
      expect(proxy.stats.modifiesAnswered.get(51)! + proxy.stats.modifiesAnswered.get(52)!).toBe(N + N / 5 + 4);
      expect(proxy.stats.modifiesAnswered.get(52)).toBeGreaterThan(0);
      expect(proxy.stats.modifiesAnswered.get(51)).toBeGreaterThan(0);

      // None twice: every entry's modify reached the DC exactly once.
      expect(proxy.stats.modifiesForwarded.size).toBe(N);
      expect([...proxy.stats.modifiesForwarded.values()].every((n) => n === 1)).toBe(true);

      // Backed off: 100 ms before the first retry, then 200, 400, 800, 1,600 — not hammered.
      for (const [dn, times] of attempts) {
        for (let k = 1; k < times.length; k++)
          expect(times[k]! - times[k - 1]!, `${dn}, retry ${k}`).toBeGreaterThanOrEqual(100 * 2 ** (k - 1) - 10);
      }
      expect(attempts.get(stubborn)).toHaveLength(6);

      const rows = readReport(report);
      expect(rows.filter((r) => r.outcome === 'changed')).toHaveLength(N);
      expect(checkEntries(pop, await snapshot(pop.ou), oneMove).after).toHaveLength(N);
      const journal = changesJournaled(env);
      expect(journal).toHaveLength(N);
      expect(new Set(journal.map((r) => r.dn.toLowerCase())).size).toBe(N);
    } finally {
      await proxy.close();
    }
  });

  it('(c) the connection is cut mid-run and then right after each of the next binds: imctl re-binds every time, sends nothing unauthenticated, and finishes', async () => {
    const N = 60; // cut at the 20th modify: 40 still to write after the re-binds
    const pop = await population('sf-rebind', N);
    const bound = new Map<number, boolean>();
    let unauthenticated = 0;
    let modifies = 0;
    const proxy: FaultProxy = await FaultProxy.start({
      terminate: terminating(),
      onClientMessage: (message, connection) => {
        if (message.op !== LdapOp.BindRequest && message.op !== LdapOp.UnbindRequest && !bound.get(connection.id))
          unauthenticated++;
        if (message.op === LdapOp.ModifyRequest && ++modifies === 20) setImmediate(() => proxy.cutAll());
        return 'forward';
      },
      onServerMessage: (message, connection) => {
        if (message.op !== LdapOp.BindResponse) return 'forward';
        bound.set(connection.id, message.resultCode === 0);
        // Connections 2–4 die right after their bind succeeded: the re-bind has to be done again.
        return connection.id >= 2 && connection.id <= 4 ? 'forward-then-cut' : 'forward';
      },
    });
    try {
      const env = imctlEnv({ IMCTL_URL: proxy.url() });
      const report = join(pop.dir, 'rebind.json');
      const result = await imctlProcess(['-v', '--concurrency', '8', 'import', pop.file, '--yes', '--report', report], {
        env,
      });
      expect(modifies).toBeGreaterThanOrEqual(N);
      expect(
        proxy.stats.accepted,
        'connections: the first, three cut after their bind, and the one that finished',
      ).toBeGreaterThanOrEqual(5);
      expect(proxy.stats.bindResults.get(0)).toBe(proxy.stats.accepted);
      expect(unauthenticated, 'requests sent on a connection before its bind').toBe(0);
      expect(result.code, fmt(result)).toBe(0);
      expect(readReport(report).filter((r) => r.outcome === 'changed')).toHaveLength(N);
      expect(checkEntries(pop, await snapshot(pop.ou), oneMove).after).toHaveLength(N);
      const journal = changesJournaled(env);
      expect(journal).toHaveLength(N);
      expect(new Set(journal.map((r) => r.dn.toLowerCase())).size).toBe(N);
    } finally {
      await proxy.close();
    }
  });

  it('(c) the re-bind after a lost connection is refused (password changed mid-run): imctl stops at once without retrying the bind, and says what to do', async () => {
    const N = 60; // cut at the 20th modify: some moved before it, dozens left after it
    const pop = await population('sf-badbind', N);
    let modifies = 0;
    const binds = new Map<number, number>();
    const proxy: FaultProxy = await FaultProxy.start({
      terminate: terminating(),
      onClientMessage: (message, connection) => {
        if (message.op === LdapOp.BindRequest) {
          binds.set(connection.id, (binds.get(connection.id) ?? 0) + 1);
          // From the second connection on, the DC says the password is wrong, as AD does.
          if (connection.id >= 2)
            return {
              answer: 49,
              diagnostic: '80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563',
            };
        }
        if (message.op === LdapOp.ModifyRequest && ++modifies === 20) setImmediate(() => proxy.cutAll());
        return 'forward';
      },
    });
    try {
      const env = imctlEnv({ IMCTL_URL: proxy.url() });
      const report = join(pop.dir, 'badbind.json');
      const result = await imctlProcess(['--concurrency', '8', 'import', pop.file, '--yes', '--report', report], {
        env,
      });
      expect(result.code, fmt(result)).toBe(3);
      expect(result.stderr).toMatch(/password for the bind account is wrong/);
      // One refused bind, not one per write in flight or per retry: repeated bad binds lock accounts out.
      const refusedBinds = [...binds].filter(([id]) => id >= 2).reduce((sum, [, n]) => sum + n, 0);
      expect(refusedBinds).toBe(1);

      const rows = readReport(report);
      expect(rows).toHaveLength(N);
      const now = await snapshot(pop.ou);
      const { before, after } = checkEntries(pop, now, oneMove);
      expect(after.length).toBeGreaterThan(0);
      expect(before.length).toBeGreaterThan(0);
      checkReportAndJournal(rows, env, before, after);

      const again = await imctlProcess(['import', pop.file, '--yes', '--json'], {
        env: { ...env, IMCTL_URL: lab().ldapsUrl },
      });
      expect(again.code, fmt(again)).toBe(0);
      expect(again.json().summary).toMatchObject({ changed: before.length, unchanged: after.length });
      expect(checkEntries(pop, await snapshot(pop.ou), oneMove).after).toHaveLength(N);
    } finally {
      await proxy.close();
    }
  });

  it.each(['reset', 'hangup'] as const)(
    '(c) a DC that drops connections during the TLS handshake for a while (%s: restarting) is ridden out like any lost connection',
    async (how) => {
      const N = 80; // refused after the 40th modify: 40 still to write
      const pop = await population(`sf-${how}`, N);
      const proxy: FaultProxy = await FaultProxy.start({
        // The next two connections (the reconnect and its first retry) die in the handshake.
        onClientRecord: afterModifies(40, () => proxy.refuseNext(2, how)),
      });
      try {
        const env = imctlEnv({ IMCTL_URL: proxy.url() });
        const result = await imctlProcess(['-v', '--concurrency', '8', 'import', pop.file, '--yes', '--json'], { env });
        expect(proxy.stats.reset, 'handshakes were reset').toBe(2);
        expect(result.code, fmt(result)).toBe(0);
        expect(result.json().summary).toMatchObject({ changed: N, failed: 0 });
        expect(checkEntries(pop, await snapshot(pop.ou), oneMove).after).toHaveLength(N);
        const journal = changesJournaled(env);
        expect(new Set(journal.map((r) => r.dn.toLowerCase())).size).toBe(journal.length);
        expect(journal).toHaveLength(N);
      } finally {
        await proxy.close();
      }
    },
  );

  it.each(['refused', 'reset', 'hangup'] as const)(
    '(d) the first DC of a failover list is down (%s) during a write run: imctl uses the next one and finishes',
    async (how) => {
      const N = 20; // the first DC is down from the start: no row count makes the fault land mid-run
      const pop = await population(`sf-fo-${how}`, N);
      const down = await FaultProxy.start();
      await down.refuse(undefined, how === 'refused' ? 'close' : how);
      try {
        const env = imctlEnv({
          IMCTL_URL: `${down.url(how === 'refused' ? '127.0.0.1' : 'localhost')},${lab().ldapsUrl}`,
        });
        const result = await imctlProcess(['-v', 'import', pop.file, '--yes', '--json'], { env });
        expect(result.code, fmt(result)).toBe(0);
        expect(result.stderr).toMatch(/failed: .*(refused the connection|connection to .* was lost|disconnected)/);
        expect(result.stderr).toMatch(/connected to localhost \(ldaps:\/\/localhost\)/);
        if (how !== 'refused') expect(down.stats.reset).toBeGreaterThan(0);
        expect(result.json().summary).toMatchObject({ changed: N, failed: 0 });
        expect(checkEntries(pop, await snapshot(pop.ou), oneMove).after).toHaveLength(N);
      } finally {
        await down.close();
      }
    },
  );
});
