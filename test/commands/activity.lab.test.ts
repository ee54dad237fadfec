/**
 * --load active against the lab DC. The seed gives every account a lastLogonTimestamp spread over
 * the year before the lab was seeded (or none): the first block checks that. The commands run on a
 * small world of this file's own (--base-dn: an OU of 20 users with logons written relative to
 * now), not on the 12,013 seeded users: what is checked is how imctl counts and plans, and tens of
 * users show every case. Every figure imctl prints is checked against ldapsearch with a filter
 * written out here, independently of imctl's own: enabled (bit 2 of userAccountControl clear), not
 * expired, lastLogonTimestamp within the window.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import { imctlHere as imctl } from '../support/in-process.js';
import { type TestUser, lab, ldapcount, ldapsearch, server } from '../support/lab.js';
import { type SmallWorld, filetime as ft, smallWorld, worldUser } from '../support/small-world.js';
import { journalChanges } from '../support/journal-files.js';

const USERS = '(sAMAccountType=805306368)';
const DAY = 86_400_000;
const ENABLED = '(!(userAccountControl:1.2.840.113556.1.4.803:=2))';
const DISABLED = '(userAccountControl:1.2.840.113556.1.4.803:=2)';
function activeLdap(days: number, now = Date.now()): string {
  return `(&${ENABLED}(|(accountExpires=0)(accountExpires>=${ft(now + 1)}))(lastLogonTimestamp>=${ft(now - days * DAY)}))`;
}
const on = (dn: string) => `(msExchIMVirtualServer=${escapeFilterValue(dn)})`;
const homes = () => lab().servers.filter((s) => s.exists && s.hostsUsers);

/**
 * im-east 12 homed (5 active; idle for 60 and 200 days, never, disabled and expired after a recent
 * logon), im-west 5 (4 active), im-south 1 active, im-north none; one orphan on the router
 * (active; a home on a deleted server cannot be written, the seed's OU=Audit has that case); one
 * active user without IM.
 */
function worldUsers(): TestUser[] {
  const users: TestUser[] = [];
  const add = (sam: string, home: string | undefined, activity: Parameters<typeof worldUser>[1]) =>
    users.push(worldUser({ sam, cn: sam, ...(home ? { im: { server: server(home) } } : {}) }, activity));
  for (let i = 0; i < 5; i++) add(`act-e${i}`, 'im-east', { lastLogonDaysAgo: 2 + i });
  add('act-e-60a', 'im-east', { lastLogonDaysAgo: 60 });
  add('act-e-60b', 'im-east', { lastLogonDaysAgo: 60 });
  add('act-e-200a', 'im-east', { lastLogonDaysAgo: 200 });
  add('act-e-200b', 'im-east', { lastLogonDaysAgo: 200 });
  add('act-e-never', 'im-east', {});
  add('act-e-disabled', 'im-east', { enabled: false, lastLogonDaysAgo: 3 });
  add('act-e-expired', 'im-east', { expired: true, lastLogonDaysAgo: 3 });
  for (let i = 0; i < 4; i++) add(`act-w${i}`, 'im-west', { lastLogonDaysAgo: 1 + i });
  add('act-w-60', 'im-west', { lastLogonDaysAgo: 60 });
  add('act-s0', 'im-south', { lastLogonDaysAgo: 10 });
  add('act-router', 'im-router', { lastLogonDaysAgo: 5 });
  add('act-noim', undefined, { lastLogonDaysAgo: 1 });
  return users;
}

