/**
 * rebalance against the lab DC: the seeded im-east holds more than 7,500 users. The plan must
 * move exactly the minimal number, --apply must carry it out, ldapsearch must agree — and undo
 * must put every user back.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import { addUsers, createOu, imctl, imctlEnv, lab, ldapcount, server } from '../support/lab.js';

const USERS = '(sAMAccountType=805306368)';
const countOn = (dn: string, base = lab().baseDn) =>
  ldapcount(base, `(&${USERS}(msExchIMVirtualServer=${escapeFilterValue(dn)}))`);

describe('imctl rebalance on the seeded lab', () => {
  const env = imctlEnv();
  let journal: string | undefined;
  let before: Map<string, number>;

  beforeAll(async () => {
    before = new Map();
    for (const s of lab().servers.filter((s) => s.exists)) before.set(s.name, await countOn(s.dn));
  });

  afterAll(async () => {
    // Put the demo data back for the other test files, whatever happened above.
    if (journal) await imctl(['undo', journal, '--yes'], { env });
  });

  it('plans exactly the minimal number of moves and writes nothing without --apply', async () => {
    const homes = lab().servers.filter((s) => s.exists && s.hostsUsers);
    const excess = [...homes].reduce((sum, s) => sum + Math.max(0, before.get(s.name)! - 7500), 0);
    const allHomed = await ldapcount(lab().baseDn, `(&${USERS}(msExchIMVirtualServer=*))`);
    const onHomes = homes.reduce((sum, s) => sum + before.get(s.name)!, 0);
    const orphans = allHomed - onHomes;
    expect(excess).toBeGreaterThan(0);

    const result = await imctl(['rebalance', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const plan = result.json();
    expect(plan.moves).toBe(excess + orphans);
    expect(plan.minimalMoves).toBe(excess + orphans);
    expect(plan.servers.every((s: { loadAfter: number; capacity: number }) => s.loadAfter <= s.capacity)).toBe(true);
    expect(await countOn(server('im-east').dn)).toBe(before.get('im-east'));

    const table = await imctl(['rebalance'], { env });
    expect(table.stdout).toMatch(new RegExp(`${(excess + orphans).toLocaleString('en-US')} move\\(s\\)`));
    expect(table.stdout).toMatch(/Nothing written: add --apply/);
  });

  it('--apply carries the plan out; servers and ldapsearch then agree that every server is within capacity', async () => {
    const result = await imctl(['rebalance', '--apply', '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    journal = data.journal;
    expect(data.summary.failed).toBe(0);
    expect(data.summary.changed).toBe(data.plan.moves);

    const servers = (await imctl(['servers', '--json'], { env })).json();
    for (const row of servers.servers.filter((s: { role: string }) => s.role === 'home')) {
      expect(row.users, row.name).toBeLessThanOrEqual(row.capacity);
      expect(await countOn(row.dn), row.name).toBe(row.users);
    }
    expect(await countOn(server('im-east').dn)).toBe(7500);
    expect(servers.totals.orphaned).toBe(0);
    // Running it again finds nothing to do.
    expect((await imctl(['rebalance', '--json'], { env })).json().moves).toBe(0);
  });

  it('undo puts every user back (compare-and-set), and undoing twice changes nothing', async () => {
    expect(journal).toBeTruthy();
    // Someone moves one of the rebalanced users meanwhile: undo must leave it alone.
    const change = readFileSync(journal!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find(
        (r) =>
          r.type === 'change' && r.before.msExchIMVirtualServer?.toLowerCase() === server('im-east').dn.toLowerCase(),
      );
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
    for (const s of lab().servers.filter((s) => s.exists && s.hostsUsers)) {
      expect(await countOn(s.dn), s.name).toBe(before.get(s.name)!);
    }
  });
});

describe('imctl rebalance options, on a scoped base DN', () => {
  let ou: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ou = await createOu('rebalance');
    env = imctlEnv({ IMCTL_BASE_DN: ou });
    const users = [
      ...Array.from({ length: 9 }, (_, i) => ({
        sam: `rb-s${i}`,
        cn: `South ${i}`,
        im: { server: server('im-south') },
      })),
      ...Array.from({ length: 3 }, (_, i) => ({ sam: `rb-w${i}`, cn: `West ${i}`, im: { server: server('im-west') } })),
    ];
    await addUsers(ou, users);
  });

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
    expect(result.stderr).toMatch(/short of 4 user\(s\) of capacity/);
    expect(await countOn(server('im-south').dn, ou)).toBe(9);
  });

  it("under --json an infeasible plan is one JSON document: the error with the plan's figures", async () => {
    const result = await imctl(['rebalance', '--capacity', '2', '--json'], { env });
    expect(result.code).toBe(2);
    const data = JSON.parse(result.stdout); // throws if stdout holds more than one document
    expect(data).toMatchObject({ error: { reason: 'infeasible', exitCode: 2 }, feasible: false, shortfall: 4 });
    expect(data.error.message).toMatch(/short of 4 user\(s\) of capacity/);
  });

  it('--apply with --drain moves the users and the directory agrees', async () => {
    const result = await imctl(['rebalance', '--drain', 'im-south', '--capacity', '10', '--apply', '--yes'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(await countOn(server('im-south').dn, ou)).toBe(0);
  });
});
