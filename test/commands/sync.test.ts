/**
 * `imctl sync` against the in-memory directory: who the desired set holds (nested groups with a
 * cycle, primary members of a nested group, disabled members, members outside --ou), what is
 * written (placement, removals scoped to --ou, the guard), rules from the config file, and the
 * usage errors (exit 2, nothing written). What Samba answers for the same questions is proven by
 * the port contract (test/support/directory-port-contract.ts) and sync.lab.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, ROUTER, WEST, imctlOnMemory, person } from '../support/run-imctl.js';

const STAFF = 'OU=Staff,DC=memory,DC=test';
const OTHER = 'OU=Other,DC=memory,DC=test';
const GROUPS = 'OU=Groups,DC=memory,DC=test';
const group = (cn: string) => `CN=${cn},${GROUPS}`;
const elsewhere = (sam: string, extra: Partial<UserRecord> = {}) =>
  person(sam, undefined, { dn: `CN=${sam},${OTHER}`, ...extra });
const dn = (sam: string) => `CN=${sam},${STAFF}`;

/**
 * IM Users ⊃ Sales ⊃ Sales East ⊃ Sales (a cycle); ann direct, bob in Sales, cal in Sales East,
 * dot's primary group is Sales East; eli is a disabled member; fay a member outside Staff;
 * gus has IM on im-east and is in no group; hal is a member with IM already (on im-west).
 */
function world(extra: UserRecord[] = []): MemoryDirectory {
  const users = [
    person('ann'),
    person('bob'),
    person('cal'),
    person('dot'),
    person('eli', undefined, { accountDisabled: true }),
    elsewhere('fay'),
    person('gus', EAST),
    person('hal', WEST),
    ...extra,
  ];
  const directory = new MemoryDirectory([EAST, WEST, ROUTER], users);
  directory.addGroup({
    dn: group('IM Users'),
    sAMAccountName: 'IM Users',
    rid: 1101,
    member: [dn('ann'), group('Sales'), dn('eli'), `CN=fay,${OTHER}`, dn('hal')],
  });
  directory.addGroup({
    dn: group('Sales'),
    sAMAccountName: 'Sales',
    rid: 1102,
    member: [dn('bob'), group('Sales East')],
  });
  directory.addGroup({
    dn: group('Sales East'),
    sAMAccountName: 'Sales-East',
    rid: 1103,
    member: [dn('cal'), group('Sales')],
  });
  directory.addGroup({
    dn: `CN=Domain Users,CN=Users,DC=memory,DC=test`,
    sAMAccountName: 'Domain Users',
    rid: 513,
    member: [],
  });
  directory.setPrimaryGroup(dn('dot'), 1103);
  return directory;
}

const homeOf = (directory: MemoryDirectory, sam: string, ou = STAFF) =>
  directory.get(`CN=${sam},${ou}`)!.im.msExchIMVirtualServer;