let world: SmallWorld;
beforeAll(async () => {
  world = await smallWorld('activity', worldUsers());
});
afterAll(() => world?.remove());

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
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    env = world.env();
  });

  it.each([30, 90])("--active-days %i: every count equals ldapsearch's own", async (days) => {
    const result = await imctl(['servers', '--json', '--active-days', String(days)], { env });
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    expect(data.load).toBe('homed');
    expect(data.activity.activeDays).toBe(days);
    expect(data.activity.note).toMatch(/9–14 days/);
    for (const row of data.servers) {
      expect(row.users, row.name).toBe(await ldapcount(world.ou, `(&${USERS}${on(row.dn)})`));
      expect(row.active, row.name).toBe(await ldapcount(world.ou, `(&${USERS}${on(row.dn)}${activeLdap(days)})`));
    }
    // The window matters here: im-east has 5 users active within 30 days and 7 within 90.
    expect(data.servers.find((r: { name: string }) => r.name === 'im-east').active).toBe(days === 30 ? 5 : 7);
    expect(data.totals.active).toBe(
      data.servers
        .filter((s: { role: string }) => s.role === 'home')
        .reduce((n: number, s: { active: number }) => n + s.active, 0),
    );
  });

  it('--load active: Use and State count active users; the table says so and notes the lag', async () => {
    const data = (await imctl(['servers', '--json', '--load', 'active', '--capacity', '3'], { env })).json();
    expect(data.load).toBe('active');
    const rows = data.servers.filter((s: { role: string }) => s.role === 'home');
    for (const row of rows) {
      expect(row.utilisation, row.name).toBe(Math.round((row.active / 3) * 1000) / 10);
      expect(row.state, row.name).toBe(row.active > 3 ? 'over' : 'ok');
    }
    // im-east (5 active of 12 homed) is over, im-south (1 of 1) within.
    expect(rows.map((r: { state: string }) => r.state).sort()).toEqual(['ok', 'ok', 'over', 'over']);
    const table = await imctl(['servers', '--load', 'active', '--capacity', '3'], { env: { ...env, NO_COLOR: '1' } });
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
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    env = world.env();
  });
  it('each side equals ldapsearch, and the two make up the server', async () => {
    const east = server('im-east');
    const active = (await imctl(['users', '--server', 'im-east', '--active', '--json'], { env })).json();
    const inactive = (await imctl(['users', '--server', 'im-east', '--inactive', '--json'], { env })).json();
    expect(active.total).toBe(await ldapcount(world.ou, `(&${USERS}${on(east.dn)}${activeLdap(30)})`));
    expect(inactive.total).toBe(await ldapcount(world.ou, `(&${USERS}${on(east.dn)}(!${activeLdap(30)}))`));
    expect(active.total + inactive.total).toBe(await ldapcount(world.ou, `(&${USERS}${on(east.dn)})`));
    expect((await imctl(['users', '--active', '--inactive'], { env })).code).toBe(2);
  });
});

describe('imctl rebalance --load active --apply, checked with ldapsearch', () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    env = world.env();
  });
  const CAP = 3;
  let journal: string | undefined;
  let activeBefore: Map<string, number>;

  beforeAll(async () => {
    activeBefore = new Map();
    for (const s of homes())
      activeBefore.set(s.dn, await ldapcount(world.ou, `(&${USERS}${on(s.dn)}${activeLdap(30)})`));
  });

  afterAll(async () => {
    if (journal) await imctl(['undo', journal, '--yes'], { env });
  });

  it('moves only active users (and the orphans), the fewest, and leaves every server within capacity', async () => {
    const allHomed = await ldapcount(world.ou, `(&${USERS}(msExchIMVirtualServer=*))`);
    let onHomes = 0;
    for (const s of homes()) onHomes += await ldapcount(world.ou, `(&${USERS}${on(s.dn)})`);
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
    expect(data.moves).toBe(excess + orphans);
    expect(data.summary.changed).toBe(excess + orphans);

    // Every moved non-orphan was active (ldapsearch, by DN) before it moved; idle moves are orphans only.
    const changes = journalChanges(journal!);
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
      expect(await ldapcount(world.ou, `(&${USERS}${on(s.dn)}${activeLdap(30)})`), s.name).toBeLessThanOrEqual(CAP);
    }
    expect(await ldapcount(world.ou, `(&${USERS}(msExchIMVirtualServer=*))`)).toBe(allHomed);
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
      expect(await ldapcount(world.ou, `(&${USERS}${on(s.dn)}${activeLdap(30)})`), s.name).toBe(activeBefore.get(s.dn));
    }
  }, 600_000);
});
