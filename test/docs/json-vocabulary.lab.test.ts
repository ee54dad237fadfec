/**
 * Issue 21, "one vocabulary": every command's --json output uses only the field names that
 * docs/json.md defines (plus the few that belong to one command, listed here), and the shared
 * ones have one kind everywhere — `homeServer` a name, `user` the name as typed, `dn` a DN.
 *
 * What is checked is the names and kinds of a document, not the seeded domain's figures: every
 * command runs in this process (imctlHere), all of them side by side, and the ones that would scan
 * the whole domain (servers, users, rebalance) run on OU=Audit with --base-dn, whose sixteen users
 * have every case those documents have keys for: orphans on a router and on a deleted server, a
 * server over a capacity of 5 (so rebalance moves, is capped by --max-moves and defers the rest).
 * The seeded domain's `servers --json` is read in test/commands/servers.lab.test.ts, its
 * `rebalance --apply --dry-run` in test/docs/readme-tour.lab.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imctlHere } from '../support/in-process.js';
import { imctlEnv, lab, repoRoot, scratchDir } from '../support/lab.js';

/** Every backticked name in the first column of docs/json.md's vocabulary table. */
const documented = new Set(
  readFileSync(join(repoRoot, 'docs', 'json.md'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!)),
);

/** Keys that belong to one command's output, described in the README's section for it. */
const OWN: Record<string, string[]> = {
  // activity: the --load active window (activeDays, logonSyncDays: lastLogonTimestamp's replication lag, since, note).
  servers: [
    'servers',
    'headroom',
    'homeServers',
    'key',
    'load',
    'orphaned',
    'othersFreeRoom',
    'perServer',
    'routers',
    'shortBy',
    'state',
    'survivesAnySingleFailure',
    'totals',
    'utilisation',
    'worst',
    'activeOrphaned',
    'activity',
    'activeDays',
    'logonSyncDays',
    'since',
    'note',
  ],
  users: ['users', 'total', 'shown', 'cutAt', 'orphaned'],
  show: ['accountDisabled', 'caseOnly', 'drift', 'imEnabled', 'attribute', 'stored', 'expected'],
  resolve: [
    'address',
    'alias',
    'check',
    'dnsServer',
    'domain',
    'kind',
    'port',
    'priority',
    'srvName',
    'targets',
    'url',
    'weight',
  ],
  write: [
    'command',
    'change',
    'msExchIMAddress',
    'msExchIMMetaPhysicalURL',
    'msExchIMPhysicalURL',
    'msExchIMVirtualServer',
    'changed',
    'unchanged',
    'failed',
    'planned',
    'notStarted',
  ],
  rebalance: ['plan', 'servers', 'deferred', 'feasible', 'minimalMoves', 'moves'],
  sync: ['sync', 'groups', 'ou', 'adds', 'removals', 'skipped'],
  history: ['runs', 'startedAt', 'command', 'domainController', 'boundAs', 'ended', 'changed', 'unchanged', 'failed'],
};

/** Every key of a document, with each value seen under it. */
function keysOf(value: unknown, into = new Map<string, unknown[]>()): Map<string, unknown[]> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      (into.get(key) ?? into.set(key, []).get(key)!).push(v);
      keysOf(v, into);
    }
  }
  return into;
}

const KINDS: Record<string, (v: unknown) => boolean> = {
  homeServer: (v) => v === null || typeof v === 'string',
  fromHomeServer: (v) => v === null || typeof v === 'string',
  toHomeServer: (v) => typeof v === 'string',
  user: (v) => typeof v === 'string',
  dn: (v) => typeof v === 'string' && /^[A-Za-z]+=/.test(v as string),
  homeServerDn: (v) => v === null || (typeof v === 'string' && /^CN=/i.test(v as string)),
  before: (v) => typeof v === 'object' && v !== null,
  after: (v) => typeof v === 'object' && v !== null,
  error: (v) => typeof v === 'object' && v !== null && typeof (v as { reason: unknown }).reason === 'string',
};

describe('every command speaks docs/json.md', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratchDir('imctl-vocab-');
    writeFileSync(join(dir, 'bad.csv'), 'user,action\nno-such-user-vocab,enable\n');
  });
  const dns = () => `${lab().dnsServer}:${lab().dnsPort}`;

  /** OU=Audit as the base DN: a scan of sixteen users, not 12,013. */
  const audit = () => ['--base-dn', lab().audit.ou];

  it.concurrent.for([
    { argv: () => ['servers', ...audit()], own: ['servers'] },
    { argv: () => ['users', '--limit', '3', ...audit()], own: ['users'] },
    { argv: () => ['users', '--orphaned', '--limit', '3', ...audit()], own: ['users'] },
    { argv: ['show', 'jdoe'], own: ['show'] },
    { argv: () => ['resolve', `jdoe@${lab().imDomain}`, '--check', '--dns-server', dns()], own: ['resolve'] },
    { argv: ['enable', 'sstar', 'jdoe', '--server', 'im-east', '--dry-run'], own: ['write'] },
    { argv: ['move', 'jdoe', '--to', 'im-west', '--dry-run'], own: ['write'] },
    { argv: ['disable', 'no-such-user-vocab'], own: [] },
    { argv: () => ['import', join(dir, 'bad.csv')], own: [] },
    { argv: () => ['rebalance', '--max-moves', '2', '--capacity', '5', ...audit()], own: ['rebalance'] },
    {
      argv: () => ['rebalance', '--max-moves', '2', '--capacity', '5', '--apply', '--dry-run', ...audit()],
      own: ['rebalance', 'write'],
    },
    {
      argv: () => ['sync', '--group', 'Domain Users', '--ou', lab().audit.ou, '--remove', '--dry-run', ...audit()],
      own: ['sync', 'write'],
    },
    { argv: ['history'], own: ['history'] },
    { argv: ['servers', '--bogus'], own: [] },
  ])('$argv', async ({ argv, own }, { expect }) => {
    const args = typeof argv === 'function' ? argv() : argv;
    const result = await imctlHere([...args, '--json'], { env: imctlEnv(), cwd: dir });
    const keys = keysOf(result.json());
    const allowed = new Set([...documented, ...own.flatMap((o) => OWN[o]!)]);
    expect(
      [...keys.keys()].filter((k) => !allowed.has(k)),
      'keys not in docs/json.md',
    ).toEqual([]);
    for (const [key, values] of keys) {
      if (KINDS[key]) for (const v of values) expect(KINDS[key]!(v), `${key}: ${JSON.stringify(v)}`).toBe(true);
    }
  });

  it('"user" in write results is the name as typed, "dn" the DN', async () => {
    const data = (await imctlHere(['enable', 'jdoe', '--server', 'im-east', '--dry-run', '--json'])).json();
    expect(data.results[0]).toMatchObject({ user: 'jdoe', dn: expect.stringMatching(/^CN=Doe\\, John,/) });
  });
});