describe('imctl sync: the desired set', () => {
  it('members through nested groups (a cycle ends), a nested group’s primary members; not disabled ones, not outside --ou', async () => {
    const directory = world();
    const run = await imctlOnMemory(['sync', '--group', 'IM Users', '--ou', STAFF, '--yes', '--json'], { directory });
    expect(run.code, run.stderr).toBe(0);
    const doc = run.json();
    const outcome = Object.fromEntries(doc.results.map((r: { user: string; outcome: string }) => [r.user, r.outcome]));
    expect(outcome).toEqual({ ann: 'changed', bob: 'changed', cal: 'changed', dot: 'changed', hal: 'unchanged' });
    expect(doc.sync.skipped).toEqual([
      { user: 'eli', dn: dn('eli'), reason: expect.stringMatching(/account disabled/) },
    ]);
    expect(directory.get(dn('eli'))!.im).toEqual({});
    expect(directory.get(`CN=fay,${OTHER}`)!.im).toEqual({});
    // gus is not a member, and without --remove nobody loses IM.
    expect(homeOf(directory, 'gus')).toBe(EAST.dn);
    expect(directory.get(dn('ann'))!.im).toEqual(
      imValues('ann', IM_DOMAIN, directory.get(dn('ann'))!.im.msExchIMVirtualServer === EAST.dn ? EAST : WEST),
    );
  });

  it('--include-disabled gives disabled members IM too; the group by DN, sAMAccountName or cn alike', async () => {
    for (const name of [group('Sales East'), 'Sales-East', 'sales east']) {
      const directory = world();
      const run = await imctlOnMemory(['sync', '--group', name, '--include-disabled', '--dry-run', '--json'], {
        directory,
      });
      expect(run.code, run.stderr).toBe(0);
      const planned = run
        .json()
        .results.map((r: { user: string }) => r.user)
        .sort();
      // Sales East ⊃ Sales (the cycle): bob, cal, and dot (primary); not IM Users' direct members.
      expect(planned, name).toEqual(['bob', 'cal', 'dot']);
      expect(directory.written).toEqual([]);
    }
    const directory = world();
    const run = await imctlOnMemory(['sync', '--group', 'IM Users', '--include-disabled', '--yes', '--json'], {
      directory,
    });
    expect(run.json().results.find((r: { user: string }) => r.user === 'eli').outcome).toBe('changed');
  });

  it('the primary group counts: every account is in Domain Users that way, never through member', async () => {
    const directory = world();
    const run = await imctlOnMemory(['sync', '--group', 'Domain Users', '--ou', STAFF, '--dry-run', '--json'], {
      directory,
    });
    expect(run.code, run.stderr).toBe(0);
    // Every enabled account under Staff but dot (whose primary group is Sales East): gus and hal have IM already.
    expect(run.json().sync).toMatchObject({ unchanged: 2, removals: 0 });
    expect(
      run
        .json()
        .results.filter((r: { outcome: string }) => r.outcome === 'planned')
        .map((r: { user: string }) => r.user)
        .sort(),
    ).toEqual(['ann', 'bob', 'cal']);
  });

  it('a second run writes nothing', async () => {
    const directory = world();
    expect((await imctlOnMemory(['sync', '--group', 'IM Users', '--yes'], { directory })).code).toBe(0);
    const writes = directory.written.length;
    const again = await imctlOnMemory(['sync', '--group', 'IM Users', '--yes', '--json'], { directory });
    expect(again.code).toBe(0);
    expect(again.json().summary).toMatchObject({ changed: 0, failed: 0 });
    expect(directory.written.length).toBe(writes);
  });
});

describe('imctl sync: placement', () => {
  it('newcomers go to the servers with room, counting the batch; users with IM stay put', async () => {
    const crowd = Array.from({ length: 4 }, (_, i) => person(`west${i}`, WEST));
    const directory = world(crowd);
    const run = await imctlOnMemory(['sync', '--group', 'IM Users', '--ou', STAFF, '--yes', '--json'], { directory });
    expect(run.code, run.stderr).toBe(0);
    // im-east homes 1 (gus), im-west 5: the four newcomers fill im-east first.
    expect(['ann', 'bob', 'cal', 'dot'].map((s) => homeOf(directory, s))).toEqual(Array(4).fill(EAST.dn));
    expect(run.json().sync.adds).toEqual({ 'im-east': 4 });
    expect(homeOf(directory, 'hal')).toBe(WEST.dn);
  });

  it('--server limits the pool; a router there is exit 2', async () => {
    const directory = world();
    const run = await imctlOnMemory(['sync', '--group', 'IM Users', '--server', 'im-west', '--yes'], { directory });
    expect(run.code, run.stderr).toBe(0);
    expect(['ann', 'bob', 'cal', 'dot'].map((s) => homeOf(directory, s))).toEqual(Array(4).fill(WEST.dn));
    const router = await imctlOnMemory(['sync', '--group', 'IM Users', '--server', 'im-router', '--yes'], {
      directory: world(),
    });
    expect(router.code).toBe(2);
  });
});

