/**
 * imctl import against the lab DC: a whole file validated before any write, every row's outcome
 * reported, safe re-runs, and survival of the DC going away mid-run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import {
  addUsers,
  createOu,
  imctlProcess,
  imctlEnv,
  lab,
  ldapcount,
  ldapsearch,
  repoRoot,
  scratchDir,
  server,
} from '../support/lab.js';
import { journalFiles, journalOf, journalRecords } from '../support/journal-files.js';

function csv(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('imctl import (against the lab DC)', () => {
  let ou: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ou = await createOu('import');
    dir = scratchDir();
    env = imctlEnv();
    await addUsers(ou, [
      { sam: 'im-a1', cn: 'Alpha, Ann' },
      { sam: 'im-a2', cn: "O'Hara, Bea" },
      { sam: 'im-a3', cn: 'Çelik, Cem' },
      { sam: 'im-a4', cn: 'Dee (Temp)' },
      { sam: 'im-a5', cn: 'Eve Enabled', im: { server: server('im-south') } },
      { sam: 'im-a6', cn: 'Fay Enabled', im: { server: server('im-south') } },
    ]);
  });

  const imOf = async (sam: string) =>
    (
      await ldapsearch(ou, `(sAMAccountName=${escapeFilterValue(sam)})`, ['msExchIMAddress', 'msExchIMVirtualServer'])
    )[0]!.attrs;

  it('applies enable, disable and move rows from a BOM/CRLF file with quoted names, then a re-run is all unchanged', async () => {
    const file = csv(
      dir,
      'mixed.csv',
      '\uFEFFUser,Action,Server,IM_Domain\r\n' +
        'im-a1,enable,im-west,\r\n' +
        `"CN=O'Hara\\, Bea,${ou}",,im-west,\r\n` +
        'im-a3@lab.imctl.test,enable,,im.other.test\r\n' +
        '\r\n' +
        'im-a5,disable,,\r\n' +
        'im-a6,move,im-north,\r\n',
    );
    const report = join(dir, 'report.csv');
    const first = await imctlProcess(['import', file, '--yes', '--report', report], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/import: 5 changed, 0 unchanged, 0 failed/);
    expect((await imOf('im-a1')).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(server('im-west').dn.toLowerCase());
    expect((await imOf('im-a2')).msexchimaddress).toEqual(['im-a2@im.lab.imctl.test']);
    expect((await imOf('im-a3')).msexchimaddress).toEqual(['im-a3@im.other.test']);
    expect((await imOf('im-a5')).msexchimaddress).toBeUndefined();
    expect((await imOf('im-a6')).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(server('im-north').dn.toLowerCase());

    const lines = readFileSync(report, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer');
    expect(lines).toHaveLength(6);
    expect(lines.find((l) => l.startsWith('7,'))).toMatch(/^7,im-a6,.*,move,changed,/);
    expect(statSync(report).mode & 0o777).toBe(0o600);

    const second = await imctlProcess(['import', file, '--yes', '--json'], { env });
    expect(second.code).toBe(0);
    expect(second.json().summary).toMatchObject({ changed: 0, unchanged: 5, failed: 0 });
  });

  it('reports every kind of bad row with its line, writes nothing, exit 2', async () => {
    const file = csv(
      dir,
      'bad.csv',
      [
        'user,action,server,im_domain',
        'im-a4,enable,im-west,', // 2: valid
        ',enable,im-west,', // 3: empty user
        'im-a4,disable,,', // 4: duplicate of line 2
        'im-a1,explode,,', // 5: bad action
        'im-a2,move,,', // 6: move without server
        'no-such-user-xyz,enable,im-west,', // 7: unknown user
        'im-a3,enable,im-nowhere,', // 8: unknown server
        'im-a5,enable,im-router,', // 9: a router
        'im-a6,enable,im-west,bad domain!', // 10: bad IM domain
        'x,enable', // 11: wrong number of fields
        '*)(objectClass=*,enable,im-west,', // 12: injection attempt = unknown user
        `CN=Alpha\\, Ann,${ou},disable,im-west,`, // 13: unquoted comma → too many fields
        '=cmd|calc,enable,im-west,', // 14: formula-looking unknown user
      ].join('\n') + '\n',
    );
    const report = join(dir, 'bad-report.csv');
    const result = await imctlProcess(['import', file, '--report', report], { env });
    expect(result.code).toBe(2);
    for (const line of [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
      expect(result.stderr, `line ${line}`).toMatch(new RegExp(`line ${line}: `));
    expect(result.stderr).not.toMatch(/line 2: /);
    expect(result.stderr).toMatch(/12 invalid rows; nothing was written/);
    expect((await imOf('im-a4')).msexchimaddress).toBeUndefined();
    const text = readFileSync(report, 'utf8');
    expect(text).toMatch(/invalid/);
    expect(text).not.toMatch(/(^|,)=cmd/m); // the formula cell is neutralised
    expect(text).toMatch(/'=cmd\|calc/);
  });

  it('--skip-invalid imports the valid rows and reports the invalid ones as failed (exit 3)', async () => {
    const file = csv(dir, 'skip.csv', 'user,action,server\nim-a4,enable,im-west\nno-such-user-xyz,enable,im-west\n');
    const result = await imctlProcess(['import', file, '--skip-invalid', '--yes', '--json'], { env });
    expect(result.code).toBe(3);
    const data = result.json();
    expect(data.summary).toMatchObject({ changed: 1, failed: 1 });
    expect((await imOf('im-a4')).msexchimaddress).toEqual(['im-a4@im.lab.imctl.test']);
  });

  it('a file that does not exist, or is not CSV, is a clear usage error', async () => {
    const missing = await imctlProcess(['import', join(dir, 'nope.csv')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv/);
    const badReport = await imctlProcess(
      ['import', csv(dir, 'ok.csv', 'user\nim-a1\n'), '--report', join(dir, 'r.txt')],
      {
        env,
      },
    );
    expect(badReport.code).toBe(2);
    expect(badReport.stderr).toMatch(/\.csv|\.json/);
  });
});

describe('imctl import when the DC goes away mid-run', () => {
  // Enough rows that each fault lands mid-run (each test checks writes on both sides of it): the
  // crash waits for 100 writes, the restart and the Ctrl-C for 50, with hundreds to go.
  const N = 500;
  let ou: string;
  let dir: string;
  let file: string;

  const labCommand = (...command: string[]) =>
    execFileSync('bash', [join(repoRoot, 'lab', 'lab.sh'), ...command], {
      env: { ...process.env, IMCTL_LAB_DIR: inject('labDir') },
      stdio: 'ignore',
    });

  beforeAll(async () => {
    ou = await createOu('fault');
    dir = scratchDir();
    const users = Array.from({ length: N }, (_, i) => ({ sam: `flt-${i}`, cn: `Fault, User ${i}` }));
    await addUsers(ou, users);
    file = csv(dir, 'fault.csv', `user,action,server\n${users.map((u) => `${u.sam},enable,im-south`).join('\n')}\n`);
  });

  it('reports which rows were not done, and a re-run finishes the job with no row done twice', async () => {
    const env = imctlEnv();
    const report = join(dir, 'first.json');
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'imctl'), 'import', file, '--yes', '--concurrency', '4', '--report', report],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    // Let some writes land, then take the DC away for longer than imctl's retry budget.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await ldapcount(ou, '(msExchIMAddress=*)').catch(() => 0)) < 100)
      await new Promise((r) => setTimeout(r, 100));
    // A crash, not a shutdown: the DC vanishes at once, with writes in flight.
    const pid = Number(readFileSync(join(inject('labDir'), 'run', 'lab.pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    const code = await exited;
    labCommand('up');
    const first = JSON.parse(readFileSync(report, 'utf8')) as {
      user: string;
      outcome: string;
      reason: string | null;
    }[];
    expect(code, `${stderr}\n${JSON.stringify(first.filter((r) => r.outcome === 'failed').slice(0, 2))}`).toBe(3);
    expect(stderr).toMatch(/re-run/i);
    expect(first).toHaveLength(N);
    const changedFirst = first.filter((r) => r.outcome === 'changed').length;
    const failedFirst = first.filter((r) => r.outcome === 'failed');
    // Rows not yet sent when the DC vanished are "not started": untouched, and the re-run does them.
    const notStartedFirst = first.filter((r) => r.outcome === 'not-started').length;
    expect(changedFirst).toBeGreaterThan(0);
    expect(failedFirst.length + notStartedFirst).toBeGreaterThan(0);
    expect(changedFirst + failedFirst.length + notStartedFirst).toBe(N);
    // What the report calls done is in the directory; a write whose answer died with the DC is
    // reported "in doubt" — it may or may not have landed (one ModifyRequest is atomic either way).
    const inDoubt = failedFirst.filter((r) => /^in doubt/.test(r.reason ?? '')).length;
    const landed = await ldapcount(ou, '(msExchIMAddress=*)');
    expect(landed).toBeGreaterThanOrEqual(changedFirst);
    expect(landed).toBeLessThanOrEqual(changedFirst + inDoubt);

    const second = await imctlProcess(['import', file, '--yes', '--json'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().summary).toMatchObject({ changed: N - landed, unchanged: landed, failed: 0 });
    expect(await ldapcount(ou, '(msExchIMAddress=*)')).toBe(N);

    // The two journals together record every user exactly once.
    const records = journalFiles(env).flatMap(journalRecords);
    const changed = records.filter((r) => r.type === 'change').map((r) => r.dn as string);
    const unconfirmed = records.filter((r) => r.type === 'unconfirmed').map((r) => r.dn as string);
    expect(new Set(changed).size).toBe(changed.length);
    expect(new Set([...changed, ...unconfirmed]).size).toBe(N);
    expect(changed.length).toBe(N - (landed - changedFirst));
  });

  it('rides out a short outage by itself: reconnects, re-binds and finishes', async () => {
    const env = imctlEnv();
    // Undo the previous test's enables with a disable run first.
    const reset = csv(
      dir,
      'reset.csv',
      `user,action\n${Array.from({ length: N }, (_, i) => `flt-${i},disable`).join('\n')}\n`,
    );
    expect((await imctlProcess(['import', reset, '--yes'], { env })).code).toBe(0);
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'imctl'), '-v', 'import', file, '--yes', '--concurrency', '4', '--json'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    // Let some writes land (not a fixed delay: the restart must come mid-run, however fast the DC is).
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await ldapcount(ou, '(msExchIMAddress=*)').catch(() => 0)) < 50)
      await new Promise((r) => setTimeout(r, 100));
    const landedBefore = await ldapcount(ou, '(msExchIMAddress=*)');
    // The DC imctl talks to (dc1) stops and starts again; `down`/`up` would stop and start dc2 as
    // well, taking seconds longer, and a run of hundreds of rows could finish before dc1 went away.
    labCommand('stop-dc', '1');
    labCommand('start-dc', '1');
    const code = await exited;
    expect(landedBefore, 'some writes landed before the restart').toBeGreaterThan(0);
    expect(landedBefore, 'the restart came mid-run').toBeLessThan(N);
    // The run lost its connection and made a new one (-v says so): the outage was ridden out, not missed.
    expect(stderr).toMatch(/reconnecting to localhost/);
    expect(stderr).not.toMatch(/^error: (?!.*target)/m);
    const data = JSON.parse(stdout);
    expect(
      code,
      JSON.stringify(data.results.filter((r: { outcome: string }) => r.outcome === 'failed').slice(0, 3)),
    ).toBe(0);
    expect(data.summary).toMatchObject({ failed: 0 });
    expect(await ldapcount(ou, '(msExchIMAddress=*)')).toBe(N);
    expect(lab().baseDn).toBeTruthy();
  });

  it('Ctrl-C stops cleanly: exit 130, every change done so far in the journal and the report', async () => {
    const env = imctlEnv();
    const disableAll = csv(
      dir,
      'disable-all.csv',
      `user,action\n${Array.from({ length: N }, (_, i) => `flt-${i},disable`).join('\n')}\n`,
    );
    const report = join(dir, 'interrupted.json');
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'imctl'), 'import', disableAll, '--yes', '--concurrency', '2', '--report', report],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await ldapcount(ou, '(msExchIMAddress=*)')) > N - 50)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/i);
    const rows = JSON.parse(readFileSync(report, 'utf8')) as { outcome: string; reason: string | null }[];
    expect(rows).toHaveLength(N);
    const changed = rows.filter((r) => r.outcome === 'changed').length;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(N);
    expect(rows.filter((r) => r.outcome === 'failed').every((r) => /interrupted/.test(r.reason ?? ''))).toBe(true);
    // The directory holds exactly what the report calls done, and the journal records each of them.
    expect(await ldapcount(ou, '(msExchIMAddress=*)')).toBe(N - changed);
    expect(journalOf(stderr).changes.filter((r) => r.type === 'change')).toHaveLength(changed);
  });
});
