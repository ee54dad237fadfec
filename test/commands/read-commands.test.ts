/**
 * The reading commands through run() against the in-memory directory: servers, users, show and
 * completion — their tables, their --json, and their usage errors (exit 2, one sentence, nothing on
 * stdout under --json but the error document). The same commands against the lab DC are in
 * servers.lab.test.ts, users.lab.test.ts and completion/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/core/errors.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, ROUTER, WEST, imctlOnMemory, person, sampleDirectory } from '../support/run-imctl.js';

describe('imctl servers', () => {
  it('lists every server with its load, the totals and the failure headroom; caches the home server names', async () => {
    const directory = sampleDirectory();
    const { code, stdout, stderr, home } = await imctlOnMemory(['servers'], { directory });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/│ im-east\s+│ exch1\.memory\.test\s+│ home\s+│\s+2 │\s+1 │\s+7,500 │/);
    expect(stdout).toMatch(/│ im-router\s+│ imrouter\.memory\.test\s+│ router/);
    expect(stdout).toContain('3 users on 2 home servers (capacity 15,000), 1 of them active; 1 router.');
    expect(stdout).toContain('Failure headroom: the users of any one home server would fit on the others.');
    // A Tab completes from this file and never connects.
    expect(JSON.parse(readFileSync(join(home, 'cache', 'imctl', 'servers.json'), 'utf8')).servers).toEqual([
      'im-east',
      'im-west',
    ]);
    expect(directory.closed).toBe(true);
  });

  it('--json: the same data as one document', async () => {
    const run = await imctlOnMemory(['servers', '--json', '--capacity', '1']);
    expect(run.code).toBe(0);
    const report = run.json();
    expect(
      report.servers.map((s: { name: string; users: number; state: string }) => [s.name, s.users, s.state]),
    ).toEqual([
      ['im-east', 2, 'over'],
      ['im-router', 0, 'router'],
      ['im-west', 1, 'ok'],
    ]);
    expect(report.totals).toEqual({
      homeServers: 2,
      routers: 1,
      users: 3,
      active: 1,
      capacity: 2,
      orphaned: 0,
      activeOrphaned: 0,
    });
    expect(report.headroom.survivesAnySingleFailure).toBe(false);
  });

  it('says what is over capacity and that rebalance plans the moves', async () => {
    const { code, stdout } = await imctlOnMemory(['servers', '--capacity', '1']);
    expect(code).toBe(0);
    expect(stdout).toContain('im-east over capacity: "imctl rebalance" plans the fewest moves.');
  });

  it.each([
    [['servers', '--capacity', 'lots'], /option '--capacity <n>' argument 'lots' is invalid/],
    [['servers', '--bogus'], /unknown option '--bogus'/],
    [['serverz'], /unknown command 'serverz'/],
  ])('%j is a usage error (exit 2) before the directory is opened', async (argv, message) => {
    const directory = sampleDirectory();
    let opened = false;
    const spy = Object.assign(directory, { servers: async () => ((opened = true), []) });
    const { code, stdout, stderr } = await imctlOnMemory(argv, { directory: spy });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(opened).toBe(false);
  });
});

describe('imctl users', () => {
  it('lists IM users with their home server; --server and --limit narrow it', async () => {
    const all = await imctlOnMemory(['users']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/│ ann\s+│ User ann\s+│ ann@im\.memory\.test\s+│ im-east\s+│/);
    expect(all.stdout).toContain('3 users.');
    expect(all.stdout).not.toContain('dee');

    const west = await imctlOnMemory(['users', '--server', 'im-west']);
    expect(west.stdout).toMatch(/│ cid /);
    expect(west.stdout).not.toMatch(/│ ann /);

    const limited = await imctlOnMemory(['users', '--limit', '1']);
    expect(limited.stdout).toContain('1 user shown: the list was cut at --limit 1; there are more.');
  });

  it('--orphaned --json: users homed on a router or a missing server', async () => {
    const directory = new MemoryDirectory(
      [EAST, ROUTER],
      [person('ann', EAST), person('rob', ROUTER), person('wes', WEST)],
    );
    const run = await imctlOnMemory(['users', '--orphaned', '--json'], { directory });
    expect(run.code).toBe(0);
    const data = run.json();
    expect(data.total).toBe(2);
    expect(data.users.map((u: { sAMAccountName: string; orphaned: string }) => [u.sAMAccountName, u.orphaned])).toEqual(
      [
        ['rob', 'router'],
        ['wes', 'missing-server'],
      ],
    );
  });

  it('--json is pure ASCII: non-ASCII names as \\uXXXX (PowerShell decodes output with an OEM code page), the same names parsed', async () => {
    const names = ['Müller', 'Ørsted', '李雷', 'Zoë😀'];
    const directory = new MemoryDirectory(
      [EAST],
      names.map((name) => person(name, EAST)),
    );
    for (const argv of [
      ['users', '--json'], // streamed a page at a time (src/ui/json-document.ts)
      ['show', '--json', '--', 'Müller'], // one document (printJson)
    ]) {
      const run = await imctlOnMemory(argv, { directory });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^[\x00-\x7e]*$/);
      expect(run.stdout).toContain('"M\\u00fcller"');
      const text = JSON.stringify(run.json());
      for (const name of argv[0] === 'users' ? names : ['Müller']) expect(text).toContain(JSON.stringify(name));
    }
  });

  describe('a large listing streams (issue 32)', () => {
    /** Seven users, two per page: the listing is four pages. */
    const paged = () => {
      const directory = new MemoryDirectory(
        [EAST, WEST],
        ['gil', 'fay', 'eli', 'dan', 'cal', 'bea', 'abe'].map((sam, i) => person(sam, i % 2 ? WEST : EAST)),
      );
      directory.pageSize = 2;
      return directory;
    };

    it('--json writes each page as it is read: the first user is out before the last page is asked for', async () => {
      const directory = paged();
      let stdout: { text: string } | undefined;
      let printedBeforeLastPage: string | undefined;
      directory.beforePage = (index) => {
        if (index === 3) printedBeforeLastPage = stdout!.text;
      };
      const run = await imctlOnMemory(['users', '--json'], { directory, onStart: (_in, _err, out) => (stdout = out) });
      expect(run.code).toBe(0);
      expect(printedBeforeLastPage).toContain('"sAMAccountName": "gil"');
      expect(printedBeforeLastPage).not.toContain('"abe"');
      // Still one document, in the directory's order, with the totals after the list.
      const data = run.json();
      expect(data.users.map((u: { sAMAccountName: string }) => u.sAMAccountName)).toEqual([
        'gil',
        'fay',
        'eli',
        'dan',
        'cal',
        'bea',
        'abe',
      ]);
      expect(data).toMatchObject({ total: 7, shown: 7 });
      expect(data.users[0]).toEqual({
        sAMAccountName: 'gil',
        displayName: 'User gil',
        imAddress: 'gil@im.memory.test',
        homeServer: 'im-east',
        homeServerDn: EAST.dn,
        orphaned: null,
        dn: 'CN=gil,OU=Staff,DC=memory,DC=test',
      });
    });

    it('a listing cut off midway ends the same document with the error, exit 1: never a short list passed off as whole', async () => {
      const directory = paged();
      directory.beforePage = (index) => {
        if (index === 2) throw new DirectoryError('The listing was cut off after 4 entries.', 'listing-interrupted');
      };
      const run = await imctlOnMemory(['users', '--json'], { directory });
      expect(run.code).toBe(1);
      const data = run.json();
      expect(data.users).toHaveLength(4);
      expect(data.total).toBeUndefined();
      expect(data.error).toMatchObject({ reason: 'listing-interrupted', exitCode: 1 });
    });

    it('--limit N lists the first N users the DC returns, sorted, and reads no further than N + 1', async () => {
      const directory = paged();
      const run = await imctlOnMemory(['users', '--limit', '3', '--json'], { directory });
      const data = run.json();
      expect(data.users.map((u: { sAMAccountName: string }) => u.sAMAccountName)).toEqual(['eli', 'fay', 'gil']);
      expect(data).toMatchObject({ total: null, shown: 3, cutAt: 3 });
      expect(directory.listed).toBe(4);
    });
  });

  it.each([
    [
      ['users', '--limit', '0'],
      /option '--limit <n>' argument '0' is invalid\. expected a whole number 1 or more, got 0/,
    ],
    [['users', '--server', 'im-nowhere', '--json'], /im-nowhere/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, stderr } = await imctlOnMemory(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('imctl show', () => {
  it('one user: IM state, account state, no drift', async () => {
    const { code, stdout } = await imctlOnMemory(['show', 'ann@memory.test']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^User\s+User ann \(ann\)$/m);
    expect(stdout).toMatch(/^Home server\s+im-east \(exch1\.memory\.test\)$/m);
    expect(stdout).toContain('No drift: the stored values are what imctl would write (4 attributes checked).');
  });

  it('--json: drift from what imctl would write', async () => {
    const directory = sampleDirectory();
    directory.set('CN=ben,OU=Staff,DC=memory,DC=test', {
      ...directory.get('CN=ben,OU=Staff,DC=memory,DC=test')!.im,
      msExchIMMetaPhysicalURL: 'http://elsewhere.test/instmsg/aliases/ben',
    });
    const run = await imctlOnMemory(['show', 'ben', '--json'], { directory });
    expect(run.code).toBe(0);
    const state = run.json();
    expect(state).toMatchObject({
      sAMAccountName: 'ben',
      imEnabled: true,
      homeServer: 'im-east',
      homeServerRole: 'home',
    });
    expect(state.drift).toEqual([
      {
        attribute: 'msExchIMMetaPhysicalURL',
        stored: 'http://elsewhere.test/instmsg/aliases/ben',
        expected: 'http://im.memory.test/instmsg/aliases/ben',
      },
    ]);
  });

  it('an unknown user is a usage error: one sentence on stderr, the error document under --json', async () => {
    const run = await imctlOnMemory(['show', 'nobody', '--json']);
    expect(run.code).toBe(2);
    expect(run.json().error).toEqual({
      reason: 'unknown',
      exitCode: 2,
      message: expect.stringContaining('no user is named "nobody"'),
    });
    expect(run.stderr).toMatch(/^error: Cannot show "nobody"/);
  });

  it('without a user it is a usage error', async () => {
    const { code, stderr } = await imctlOnMemory(['show']);
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'user'");
  });
});

describe('imctl completion', () => {
  it('prints a script for each shell, with the commands in it, and never opens the directory', async () => {
    const directory = sampleDirectory();
    const spy = Object.assign(directory, { servers: async () => expect.unreachable('completion must not connect') });
    for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
      const { code, stdout } = await imctlOnMemory(['completion', shell], { directory: spy });
      expect(code, shell).toBe(0);
      expect(stdout, shell).toContain('rebalance');
    }
  });

  it('an unknown shell is a usage error', async () => {
    const { code, stderr } = await imctlOnMemory(['completion', 'tcsh']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /value 'tcsh' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish, powershell/,
    );
  });
});
