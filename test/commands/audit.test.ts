/**
 * audit's "Fixed by" column, its counts after the repairs, and disabled orphans left as idle seats
 * (issue 21), through run() against the in-memory directory.
 */
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, ROUTER, WEST, imctlOnMemory, person } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;

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
    const run = await imctlOnMemory(['audit', '--no-dns'], { directory: directory() });
    expect(run.code).toBe(3);
    const row = (title: string) => run.stdout.split('\n').find((line) => line.includes(title)) ?? '';
    expect(row('Fixed by')).toContain('Fixed by');
    expect(row('Orphans')).toMatch(/│\s+2 │ 1 --fix\s+│/);
    expect(row('Idle seats')).toMatch(/│\s+2 │ 2 --disable-idle\s+│/);
    expect(row('another case')).toMatch(/│\s+1 │ 1 --normalize-case\s+│/);
    const json = (await imctlOnMemory(['audit', '--no-dns', '--json'], { directory: directory() })).json();
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
    const run = await imctlOnMemory(['audit', '--no-dns', '--fix', '--yes'], { directory: dir });
    expect(run.code).toBe(3);
    expect(dir.get(dn('rob'))!.im.msExchIMVirtualServer).toBe(WEST.dn);
    expect(dir.get(dn('gone'))!.im.msExchIMVirtualServer).toBe(ROUTER.dn);
    expect(dir.written.map((t) => t.dn)).toEqual([dn('rob')]);
  });

  it('after --disable-idle the idle seats are counted again: none left, and nothing of theirs remains', async () => {
    const dir = directory();
    const run = await imctlOnMemory(['audit', '--no-dns', '--disable-idle', '--yes'], { directory: dir });
    expect(run.stdout).toContain('Idle seats per server: im-router 1, im-west 1.');
    expect(run.stdout).toContain('Idle seats after the repairs: none.');
    expect(dir.get(dn('gone'))!.im).toEqual({});
    // rob's orphan and cas's case remain; gone's orphan went with its IM values.
    expect(run.stderr).toContain('1 finding remains after 3 repaired.');
  });

  it('--disable-idle 7 warns as --active-days 7 does: lastLogonTimestamp lags up to 14 days', async () => {
    const short = await imctlOnMemory(['audit', '--no-dns', '--disable-idle', '7', '--dry-run'], {
      directory: directory(),
    });
    expect(short.stderr).toContain(
      "warning: --disable-idle 7 is shorter than this domain's lastLogonTimestamp update interval (msDS-LogonTimeSyncInterval 14 days): users who logged on within the last 14 days may still count as idle, and would have IM cleared.",
    );
    const long = await imctlOnMemory(['audit', '--no-dns', '--disable-idle', '30', '--dry-run'], {
      directory: directory(),
    });
    expect(long.stderr).not.toContain('--disable-idle 30 is shorter');
  });

  it('--json: each finding carries its severity', async () => {
    const run = await imctlOnMemory(['audit', '--no-dns', '--json'], { directory: directory() });
    const findings = run.json().findings as { kind: string; severity: string }[];
    expect(findings.find((f) => f.kind === 'orphan')).toMatchObject({ severity: 'problem' });
    expect(findings.find((f) => f.kind === 'case-only')).toMatchObject({ severity: 'info' });
  });

  it('--report with a repair flag: each repair and its outcome, not the findings', async () => {
    const run = await imctlOnMemory(['audit', '--no-dns', '--disable-idle', '--yes', '--report', '-'], {
      directory: directory(),
    });
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toBe('line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer');
    expect(lines).toContain(`,gone,"${dn('gone')}",repair,changed,,im-router,`);
    expect(lines).toContain(`,idle,"${dn('idle')}",repair,changed,,im-west,`);
  });
});