describe('imctl sync --remove', () => {
  it('disables IM on users under --ou that are not desired, and on disabled members; never outside --ou', async () => {
    const outsider = elsewhere('ola', { im: imValues('ola', IM_DOMAIN, EAST) });
    const directory = world([outsider]);
    directory.set(dn('eli'), imValues('eli', IM_DOMAIN, EAST));
    const run = await imctlOnMemory(['sync', '--group', 'IM Users', '--ou', STAFF, '--remove', '--yes', '--json'], {
      directory,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(directory.get(dn('gus'))!.im).toEqual({});
    expect(directory.get(dn('eli'))!.im).toEqual({});
    expect(homeOf(directory, 'ola', OTHER)).toBe(EAST.dn);
    expect(run.json().sync).toMatchObject({ removals: 2, skipped: [] });
  });

  it('needs --ou (exit 2, nothing read or written)', async () => {
    const directory = world();
    const run = await imctlOnMemory(['sync', '--group', 'IM Users', '--remove', '--yes'], { directory });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--remove needs --ou');
    expect(directory.written).toEqual([]);
  });

  it('the guard: more removals than --max-removals is refused, exit 2, nothing written, with how many and why', async () => {
    const extra = Array.from({ length: 3 }, (_, i) => person(`old${i}`, WEST));
    const directory = world(extra);
    const args = ['sync', '--group', 'IM Users', '--ou', STAFF, '--remove', '--yes'];
    const refused = await imctlOnMemory([...args, '--max-removals', '3', '--json'], { directory });
    expect(refused.code).toBe(2);
    const doc = refused.json();
    expect(doc.error.reason).toBe('too-many-removals');
    expect(doc.error.message).toMatch(
      /disable IM on 4 users under OU=Staff.*more than the 3 allowed.*nothing was written/,
    );
    expect(doc.sync.removals).toBe(4);
    expect(directory.written).toEqual([]);
    // Exactly at the limit goes ahead.
    expect((await imctlOnMemory([...args, '--max-removals', '4'], { directory })).code).toBe(0);
    expect(directory.get(dn('old0'))!.im).toEqual({});
  });

  it('the guard defaults to 100, and the config file’s sync.maxRemovals sets it', async () => {
    const many = Array.from({ length: 101 }, (_, i) => person(`old${i}`, WEST));
    const refused = await imctlOnMemory(['sync', '--group', 'IM Users', '--ou', STAFF, '--remove', '--yes'], {
      directory: world(many),
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/102 users.*more than the 100 allowed/);
    const home = configHome({ sync: { maxRemovals: 0 } });
    const configured = await imctlOnMemory(['sync', '--group', 'IM Users', '--ou', STAFF, '--remove', '--yes'], {
      directory: world(),
      home,
    });
    expect(configured.code).toBe(2);
    expect(configured.stderr).toMatch(/1 user under OU=Staff.*more than the 0 allowed/);
  });
});

/** A scratch home whose user config file holds `config`. */
function configHome(config: unknown): string {
  const home = join(process.env.TMPDIR ?? '/tmp', `imctl-sync-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(home, 'config', 'imctl'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'config', 'imctl', 'config.json'), JSON.stringify(config), { mode: 0o600 });
  return home;
}

describe('imctl sync RULE', () => {
  const rule = {
    staff: { group: ['IM Users'], ou: STAFF, imDomain: 'im.rule.test', servers: ['im-west'], remove: true },
  };

  it('runs the rule of the config file; flags beside it win', async () => {
    const directory = world();
    const run = await imctlOnMemory(['sync', 'staff', '--yes', '--json'], {
      directory,
      home: configHome({ sync: rule }),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(directory.get(dn('ann'))!.im).toEqual(imValues('ann', 'im.rule.test', WEST));
    expect(directory.get(dn('gus'))!.im).toEqual({});
    const flags = world();
    const beside = await imctlOnMemory(
      ['sync', 'staff', '--server', 'im-east', '--no-remove', '--im-domain', IM_DOMAIN, '--yes'],
      {
        directory: flags,
        home: configHome({ sync: rule }),
      },
    );
    expect(beside.code, beside.stderr).toBe(0);
    expect(flags.get(dn('ann'))!.im).toEqual(imValues('ann', IM_DOMAIN, EAST));
    expect(homeOf(flags, 'gus')).toBe(EAST.dn);
  });

  it('an unknown rule, a bad rule and a rule in an untrusted project file: exit 2 or ignored, nothing written', async () => {
    const directory = world();
    const unknown = await imctlOnMemory(['sync', 'nosuch', '--yes'], { directory, home: configHome({ sync: rule }) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No sync rule is named "nosuch" in the config file (rules: staff)');
    for (const [bad, message] of [
      [{ staff: { ou: STAFF } }, '"sync.staff.group" must be'],
      [{ staff: { group: 'G', remove: true } }, '"sync.staff.ou" must be given when "remove" is true'],
      [{ staff: { group: 'G', remvoe: true } }, 'free of unknown fields ("remvoe"'],
      [{ staff: { group: 'G', maxRemovals: -1 } }, '"sync.staff.maxRemovals" must be a whole number'],
      [{ maxRemovals: 'ten' }, '"sync.maxRemovals" must be a whole number'],
    ] as const) {
      const run = await imctlOnMemory(['sync', 'staff', '--yes'], { directory, home: configHome({ sync: bad }) });
      expect(run.code, JSON.stringify(bad)).toBe(2);
      expect(run.stderr).toContain(message);
    }
    // A project file (./imctl.json) may not set rules: they say what is written where.
    const home = configHome({});
    writeFileSync(join(home, 'imctl.json'), JSON.stringify({ sync: rule }));
    const project = await imctlOnMemory(['sync', 'staff', '--yes'], { directory, home });
    expect(project.code).toBe(2);
    expect(project.stderr).toMatch(/Ignoring "sync" in .*imctl\.json/);
    expect(directory.written).toEqual([]);
  });

  it('a name that is not a group, an unknown group and no group at all: exit 2, nothing written', async () => {
    const directory = world();
    for (const [args, message] of [
      [['--group', 'ann'], '"ann" names an object that is not a group'],
      [['--group', dn('ann')], 'names an object that is not a group'],
      [['--group', 'Nobody'], 'no group is named "Nobody"'],
      [[], 'Name at least one group'],
    ] as const) {
      const run = await imctlOnMemory(['sync', ...args, '--yes'], { directory });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
    }
    expect(directory.written).toEqual([]);
  });
});

describe('imctl sync: the plan table and the write path', () => {
  it('prints adds per server, removals, unchanged and skipped; --ldif - is LDIF; the journal can be undone', async () => {
    const directory = world();
    const dry = await imctlOnMemory(['sync', '--group', 'IM Users', '--ou', STAFF, '--dry-run'], { directory });
    expect(dry.code).toBe(0);
    // gus on im-east and hal on im-west: the four newcomers split evenly.
    expect(dry.stdout).toMatch(/enable on im-east\s+│\s+2 │\n│ enable on im-west\s+│\s+2 │/);
    expect(dry.stdout).toMatch(/right already \(no write\)\s+│\s+1/);
    expect(dry.stdout).toContain('skipped eli: account disabled');
    const ldif = await imctlOnMemory(['sync', '--group', 'IM Users', '--ldif', '-'], { directory });
    expect(ldif.stdout).toContain(`dn: ${dn('ann')}\nchangetype: modify\n`);
    expect(ldif.stderr).toContain('Sync of IM Users');
    expect(directory.written).toEqual([]);
    const applied = await imctlOnMemory(['sync', '--group', 'IM Users', '--yes'], { directory });
    const journal = /Journal: (\S+\.jsonl)/.exec(applied.stderr)?.[1];
    expect(journal).toBeDefined();
    const undo = await imctlOnMemory(['undo', journal!, '--yes'], { directory, home: applied.home });
    expect(undo.code, undo.stderr).toBe(0);
    expect(directory.get(dn('ann'))!.im).toEqual({});
  });
});
