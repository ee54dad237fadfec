/**
 * planRebalanceRun from the directory's state (the in-memory directory): the inventory and homed
 * users in, the planner's plan, the names and the compare-and-set move targets out — what
 * `imctl rebalance` and the wizard both write. The planner itself is tested in test/core/rebalance.test.ts (water-filling: water-fill.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { UsageError } from '../../src/core/errors.js';
import { imValues } from '../../src/core/im-model.js';
import {
  homedCounts,
  infeasibleError,
  planRebalanceRun,
  rebalancePlanJson,
} from '../../src/services/rebalance-plan.js';
import { takeInventory } from '../../src/services/inventory.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, ROUTER, WEST, person } from '../support/run-imctl.js';

const home = mkdtempSync(join(tmpdir(), 'imctl-rebalance-'));
const settings = (capacity: number) => loadSettings({ capacity }, { XDG_CONFIG_HOME: join(home, 'config') }, home);

/** im-east 4 users, im-west 1, and one orphan on the router. */
const crowded = () =>
  new MemoryDirectory(
    [EAST, WEST, ROUTER],
    [...['a1', 'a2', 'a3', 'a4'].map((s) => person(s, EAST)), person('w1', WEST), person('o1', ROUTER)],
  );

describe('planRebalanceRun', () => {
  it('the fewest moves: the orphan and one over-capacity user, both to the server with room', async () => {
    const run = await planRebalanceRun(crowded(), settings(3), {});
    expect(run.plan.feasible).toBe(true);
    expect(run.plan.moves).toHaveLength(2);
    expect(run.plan.moves.map((m) => [m.from === null ? null : run.names(m.from), run.names(m.to)])).toEqual(
      expect.arrayContaining([
        ['im-router', 'im-west'], // an orphan on a router is named by it (issue 30, bug 12)
        ['im-east', 'im-west'],
      ]),
    );
    expect(run.plan.load.map((l) => [l.name, l.before, l.after])).toEqual([
      ['im-east', 4, 3],
      ['im-west', 1, 3],
    ]);
    // Every homed user was read: the two home servers' five and the router's orphan.
    expect(run.plan.load.reduce((n, l) => n + l.before, 0) + run.inventory.orphaned).toBe(6);
  });

  it('over the whole domain, one pass over the homed users is also the load count: no second count, the same inventory', async () => {
    // Besides the router's orphan: a user pointing at a server that no longer exists.
    const gone = person('gone', EAST);
    gone.im.msExchIMVirtualServer = 'CN=Deleted VS,CN=Servers,DC=memory,DC=test';
    const directory = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [...['a1', 'a2', 'a3', 'a4'].map((s) => person(s, EAST)), person('w1', WEST), person('o1', ROUTER), gone],
    );
    const counted = await takeInventory(directory, settings(3));
    const countHomed = vi.spyOn(directory, 'countHomed');
    const run = await planRebalanceRun(directory, settings(3), {});
    expect(countHomed).not.toHaveBeenCalled();
    expect(run.inventory).toEqual(counted);
    expect(run.inventory.orphaned).toBe(2); // the router's user and the one on the deleted server
  });

  it('homedCounts matches DNs as DNs, as the DC does', () => {
    const spaced = { ...EAST, dn: EAST.dn.replace(/,/g, ', ').toUpperCase() };
    const users = [person('a', EAST), person('b', EAST)];
    const counts = homedCounts(
      [spaced, WEST],
      new Map([[EAST.dn.toLowerCase(), { stored: EAST.dn, users: users.map((u) => ({ ...u, active: true })) }]]),
    );
    expect(counts.perServer.get(spaced.dn.toLowerCase())).toBe(2);
    expect(counts.perServer.get(WEST.dn.toLowerCase())).toBe(0);
    expect(counts.missing).toBe(0);
  });

  it("targets are compare-and-set moves from each user's current values, read again by GUID", async () => {
    const directory = crowded();
    const run = await planRebalanceRun(directory, settings(3), {});
    const reread = vi.spyOn(directory, 'usersByGuid');
    const { targets, users } = await run.moveTargets();
    expect(reread).toHaveBeenCalledOnce();
    expect(reread.mock.calls[0]![0]).toHaveLength(2);
    expect(users.map((u) => u.sAMAccountName).sort()).toEqual([targets[0]!.name, targets[1]!.name].sort());
    const orphan = targets.find((t) => t.name === 'o1')!;
    expect(orphan).toMatchObject({
      action: 'move',
      dn: 'CN=o1,OU=Staff,DC=memory,DC=test',
      summary: expect.stringMatching(/^im-router → im-west \(orphan/),
    });
    expect(orphan.plan).toMatchObject({
      kind: 'write',
      before: imValues('o1', IM_DOMAIN, ROUTER),
      after: imValues('o1', IM_DOMAIN, WEST),
    });
  });

  it('a user deleted or re-homed between the plan and the writes fails its row; the others still move', async () => {
    const directory = crowded();
    const run = await planRebalanceRun(directory, settings(3), {});
    // The orphan and one of im-east's users move; another admin deletes the first, moves the second.
    const movedFromEast = run.plan.moves.find((m) => m.from === EAST.dn)!.user;
    directory.remove('CN=o1,OU=Staff,DC=memory,DC=test');
    const sam = /^CN=([^,]+)/.exec(movedFromEast)![1]!;
    directory.set(movedFromEast, imValues(sam, IM_DOMAIN, WEST));
    const { targets, users } = await run.moveTargets();
    expect(users).toEqual([]);
    expect(targets.map((t) => [t.name, t.plan])).toEqual(
      expect.arrayContaining([
        [
          'CN=o1,OU=Staff,DC=memory,DC=test',
          { kind: 'failed', reason: 'no longer exists under the base DN: nothing written; run rebalance again' },
        ],
        [
          sam,
          {
            kind: 'failed',
            reason: 're-homed since the plan (now on im-west): nothing written; run rebalance again',
          },
        ],
      ]),
    );
    expect(targets).toHaveLength(2);
  });

  it('under a narrowed base DN, users outside it still load their servers; only those inside move', async () => {
    // An operator's OU: 4 of its users on im-east, which also homes 8 users elsewhere in the domain.
    class Delegated extends MemoryDirectory {
      override readonly baseDn: string = 'OU=Ops,DC=memory,DC=test';
      override async *homedUsers() {
        for await (const page of super.homedUsers()) yield page.filter((u) => u.dn.endsWith(`,${this.baseDn}`));
      }
    }
    const ops = (sam: string) => person(sam, EAST, { dn: `CN=${sam},OU=Ops,DC=memory,DC=test` });
    const elsewhere = Array.from({ length: 8 }, (_, i) => person(`x${i}`, EAST));
    const run = await planRebalanceRun(
      new Delegated([EAST, WEST], [...elsewhere, ...['o1', 'o2', 'o3', 'o4'].map(ops)]),
      settings(10),
      {},
    );
    // 12 of 10 on im-east: two of the operator's users move; the 8 outside stay and still count.
    expect(run.plan.moves.map((m) => run.names(m.to))).toEqual(['im-west', 'im-west']);
    expect(run.plan.moves.every((m) => m.user.endsWith(',OU=Ops,DC=memory,DC=test'))).toBe(true);
    expect(run.plan.load.map((l) => [l.name, l.capacity, l.before, l.after])).toEqual([
      ['im-east', 10, 12, 10],
      ['im-west', 10, 0, 2],
    ]);
  });

  it('nothing over capacity: no moves', async () => {
    const run = await planRebalanceRun(
      new MemoryDirectory([EAST, WEST], [person('a1', EAST), person('w1', WEST)]),
      settings(10),
      {},
    );
    expect(run.plan.moves).toEqual([]);
    expect(await run.moveTargets()).toEqual({ targets: [], users: [] });
  });

  it('--drain by host name empties the server; --exclude keeps users off one; --max-moves defers', async () => {
    const third = {
      ...WEST,
      dn: WEST.dn.replace('im-west', 'im-north'),
      name: 'im-north',
      cn: 'im-north',
      host: 'exch3.memory.test',
    };
    const directory = new MemoryDirectory(
      [EAST, WEST, third],
      ['a1', 'a2'].map((s) => person(s, EAST)),
    );
    const drained = await planRebalanceRun(directory, settings(10), {
      drain: ['exch1.memory.test'],
      exclude: ['im-north'],
    });
    expect(drained.plan.moves.map((m) => drained.names(m.to))).toEqual(['im-west', 'im-west']);
    const capped = await planRebalanceRun(directory, settings(10), { drain: ['im-east'], maxMoves: 1 });
    expect(capped.plan.moves).toHaveLength(1);
    expect(capped.plan.deferred).toBe(1);
  });

  it('an unknown or router server to drain is a usage error', async () => {
    await expect(planRebalanceRun(crowded(), settings(3), { drain: ['im-nowhere'] })).rejects.toThrowError(UsageError);
    await expect(planRebalanceRun(crowded(), settings(3), { exclude: ['im-router'] })).rejects.toThrowError(/router/);
  });

  it('infeasible because --exclude keeps the room out of reach: says so, not "add capacity"', async () => {
    // im-east holds 4 of 3 and the orphan needs a home; im-west (1 of 3) has the room but is excluded.
    const run = await planRebalanceRun(crowded(), settings(3), { exclude: ['im-west'] });
    expect(run.plan.feasible).toBe(false);
    expect(run.excluded).toEqual(['im-west']);
    expect(infeasibleError(run.plan, run.excluded).message).toBe(
      'No plan fits: the home servers are short of 2 users of capacity for the 2 that must move. --exclude keeps 2 free places on im-west out of reach: leave some of it out of --exclude; nothing was written.',
    );
  });

  it('infeasible: the plan says how short it is, and infeasibleError carries the figures', async () => {
    const run = await planRebalanceRun(crowded(), settings(2), {});
    expect(run.plan).toMatchObject({ feasible: false, shortfall: 2 });
    const error = infeasibleError(run.plan);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^No plan fits: the home servers are short of 2 users of capacity/);
    expect(error.details).toMatchObject({ feasible: false, shortfall: 2 });
  });

  it("rebalancePlanJson names servers, and an orphan's router as its home before", async () => {
    const run = await planRebalanceRun(crowded(), settings(3), {});
    const json = rebalancePlanJson(run.plan, run.names);
    expect(json).toMatchObject({ feasible: true, moves: 2, deferred: 0 });
    expect(json.servers.map((s) => s.name)).toEqual(['im-east', 'im-west']);
    expect(json.plan.find((m) => m.dn === 'CN=o1,OU=Staff,DC=memory,DC=test')).toMatchObject({
      fromHomeServer: 'im-router',
      toHomeServer: 'im-west',
    });
  });
});
