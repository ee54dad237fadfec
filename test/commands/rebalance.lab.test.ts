/**
 * rebalance against the lab DC. The seeded im-east holds 8,200 users, over the 7,500 ceiling: the
 * plan on the whole domain must move exactly the minimal number (the one check where the seeded
 * size is the point). Carrying a plan out, ldapsearch agreeing, and undo putting every user back
 * (compare-and-set) run on a small world of this file's own (--base-dn, --capacity 10): the same
 * code paths as 700 moves, in a dozen.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import { imctlHere as imctl } from '../support/in-process.js';
import { type TestUser, imctlEnv, lab, ldapcount, ldapsearch, server } from '../support/lab.js';
import { type SmallWorld, smallWorld } from '../support/small-world.js';
import { journalRecords } from '../support/journal-files.js';

const USERS = '(sAMAccountType=805306368)';
const countOn = (dn: string, base = lab().baseDn) =>
  ldapcount(base, `(&${USERS}(msExchIMVirtualServer=${escapeFilterValue(dn)}))`);
const homes = () => lab().servers.filter((s) => s.exists && s.hostsUsers);

/** Users homed per server DN (lower-cased), from one ldapsearch of every IM-enabled user. */
async function homedPerServer(): Promise<Map<string, number>> {
  const tally = new Map<string, number>();
  for (const e of await ldapsearch(lab().baseDn, `(&${USERS}(msExchIMVirtualServer=*))`, ['msExchIMVirtualServer'])) {
    const dn = e.attrs.msexchimvirtualserver![0]!.toLowerCase();
    tally.set(dn, (tally.get(dn) ?? 0) + 1);
  }
  return tally;
}

describe('imctl rebalance on the seeded lab', () => {
  it('plans exactly the minimal number of moves for 8,200 users on im-east, and writes nothing', async () => {
    const before = await homedPerServer();
    const on = (s: { dn: string }) => before.get(s.dn.toLowerCase()) ?? 0;
    const excess = homes().reduce((sum, s) => sum + Math.max(0, on(s) - 7500), 0);
    const allHomed = [...before.values()].reduce((a, b) => a + b, 0);
    const orphans = allHomed - homes().reduce((sum, s) => sum + on(s), 0);
    expect(on(server('im-east'))).toBeGreaterThan(7500);
    expect(orphans).toBeGreaterThan(0);

    const result = await imctl(['rebalance', '--json'], { env: imctlEnv() });
    expect(result.code, result.stderr).toBe(0);
    const plan = result.json();
    expect(plan.moves).toBe(excess + orphans);
    expect(plan.minimalMoves).toBe(excess + orphans);
    expect(plan.servers.every((s: { loadAfter: number; capacity: number }) => s.loadAfter <= s.capacity)).toBe(true);
    expect(await homedPerServer()).toEqual(before);
  });
});

/** im-east 14 (4 over a capacity of 10), im-west 3, im-north 1; an orphan on the router. */
function applyWorld(): TestUser[] {
  const on = (prefix: string, n: number, home: string): TestUser[] =>
    Array.from({ length: n }, (_, i) => ({ sam: `${prefix}${i}`, cn: `${prefix}${i}`, im: { server: server(home) } }));
  return [
    ...on('rba-e', 14, 'im-east'),
    ...on('rba-w', 3, 'im-west'),
    ...on('rba-n', 1, 'im-north'),
    ...on('rba-r', 1, 'im-router'),
  ];
}

