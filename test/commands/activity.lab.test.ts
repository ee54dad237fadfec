/**
 * --load active against the lab DC. The seed gives every account a lastLogonTimestamp spread over
 * the year before the lab was seeded (or none). Every figure imctl prints is checked against
 * ldapsearch with a filter written out here, independently of imctl's own: enabled (bit 2 of
 * userAccountControl clear), not expired, lastLogonTimestamp within the window.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import { imctl, imctlEnv, lab, ldapcount, ldapsearch, server } from '../support/lab.js';

const USERS = '(sAMAccountType=805306368)';
const DAY = 86_400_000;
/** ms since 1970 → FILETIME, written out here rather than imported. */
const ft = (ms: number) => (BigInt(Math.floor(ms)) * 10000n + 116444736000000000n).toString();
const ENABLED = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
const DISABLED = '(userAccountControl:1.2.840.113556.1.4.803:=2)';
function activeLdap(days: number, now = Date.now()): string {
  return `(&${ENABLED}(|(accountExpires=0)(accountExpires>=${ft(now + 1)}))(lastLogonTimestamp>=${ft(now - days * DAY)}))`;
}
const on = (dn: string) => `(msExchIMVirtualServer=${escapeFilterValue(dn)})`;
const homes = () => lab().servers.filter((s) => s.exists && s.hostsUsers);

describe('the lab seeds realistic activity', () => {
  it('logons spread over the last year; enabled accounts that never logged on; disabled accounts with a recent logon', async () => {
    const now = Date.now();
    const recentDisabled = await ldapcount(
      lab().usersOu,
      `(&${USERS}${DISABLED}(lastLogonTimestamp>=${ft(now - 30 * DAY)}))`,
    );
    const neverEnabled = await ldapcount(lab().usersOu, `(&${USERS}${ENABLED}(!(lastLogonTimestamp=*)))`);
    const old = await ldapcount(lab().usersOu, `(&${USERS}(lastLogonTimestamp<=${ft(now - 180 * DAY)}))`);
    const active = await ldapcount(lab().usersOu, `(&${USERS}${activeLdap(30, now)})`);
    expect(recentDisabled).toBeGreaterThan(100);
    expect(neverEnabled).toBeGreaterThan(5);
    expect(old).toBeGreaterThan(1000);
    expect(active).toBeGreaterThan(20);
    expect(active).toBeLessThan(await ldapcount(lab().usersOu, `(&${USERS}${ENABLED})`));
  });
});

describe('imctl servers: homed and active per server', () => {
  const env = imctlEnv();

  it.each([30, 90])("--active-days %i: every count equals ldapsearch's own", async (days) => {
    const result = await imctl(['servers', '--json', '--active-days', String(days)], { env });
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    expect(data.load).toBe('homed');
    expect(data.activity.activeDays).toBe(days);
    expect(data.activity.note).toMatch(/9–14 days/);
    for (const row of data.servers) {
      expect(row.users, row.name).toBe(await ldapcount(lab().baseDn, `(&${USERS}${on(row.dn)})`));
      expect(row.active, row.name).toBe(await ldapcount(lab().baseDn, `(&${USERS}${on(row.dn)}${activeLdap(days)})`));
    }
    expect(data.totals.active).toBe(
      data.servers
        .filter((s: { role: string }) => s.role === 'home')
        .reduce((n: number, s: { active: number }) => n + s.active, 0),
    );
  });

  it('--load active: Use and State count active users; the table says so and notes the lag', async () => {
    const data = (await imctl(['servers', '--json', '--load', 'active', '--capacity', '25'], { env })).json();
    expect(data.load).toBe('active');
    for (const row of data.servers.filter((s: { role: string }) => s.role === 'home')) {
      expect(row.utilisation, row.name).toBe(Math.round((row.active / 25) * 1000) / 10);
      expect(row.state, row.name).toBe(row.active > 25 ? 'over' : 'ok');
    }
    const table = await imctl(['servers', '--load', 'active', '--capacity', '25'], { env: { ...env, NO_COLOR: '1' } });
    expect(table.stdout).toMatch(/│ Users │ Active │/);
    expect(table.stdout).toMatch(/count active users \(--load active\): logged on within 30 days/);
    expect(table.stdout).toMatch(/lags the real last logon/);
  });

  it('warns when --active-days is shorter than msDS-LogonTimeSyncInterval (unset: 14 days)', async () => {
    const head = await ldapsearch(lab().baseDn, '(objectClass=*)', ['msDS-LogonTimeSyncInterval'], 'base');
    expect(head[0]!.attrs['msds-logontimesyncinterval']).toBeUndefined();
    const short = await imctl(['servers', '--active-days', '7'], { env });
    expect(short.code).toBe(0);
    expect(short.stderr).toMatch(
      /--active-days 7 is shorter than this domain's lastLogonTimestamp update interval \(msDS-LogonTimeSyncInterval 14 days\)/,
    );
    expect((await imctl(['servers', '--active-days', '14'], { env })).stderr).not.toMatch(/shorter/);
  });
});

