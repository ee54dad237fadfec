/** --load active in the services, on the in-memory directory port: inventory, placement, rebalance, users, audit. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, type GlobalFlags } from '../../src/config/settings.js';
import { imValues, type ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { planAuditRepairs, runAudit } from '../../src/services/audit.js';
import { takeInventory } from '../../src/services/inventory.js';
import { previewPlacement } from '../../src/services/provisioning.js';
import { planRebalanceRun } from '../../src/services/rebalance-plan.js';
import { serverReport } from '../../src/services/server-report.js';
import { listUsers } from '../../src/services/user-list.js';
import { MemoryDirectory } from '../support/memory-directory.js';

const DAY = 86_400_000;
const vs = (n: string) =>
  `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${n},CN=Servers,CN=Configuration,DC=corp,DC=test`;
const server = (name: string, host: string): ImServer => ({
  dn: vs(name.toUpperCase()),
  name,
  cn: 'IM Virtual Server',
  host,
  hostsUsers: true,
});
const EAST = server('im-east', 'exch1.corp.test');
const WEST = server('im-west', 'exch2.corp.test');
/** `days`: last logon that many days ago (null: never); `disabled`: bit 2 set. */
function user(sam: string, home: ImServer, days: number | null, disabled = false): UserRecord {
  return {
    dn: `CN=${sam},OU=Staff,DC=corp,DC=test`,
    guid: Buffer.from(sam.padEnd(16, '.')).toString('hex').slice(0, 32),
    sAMAccountName: sam,
    accountDisabled: disabled,
    lastLogonAt: days === null ? undefined : Date.now() - days * DAY,
    im: imValues(sam, 'im.corp.test', home),
  };
}
function settings(flags: GlobalFlags = {}) {
  const home = mkdtempSync(join(tmpdir(), 'imctl-active-'));
  return loadSettings({ imDomain: 'im.corp.test', ...flags }, { XDG_CONFIG_HOME: join(home, 'config') }, home);
}
/** im-east: 4 homed, 2 active (e1, e2); e3 disabled with a recent logon, e4 never. im-west: 1 homed, 1 active. */
const USERS = [
  user('e1', EAST, 1),
  user('e2', EAST, 10),
  user('e3', EAST, 2, true),
  user('e4', EAST, null),
  user('w1', WEST, 3),
];

describe('settings: load and activeDays', () => {
  it('default homed and 30 days; flags and the config file set them; bad values are usage errors', () => {
    expect(settings()).toMatchObject({
      load: 'homed',
      activeDays: 30,
      sources: { load: 'default', activeDays: 'default' },
    });
    expect(settings({ load: 'active', activeDays: 60 })).toMatchObject({
      load: 'active',
      activeDays: 60,
      sources: { load: 'flag' },
    });
    expect(() => settings({ load: 'busiest' })).toThrow(/--load must be "homed" or "active"/);
    expect(() => settings({ activeDays: 0 })).toThrow(/--active-days must be a whole number from 1/);
  });
});

