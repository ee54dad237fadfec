/**
 * Issue 21's remaining rough edges through run() against the in-memory directory: `--report -`
 * on stdout (and refused beside another stdout output), tables that fit an 80-column terminal,
 * audit's "Fixed by" column, its counts after the repairs and disabled orphans left as idle seats.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, ROUTER, WEST, imctl, person, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;
const ANSI = /\x1b\[[0-9;]*m/g;
const widest = (text: string) =>
  Math.max(
    ...text
      .replace(ANSI, '')
      .split('\n')
      .map((line) => [...line].length),
  );

describe('--report - writes the report on stdout, as --ldif - does', () => {
  it('enable: CSV on stdout (no BOM), the human lines on stderr', async () => {
    const directory = sampleDirectory();
    const run = await imctl(['enable', 'dee', 'cid', '--server', 'im-west', '--yes', '--report', '-'], { directory });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe('line,user,dn,action,outcome,reason');
    expect(lines).toContain(`,dee,"${dn('dee')}",enable,changed,`);
    expect(lines).toContain(`,cid,"${dn('cid')}",enable,unchanged,`);
    expect(run.stdout).not.toContain('changed, 0 failed');
    expect(run.stderr).toContain('enable: 1 changed, 1 unchanged, 0 failed.');
    expect(run.stderr).not.toContain('Report: -');
    expect(directory.get(dn('dee'))!.im).toEqual(imValues('dee', IM_DOMAIN, WEST));
  });

  it('--dry-run --report -: the planned outcomes on stdout, nothing written', async () => {
    const directory = sampleDirectory();
    const run = await imctl(['disable', 'ann', '--dry-run', '--report', '-'], { directory });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^line,user,dn,action,outcome,reason\r\n,ann,.*,disable,planned,\r\n$/);
    expect(directory.written).toEqual([]);
  });

  it.each([
    [['enable', 'dee', '--report', '-', '--json'], '--report - and --json would both print on stdout'],
    [['enable', 'dee', '--report', '-', '--ldif', '-'], '--ldif - and --report - would both print on stdout'],
    [
      ['move', 'ann', '--to', 'im-west', '--report', '-', '--ldif', '-', '--json'],
      '--ldif - and --report - and --json would all print on stdout',
    ],
    [['audit', '--report', '-', '--json'], '--report - and --json would both print on stdout'],
    [['audit', '--fix', '--report', '-', '--ldif', '-'], '--ldif - and --report - would both print on stdout'],
  ])('%j is refused (exit 2) before anything is read', async (argv, message) => {
    const directory = sampleDirectory();
    const run = await imctl(argv, { directory });
    expect(run.code).toBe(2);
    if (argv.includes('--json'))
      expect(run.json().error).toMatchObject({
        reason: 'two-stdout-outputs',
        message: expect.stringContaining(message),
      });
    else {
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
    }
    expect(directory.written).toEqual([]);
  });

  it('import with invalid rows: the report of every row on stdout, exit 2, nothing written', async () => {
    const directory = sampleDirectory();
    const file = join(mkdtempSync(join(tmpdir(), 'imctl-first-day-')), 'staff.csv');
    writeFileSync(file, 'user,action,server\ndee,enable,im-west\nnobody-here,enable,im-west\n');
    const run = await imctl(['import', file, '--report', '-'], { directory });
    expect(run.stderr).toMatch(/\d+ invalid rows?; nothing was written/);
    expect(run.code).toBe(2);
    expect(run.stdout.split('\r\n').slice(0, 3)).toEqual([
      'line,user,dn,action,outcome,reason',
      '2,dee,,enable,skipped,not written: the file has invalid rows',
      expect.stringMatching(/^3,nobody-here,,enable,invalid,/),
    ]);
    expect(directory.written).toEqual([]);
  });

  it('audit --report -: the findings as CSV on stdout; the summary on stderr', async () => {
    const directory = new MemoryDirectory([EAST, WEST, ROUTER], [person('ann', EAST), person('rob', ROUTER)]);
    const run = await imctl(['audit', '--no-dns', '--report', '-'], { directory });
    expect(run.code).toBe(3);
    expect(run.stdout.split('\r\n')[0]).toBe('kind,severity,subject,dn,server,detail,repair');
    expect(run.stdout).toContain(
      `orphan,problem,rob,"${dn('rob')}",im-router,"homed on im-router, a router",rehome-orphan`,
    );
    expect(run.stdout).not.toContain('Audit of');
    expect(run.stderr).toContain('Audit of 2 IM users');
  });
});

describe('tables fit the terminal', () => {
  /** Long host names, an orphan and every audit finding kind with examples. */
  const wide = () => {
    const long = (name: string, host: string, hostsUsers = true) => ({
      dn: `CN=IM Virtual Server,CN=${name},CN=Servers,CN=First Site,DC=memory,DC=test`,
      name,
      cn: name,
      host,
      hostsUsers,
    });
    const servers = [
      long('im-east', 'exchange-east-01.im.memory.test'),
      long('im-west', 'exchange-west-01.im.memory.test'),
      long('im-router', 'exchange-router-01.im.memory.test', false),
    ];
    const users = [
      person('ann', servers[0]),
      person('rob', servers[2]),
      person('idle', servers[1], { accountDisabled: true }),
      person('cas', servers[0], {
        im: { ...imValues('cas', IM_DOMAIN, servers[0]!), msExchIMAddress: `CAS@${IM_DOMAIN.toUpperCase()}` },
      }),
    ];
    return new MemoryDirectory(servers, users);
  };

  it('servers: the bar goes and the host is cut at 80 columns; with 200 the bar stays', async () => {
    const narrow = await imctl(['servers'], {
      directory: wide(),
      tty: true,
      columns: 80,
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    expect(narrow.code).toBe(0);
    const table = narrow.stdout
      .split('\n')
      .filter((line) => /^[┌│└]/.test(line.replace(ANSI, '')))
      .join('\n');
    expect(widest(table)).toBeLessThanOrEqual(80);
    expect(table).not.toContain('Load');
    expect(table).toContain('im-router');
    expect(table).toContain('…');
    const roomy = await imctl(['servers'], {
      directory: wide(),
      tty: true,
      columns: 200,
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    expect(roomy.stdout).toContain('Load');
    expect(roomy.stdout).toContain('exchange-router-01.im.memory.test');
  });

  it('audit: the table fits 80 columns (examples cut, titles wrapped); piped output is not cut', async () => {
    const narrow = await imctl(['audit', '--no-dns'], { directory: wide(), tty: true, columns: 80 });
    const table = narrow.stdout
      .split('\n')
      .filter((line) => /^[┌│└├]/.test(line))
      .join('\n');
    expect(widest(table)).toBeLessThanOrEqual(80);
    expect(table).toContain('Orphans');
    const piped = await imctl(['audit', '--no-dns'], { directory: wide() });
    expect(piped.stdout).toContain('rob: homed on im-router, a router');
    expect(
      widest(
        piped.stdout
          .split('\n')
          .filter((line) => line.startsWith('│'))
          .join('\n'),
      ),
    ).toBeGreaterThan(80);
  });

  it('users at 80 columns', async () => {
    const run = await imctl(['users'], { directory: wide(), tty: true, columns: 80 });
    expect(run.code).toBe(0);
    expect(widest(run.stdout)).toBeLessThanOrEqual(80);
  });
});

describe('audit names the flag that fixes each row', () => {
  const directory = () =>
    new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [
        person('ann', EAST),
        person('rob', ROUTER),
        // An orphan whose account is disabled: an idle seat, not a user to give a live seat to.
        person('gone', ROUTER, { accountDisabled: true }),
        person('idle', WEST, { accountDisabled: true }),
        person('cas', EAST, {
          im: { ...imValues('cas', IM_DOMAIN, EAST), msExchIMAddress: `cas@${IM_DOMAIN.toUpperCase()}` },
        }),
      ],
    );

  it('Fixed by: --fix for orphans, --disable-idle for idle seats, --normalize-case for case; in --json as fixWith', async () => {
    const run = await imctl(['audit', '--no-dns'], { directory: directory() });
    expect(run.code).toBe(3);
    const row = (title: string) => run.stdout.split('\n').find((line) => line.includes(title)) ?? '';
    expect(row('Fixed by')).toContain('Fixed by');
    expect(row('Orphans')).toMatch(/│\s+2 │ 1 --fix\s+│/);
    expect(row('Idle seats')).toMatch(/│\s+2 │ 2 --disable-idle\s+│/);
    expect(row('another case')).toMatch(/│\s+1 │ 1 --normalize-case\s+│/);
    const json = (await imctl(['audit', '--no-dns', '--json'], { directory: directory() })).json();
    expect(json.summary.find((r: { kind: string }) => r.kind === 'idle-seat')).toMatchObject({
      count: 2,
      fixable: 2,
      fixWith: '--disable-idle',
    });
    expect(
      json.findings.find((f: { subject: string; kind: string }) => f.subject === 'gone' && f.kind === 'orphan'),
    ).toMatchObject({ repair: null, detail: expect.stringContaining('not re-homed: the account is disabled') });
  });

  it('--fix re-homes the live orphan only; the disabled one stays, reported as an idle seat', async () => {
    const dir = directory();
    const run = await imctl(['audit', '--no-dns', '--fix', '--yes'], { directory: dir });
    expect(run.code).toBe(3);
    expect(dir.get(dn('rob'))!.im.msExchIMVirtualServer).toBe(WEST.dn);
    expect(dir.get(dn('gone'))!.im.msExchIMVirtualServer).toBe(ROUTER.dn);
    expect(dir.written.map((t) => t.dn)).toEqual([dn('rob')]);
  });

  it('after --disable-idle the idle seats are counted again: none left, and nothing of theirs remains', async () => {
    const dir = directory();
    const run = await imctl(['audit', '--no-dns', '--disable-idle', '--yes'], { directory: dir });
    expect(run.stdout).toContain('Idle seats per server: im-router 1, im-west 1.');
    expect(run.stdout).toContain('Idle seats after the repairs: none.');
    expect(dir.get(dn('gone'))!.im).toEqual({});
    // rob's orphan and cas's case remain; gone's orphan went with its IM values.
    expect(run.stderr).toContain('1 finding remains after 3 repaired.');
  });
});

describe("the wizard's warnings, on the command line", () => {
  it('enable --server onto a full server warns on stderr with the numbers, and writes as asked', async () => {
    const directory = sampleDirectory();
    const run = await imctl(['enable', 'dee', '--server', 'im-east', '--capacity', '2', '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: im-east holds 2 of 2 users (100%); with 1 more user it would hold 3 (150%), over capacity.',
    );
    expect(directory.get(dn('dee'))!.im.msExchIMVirtualServer).toBe(EAST.dn);
  });

  it('move --to onto a full server warns; --json keeps stdout one document', async () => {
    const run = await imctl(['move', 'cid', '--to', 'im-east', '--capacity', '2', '--yes', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: im-east holds 2 of 2 users (100%); with 1 more user it would hold 3 (150%), over capacity.',
    );
    expect(run.json().summary.changed).toBe(1);
  });

  it('a per-server capacity in the config is checked against every server, not only the one receiving users', async () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-unit-'));
    mkdirSync(join(home, 'config', 'imctl'), { recursive: true });
    writeFileSync(
      join(home, 'config', 'imctl', 'config.json'),
      JSON.stringify({ servers: { 'im-east': { capacity: 2 } } }),
    );
    // The move goes to im-west: im-east's setting names a real server, so nothing is refused.
    const elsewhere = await imctl(['move', 'ann', '--to', 'im-west', '--yes'], { home });
    expect(elsewhere.stderr).not.toMatch(/capacit/i);
    expect(elsewhere.code).toBe(0);
    // Onto im-east, its own capacity applies.
    const onto = await imctl(['move', 'cid', '--to', 'im-east', '--yes'], { home });
    expect(onto.code).toBe(0);
    expect(onto.stderr).toContain(
      'warning: im-east holds 2 of 2 users (100%); with 1 more user it would hold 3 (150%)',
    );
  });

  it('enable with no --server when every home server is full: the placed server is over, and that is said', async () => {
    const run = await imctl(['enable', 'dee', '--capacity', '1', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: im-west holds 1 of 1 users (100%); with 1 more user it would hold 2 (200%), over capacity.',
    );
  });

  it('enabling a disabled account is said; an enabled one is not', async () => {
    const directory = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [person('ann', EAST), person('gone', undefined, { accountDisabled: true }), person('dee')],
    );
    const run = await imctl(['enable', 'gone', 'dee', '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: The account "gone" is disabled: IM gives it a seat nobody can use (an idle seat, as "imctl audit" counts them).',
    );
    expect(run.stderr).not.toContain('"dee"');
  });
});

describe('rebalance: no server to receive, and a router drained', () => {
  it.each([
    [
      ['rebalance', '--exclude', 'im-east,im-west'],
      'Every home server is excluded (im-east, im-west): no server could receive a user. Leave at least one home server out of --exclude; nothing was written.',
    ],
    [
      ['rebalance', '--exclude', 'im-east', '--exclude', 'im-west', '--apply', '--yes'],
      'Every home server is excluded (im-east, im-west)',
    ],
    [
      ['rebalance', '--drain', 'im-east', '--exclude', 'im-west'],
      '--drain and --exclude leave no home server to receive users (excluded: im-west; drained: im-east). Keep at least one home server out of both; nothing was written.',
    ],
    [
      ['rebalance', '--drain', 'im-east,im-west'],
      '--drain and --exclude leave no home server to receive users (drained: im-east, im-west).',
    ],
  ])('%j is one sentence, exit 2, nothing written', async (argv, message) => {
    const directory = sampleDirectory();
    const run = await imctl(argv, { directory });
    expect(run.code).toBe(2);
    // One sentence on one line.
    expect(run.stderr.startsWith(`error: ${message}`)).toBe(true);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
    expect(directory.written).toEqual([]);
  });

  it('--drain ROUTER is allowed: the plan re-homes its orphans, and says so', async () => {
    const directory = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [person('ann', EAST), person('ben', EAST), person('rob', ROUTER)],
    );
    const run = await imctl(['rebalance', '--drain', 'im-router', '--apply', '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'im-router is a router: its one homed user is an orphan, and the plan re-homes it (as every rebalance does).',
    );
    expect(directory.get(dn('rob'))!.im.msExchIMVirtualServer).toBe(WEST.dn);
    const empty = await imctl(['rebalance', '--drain', 'im-router']);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('im-router is a router: no user is homed on it, so there is nothing to drain.');
  });
});

describe('rebalance --report', () => {
  it('without --apply is refused up front (no report would be written); with --apply --dry-run the planned moves are the report', async () => {
    const refused = await imctl(['rebalance', '--report', '-']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'error: --report records what --apply does: add --apply (with --dry-run to see every planned move in the report without writing).\n',
    );
    const directory = new MemoryDirectory([EAST, WEST, ROUTER], [person('ann', EAST), person('rob', ROUTER)]);
    const planned = await imctl(['rebalance', '--apply', '--dry-run', '--report', '-'], { directory });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/^line,user,dn,action,outcome,reason\r\n,rob,.*,move,planned,\r\n$/);
    expect(directory.written).toEqual([]);
  });
});