describe('imctl users --active / --inactive', () => {
  const env = imctlEnv();
  it('each side equals ldapsearch, and the two make up the server', async () => {
    const east = server('im-east');
    const active = (await imctl(['users', '--server', 'im-east', '--active', '--json'], { env })).json();
    const inactive = (await imctl(['users', '--server', 'im-east', '--inactive', '--json'], { env })).json();
    expect(active.total).toBe(await ldapcount(lab().baseDn, `(&${USERS}${on(east.dn)}${activeLdap(30)})`));
    expect(inactive.total).toBe(await ldapcount(lab().baseDn, `(&${USERS}${on(east.dn)}(!${activeLdap(30)}))`));
    expect(active.total + inactive.total).toBe(await ldapcount(lab().baseDn, `(&${USERS}${on(east.dn)})`));
    expect((await imctl(['users', '--active', '--inactive'], { env })).code).toBe(2);
  });
});

describe('imctl rebalance --load active --apply, checked with ldapsearch', () => {
  const env = imctlEnv();
  const CAP = 25;
  let journal: string | undefined;
  let activeBefore: Map<string, number>;

  beforeAll(async () => {
    activeBefore = new Map();
    for (const s of homes())
      activeBefore.set(s.dn, await ldapcount(lab().baseDn, `(&${USERS}${on(s.dn)}${activeLdap(30)})`));
  });

  afterAll(async () => {
    if (journal) await imctl(['undo', journal, '--yes'], { env });
  });

  it('moves only active users (and the orphans), the fewest, and leaves every server within capacity', async () => {
    const allHomed = await ldapcount(lab().baseDn, `(&${USERS}(msExchIMVirtualServer=*))`);
    let onHomes = 0;
    for (const s of homes()) onHomes += await ldapcount(lab().baseDn, `(&${USERS}${on(s.dn)})`);
    const orphans = allHomed - onHomes;
    const excess = [...activeBefore.values()].reduce((n, a) => n + Math.max(0, a - CAP), 0);
    expect(excess).toBeGreaterThan(0);
    // The homed load finds no plan at this capacity: the active load is the only one that fits.
    expect((await imctl(['rebalance', '--capacity', String(CAP), '--json'], { env })).code).toBe(2);

    const result = await imctl(
      ['rebalance', '--load', 'active', '--capacity', String(CAP), '--apply', '--yes', '--json'],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    journal = data.journal;
    expect(data.summary.failed).toBe(0);
    // Minimal: no valid plan moves fewer than each server's active excess plus every orphan.
    expect(data.plan.moves).toBe(excess + orphans);
    expect(data.summary.changed).toBe(excess + orphans);

    // Every moved non-orphan was active (ldapsearch, by DN) before it moved; idle moves are orphans only.
    const changes = readFileSync(journal!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === 'change');
    const homeDns = new Set(homes().map((s) => s.dn.toLowerCase()));
    let fromHomes = 0;
    for (const c of changes) {
      if (!homeDns.has(c.before.msExchIMVirtualServer.toLowerCase())) continue;
      fromHomes++;
      expect(await ldapcount(c.dn, `(&${USERS}${activeLdap(30)})`), c.dn).toBe(1);
    }
    expect(fromHomes).toBe(excess);
    // Every server's active load is now within capacity, and no orphans are left.
    for (const s of homes()) {
      expect(await ldapcount(lab().baseDn, `(&${USERS}${on(s.dn)}${activeLdap(30)})`), s.name).toBeLessThanOrEqual(CAP);
    }
    expect(await ldapcount(lab().baseDn, `(&${USERS}(msExchIMVirtualServer=*))`)).toBe(allHomed);
    const servers = (await imctl(['servers', '--json'], { env })).json();
    expect(servers.totals.orphaned).toBe(0);
    expect(
      (await imctl(['rebalance', '--load', 'active', '--capacity', String(CAP), '--json'], { env })).json().moves,
    ).toBe(0);
  }, 600_000);

  it('undo puts every user back', async () => {
    expect(journal).toBeTruthy();
    const undo = await imctl(['undo', journal!, '--yes', '--json'], { env });
    expect(undo.code, undo.stderr).toBe(0);
    journal = undefined;
    for (const s of homes()) {
      expect(await ldapcount(lab().baseDn, `(&${USERS}${on(s.dn)}${activeLdap(30)})`), s.name).toBe(
        activeBefore.get(s.dn),
      );
    }
  }, 600_000);
});