describe('services under --load active', () => {
  it('inventory and servers count both; Use/State follow the load', async () => {
    const dir = new MemoryDirectory([EAST, WEST], USERS);
    const homed = await serverReport(dir, settings({ capacity: 3 }));
    expect(homed.servers.map((s) => [s.name, s.users, s.active, s.state])).toEqual([
      ['im-east', 4, 2, 'over'],
      ['im-west', 1, 1, 'ok'],
    ]);
    const active = await serverReport(dir, settings({ capacity: 3, load: 'active' }));
    expect(active.load).toBe('active');
    expect(active.servers.map((s) => [s.name, s.utilisation, s.state])).toEqual([
      ['im-east', 66.7, 'ok'],
      ['im-west', 33.3, 'ok'],
    ]);
    expect(active.activity.note).toMatch(/9–14 days/);
    dir.syncDays = 45;
    expect((await serverReport(dir, settings())).activity.warning).toMatch(/--active-days 30 is shorter .* 45 days/);
  });

  it('placement counts the chosen load', async () => {
    const dir = new MemoryDirectory([EAST, WEST], USERS);
    // homed: im-east 4, im-west 1 → im-west; active: 2 and 1 with im-east's capacity raised → im-east
    expect(previewPlacement((await takeInventory(dir, settings({ capacity: 5 }))).servers, 1)).toEqual(['im-west']);
    const byActive = (await takeInventory(dir, settings({ capacity: 5, load: 'active' }))).servers.map((s) =>
      s.name === 'im-east' ? { ...s, capacity: 9 } : s,
    );
    expect(previewPlacement(byActive, 1)).toEqual(['im-east']);
  });

  it('rebalance moves only active users; users --active/--inactive list each side', async () => {
    const dir = new MemoryDirectory([EAST, WEST], USERS);
    const run = await planRebalanceRun(dir, settings({ capacity: 1, load: 'active' }), {});
    expect(run.plan.feasible).toBe(false); // east's 2 active > 1, and west is full with its 1
    const roomy = await planRebalanceRun(dir, settings({ capacity: 2, load: 'active' }), {});
    expect(roomy.plan.moves).toEqual([]);
    const homed = await planRebalanceRun(dir, settings({ capacity: 2 }), {});
    expect(homed.plan.feasible).toBe(false); // 5 homed users, room for 4
    const drained = await planRebalanceRun(dir, settings({ capacity: 2, load: 'active' }), { drain: ['im-east'] });
    expect(drained.plan.feasible).toBe(false); // east's 2 active need room on west (1 free)
    const wide = await planRebalanceRun(dir, settings({ capacity: 3, load: 'active' }), { drain: ['im-east'] });
    expect(wide.plan.moves.map((m) => [m.user.slice(3, 5), m.idle ?? false])).toEqual([
      ['e1', false],
      ['e2', false],
      ['e3', true],
      ['e4', true],
    ]);
    const now = Date.now();
    const active = await listUsers(dir, { server: 'im-east', activity: { active: true, now, activeDays: 30 } });
    const inactive = await listUsers(dir, { server: 'im-east', activity: { active: false, now, activeDays: 30 } });
    expect(active.users.map((u) => u.sAMAccountName)).toEqual(['e1', 'e2']);
    expect(inactive.users.map((u) => u.sAMAccountName)).toEqual(['e3', 'e4']);
  });

  it('audit counts inactive per server; --disable-idle DAYS clears accounts with no logon for more than DAYS days', async () => {
    const dir = new MemoryDirectory([EAST, WEST], [...USERS, user('w2', WEST, 200), user('w3', WEST, 40)]);
    // Kept for repairs: the superset of what both plans below need.
    const run = await runAudit(dir, settings(), {
      repairs: { fix: false, normalizeCase: false, disableIdle: true, idleDays: 90 },
    });
    expect(run.report.servers.map((s) => [s.name, s.users, s.inactive])).toEqual([
      ['im-east', 4, 2],
      ['im-west', 3, 2],
    ]);
    const plain = planAuditRepairs(run, { fix: false, normalizeCase: false, disableIdle: true });
    expect(plain.map((t) => t.name)).toEqual(['e3']); // the disabled account only
    const days = planAuditRepairs(run, { fix: false, normalizeCase: false, disableIdle: true, idleDays: 90 });
    expect(days.map((t) => [t.name, t.summary])).toEqual([
      ['e3', 'clear IM (idle seat)'],
      ['e4', 'clear IM (never logged on: inactive for more than 90 days)'],
      ['w2', expect.stringMatching(/^clear IM \(no logon since \d{4}-\d\d-\d\d: inactive for more than 90 days\)$/)],
    ]);
    expect(days.every((t) => t.plan.kind === 'write')).toBe(true);
  });
});
