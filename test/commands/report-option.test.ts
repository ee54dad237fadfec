/**
 * `--report -` writes the report on stdout, as `--ldif -` does, and is refused beside another
 * stdout output (issue 21), through run() against the in-memory directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, ROUTER, WEST, imctlOnMemory, person, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;

describe('--report - writes the report on stdout, as --ldif - does', () => {
  it('enable: CSV on stdout (no BOM), the human lines on stderr', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['enable', 'dee', 'cid', '--server', 'im-west', '--yes', '--report', '-'], {
      directory,
    });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe('line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer');
    // What changed, for a ticket: dee's home server before (none) and after.
    expect(lines).toContain(`,dee,"${dn('dee')}",enable,changed,,,im-west`);
    expect(lines).toContain(`,cid,"${dn('cid')}",enable,unchanged,,,`);
    expect(run.stdout).not.toContain('changed, 0 failed');
    expect(run.stderr).toContain('enable: 1 changed, 1 unchanged, 0 failed.');
    expect(run.stderr).not.toContain('Report: -');
    expect(directory.get(dn('dee'))!.im).toEqual(imValues('dee', IM_DOMAIN, WEST));
  });

  it('--dry-run --report -: the planned outcomes on stdout, nothing written', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['disable', 'ann', '--dry-run', '--report', '-'], { directory });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer\r\n,ann,.*,disable,planned,,im-east,\r\n$/,
    );
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
    const run = await imctlOnMemory(argv, { directory });
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
    const file = join(mkdtempSync(join(tmpdir(), 'imctl-report-')), 'staff.csv');
    writeFileSync(file, 'user,action,server\ndee,enable,im-west\nnobody-here,enable,im-west\n');
    const run = await imctlOnMemory(['import', file, '--report', '-'], { directory });
    expect(run.stderr).toMatch(/\d+ invalid rows?; nothing was written/);
    expect(run.code).toBe(2);
    expect(run.stdout.split('\r\n').slice(0, 3)).toEqual([
      'line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer',
      '2,dee,,enable,skipped,not written: the file has invalid rows,,',
      expect.stringMatching(/^3,nobody-here,,enable,invalid,/),
    ]);
    expect(directory.written).toEqual([]);
  });

  it('audit --report -: the findings as CSV on stdout; the summary on stderr', async () => {
    const directory = new MemoryDirectory([EAST, WEST, ROUTER], [person('ann', EAST), person('rob', ROUTER)]);
    const run = await imctlOnMemory(['audit', '--no-dns', '--report', '-'], { directory });
    expect(run.code).toBe(3);
    expect(run.stdout.split('\r\n')[0]).toBe('kind,severity,subject,dn,server,detail,repair');
    expect(run.stdout).toContain(
      `orphan,problem,rob,"${dn('rob')}",im-router,"homed on im-router, a router",rehome-orphan`,
    );
    expect(run.stdout).not.toContain('Audit of');
    expect(run.stderr).toContain('Audit of 2 IM users');
  });
});