describe('imctl rebalance --apply and undo, on a small world at capacity 10', () => {
  const CAP = 10;
  let world: SmallWorld;
  let env: NodeJS.ProcessEnv;
  let journal: string | undefined;
  let before: Map<string, number>;
  const count = (dn: string) => countOn(dn, world.ou);

  beforeAll(async () => {
    world = await smallWorld('rebalance-apply', applyWorld());
    env = world.env();
    before = new Map();
    for (const s of lab().servers.filter((s) => s.exists)) before.set(s.name, await count(s.dn));
  });

  afterAll(async () => {
    if (journal) await imctl(['undo', journal, '--yes'], { env });
    await world?.remove();
  });

  it('plans the minimal moves, the excess over capacity and every orphan, and writes nothing without --apply', async () => {
    const excess = homes().reduce((sum, s) => sum + Math.max(0, before.get(s.name)! - CAP), 0);
    expect(excess).toBe(4);
    const plan = (await imctl(['rebalance', '--capacity', String(CAP), '--json'], { env })).json();
    expect(plan.moves).toBe(excess + 1);
    expect(plan.minimalMoves).toBe(excess + 1);
    // The table says as much, and that nothing was written.
    const table = await imctl(['rebalance', '--capacity', String(CAP)], { env: { ...env, NO_COLOR: '1' } });
    expect(table.stdout).toMatch(/\b5 moves\b[^:\n]*: the fewest/);
    expect(table.stdout).toMatch(/Nothing written: add --apply/);
    expect(await count(server('im-east').dn)).toBe(14);
  });

  it('--apply carries the plan out; servers and ldapsearch then agree that every server is within capacity', async () => {
    const result = await imctl(['rebalance', '--capacity', String(CAP), '--apply', '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    journal = data.journal;
    expect(data.summary.failed).toBe(0);
    expect(data.summary.changed).toBe(data.moves);
    expect(data.summary.changed).toBe(5);

    const servers = (await imctl(['servers', '--capacity', String(CAP), '--json'], { env })).json();
    for (const row of servers.servers.filter((s: { role: string }) => s.role === 'home')) {
      expect(row.users, row.name).toBeLessThanOrEqual(row.capacity);
      expect(await count(row.dn), row.name).toBe(row.users);
    }
    expect(await count(server('im-east').dn)).toBe(CAP);
    expect(servers.totals.orphaned).toBe(0);
    // Running it again finds nothing to do.
    expect((await imctl(['rebalance', '--capacity', String(CAP), '--json'], { env })).json().moves).toBe(0);
  });

  it('undo puts every user back (compare-and-set), and undoing twice changes nothing', async () => {
    expect(journal).toBeTruthy();
    // Someone moves one of the rebalanced users meanwhile: undo must leave it alone.
    const change = journalRecords(journal!).find(
      (r) =>
        r.type === 'change' && r.before.msExchIMVirtualServer?.toLowerCase() === server('im-east').dn.toLowerCase(),
    )!;
    const aside =
      change.after.msExchIMVirtualServer.toLowerCase() === server('im-north').dn.toLowerCase() ? 'im-west' : 'im-north';
    expect((await imctl(['move', change.dn, '--to', aside, '--yes'], { env })).code).toBe(0);

    const undo = await imctl(['undo', journal!, '--yes', '--json'], { env });
    expect(undo.code).toBe(3);
    const data = undo.json();
    const leftAlone = data.results.filter((r: { outcome: string }) => r.outcome === 'failed');
    expect(leftAlone).toHaveLength(1);
    expect(leftAlone[0].dn).toBe(change.dn);
    expect(leftAlone[0].reason).toMatch(/changed since the journal was written/);
    expect(data.summary.changed).toBe(data.results.length - 1);

    const again = await imctl(['undo', journal!, '--yes', '--json'], { env });
    expect(again.json().summary.changed).toBe(0);
    // The user moved aside goes back by hand; then every server holds what it held before.
    expect((await imctl(['move', change.dn, '--to', 'im-east', '--yes'], { env })).code).toBe(0);
    journal = undefined;
    for (const s of lab().servers.filter((s) => s.exists)) expect(await count(s.dn), s.name).toBe(before.get(s.name)!);
  });
});

describe('imctl rebalance options, on a scoped base DN', () => {
  let world: SmallWorld;
  let ou: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    world = await smallWorld('rebalance', [
      ...Array.from({ length: 9 }, (_, i) => ({
        sam: `rb-s${i}`,
        cn: `South ${i}`,
        im: { server: server('im-south') },
      })),
      ...Array.from({ length: 3 }, (_, i) => ({ sam: `rb-w${i}`, cn: `West ${i}`, im: { server: server('im-west') } })),
    ]);
    ou = world.ou;
    env = world.env();
  });

  afterAll(() => world?.remove());

  it('--drain empties a server', async () => {
    const data = (await imctl(['rebalance', '--drain', 'im-south', '--capacity', '10', '--json'], { env })).json();
    const south = data.servers.find((s: { name: string }) => s.name === 'im-south');
    expect(south.loadAfter).toBe(0);
    expect(data.moves).toBe(9);
    expect(data.plan.every((m: { reason: string }) => m.reason === 'drain')).toBe(true);
  });

  it('--exclude keeps a server from receiving users', async () => {
    const data = (
      await imctl(['rebalance', '--drain', 'im-south', '--exclude', 'im-west', '--capacity', '10', '--json'], { env })
    ).json();
    expect(data.plan.some((m: { toHomeServer: string }) => m.toHomeServer === 'im-west')).toBe(false);
    expect(data.servers.find((s: { name: string }) => s.name === 'im-west').loadAfter).toBe(3);
  });

  it('--even reaches the fair share with the fewest moves', async () => {
    const data = (await imctl(['rebalance', '--even', '--json'], { env })).json();
    // 12 users over 4 equal servers: 3 each; im-south (9) sheds 6, nothing else moves.
    expect(data.moves).toBe(6);
    for (const s of data.servers) expect(s.loadAfter).toBe(3);
  });

  it('--max-moves caps the plan and says what is left', async () => {
    const result = await imctl(['rebalance', '--even', '--max-moves', '2'], { env: { ...env, NO_COLOR: '1' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/held back 4 move/);
  });

  it('a plan that cannot fit says by how much and writes nothing (exit 2)', async () => {
    const result = await imctl(['rebalance', '--capacity', '2', '--apply', '--yes'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/short of 4 users of capacity/);
    expect(await countOn(server('im-south').dn, ou)).toBe(9);
  });

  it("under --json an infeasible plan is one JSON document: the error with the plan's figures", async () => {
    const result = await imctl(['rebalance', '--capacity', '2', '--json'], { env });
    expect(result.code).toBe(2);
    const data = JSON.parse(result.stdout); // throws if stdout holds more than one document
    expect(data).toMatchObject({ error: { reason: 'infeasible', exitCode: 2 }, feasible: false, shortfall: 4 });
    expect(data.error.message).toMatch(/short of 4 users of capacity/);
  });

  it('--apply with --drain moves the users and the directory agrees', async () => {
    const result = await imctl(['rebalance', '--drain', 'im-south', '--capacity', '10', '--apply', '--yes'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(await countOn(server('im-south').dn, ou)).toBe(0);
  });
});
