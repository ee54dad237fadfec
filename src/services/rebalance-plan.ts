/**
 * A rebalance from the directory's state: the inventory and every homed user in, the pure
 * planner's plan and the move targets out. Shared by `imctl rebalance` and the wizard, so both
 * plan and write exactly the same moves.
 */
import type { Settings } from '../config/settings.js';
import { UsageError } from '../core/errors.js';
import type { ImServer } from '../core/im-model.js';
import { planUser } from '../core/provision.js';
import { planRebalance, type PlanResult } from '../core/rebalance.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import type { UserRecord } from '../core/user-record.js';
import type { DirectoryPort } from './directory-port.js';
import { takeInventory, type Inventory } from './inventory.js';
import { assertUsableHome } from './provisioning.js';
import type { Target } from './write-run.js';

export interface RebalanceRequest {
  even?: boolean | undefined;
  /** Servers to empty (names, hosts or DNs). */
  drain?: string[] | undefined;
  /** Servers that receive no users (names, hosts or DNs). */
  exclude?: string[] | undefined;
  maxMoves?: number | undefined;
}

export interface RebalanceRun {
  inventory: Inventory;
  plan: PlanResult;
  /** A server DN (or null for an orphan's missing home) as the admin knows it. */
  names(dn: string | null): string;
  /** The moves as write targets (compare-and-set, like `imctl move`). */
  targets(): Target[];
  /** Every user moved, by DN. */
  usersByDn: ReadonlyMap<string, UserRecord>;
}

export async function planRebalanceRun(directory: DirectoryPort, settings: Settings, request: RebalanceRequest): Promise<RebalanceRun> {
  const [inventory, homed] = await Promise.all([takeInventory(directory, settings), directory.homedUsers().then(groupByServer)]);
  const home = inventory.servers.filter((s) => s.hostsUsers);
  const drain = new Set((request.drain ?? []).map((name) => findServer(inventory.servers, name, 'home').dn));
  const exclude = new Set((request.exclude ?? []).map((name) => findServer(inventory.servers, name, 'home').dn));

  const usersByDn = new Map<string, UserRecord>();
  const homeKeys = new Set(home.map((s) => s.dn.toLowerCase()));
  const orphans: string[] = [];
  for (const [serverKey, users] of homed) {
    for (const user of users) usersByDn.set(user.dn, user);
    if (!homeKeys.has(serverKey)) orphans.push(...users.map((u) => u.dn));
  }
  const plan = planRebalance({
    servers: home.map((s) => ({
      key: s.dn,
      name: s.name,
      capacity: s.capacity,
      users: (homed.get(s.dn.toLowerCase()) ?? []).map((u) => u.dn),
      receive: !exclude.has(s.dn),
      drain: drain.has(s.dn),
    })),
    orphans,
    even: !!request.even,
    ...(request.maxMoves !== undefined ? { maxMoves: request.maxMoves } : {}),
  });

  const byDn: Map<string, ImServer> = serversByDn(inventory.servers);
  const names = (dn: string | null) => (dn ? byDn.get(dn.toLowerCase())?.name ?? dn : '(orphan)');
  return {
    inventory,
    plan,
    names,
    usersByDn,
    targets: () =>
      plan.moves.map((move) => {
        const user = usersByDn.get(move.user)!;
        const server = byDn.get(move.to.toLowerCase())!;
        assertUsableHome(server);
        return {
          name: user.sAMAccountName || user.dn,
          dn: user.dn,
          guid: user.guid,
          action: 'move',
          summary: `${names(move.from)} → ${server.name} (${move.reason})`,
          plan: planUser(user, { action: 'move', server }, byDn),
        };
      }),
  };
}

/** A plan that does not fit: one sentence, with the plan's figures for --json; nothing was written. */
export function infeasibleError(plan: PlanResult): UsageError {
  return new UsageError(
    `No plan fits: the home servers are short of ${plan.shortfall.toLocaleString('en-US')} user(s) of capacity for the ${plan.minimalMoves.toLocaleString('en-US')} that must move. Add capacity (--capacity, servers.<name>.capacity) or a home server; nothing was written.`,
    'infeasible',
    { feasible: false, shortfall: plan.shortfall, mustMove: plan.minimalMoves, servers: plan.load },
  );
}

export function rebalancePlanJson(plan: PlanResult, names: (dn: string | null) => string) {
  return {
    feasible: true,
    moves: plan.moves.length,
    minimalMoves: plan.minimalMoves,
    deferred: plan.deferred,
    servers: plan.load.map((l) => ({ name: l.name, dn: l.key, capacity: l.capacity, loadBefore: l.before, loadAfter: l.after })),
    // docs/json.md: a user's DN is "dn"; the home servers before and after are named, as "homeServer" is.
    plan: plan.moves.map((m) => ({ dn: m.user, fromHomeServer: m.from ? names(m.from) : null, toHomeServer: names(m.to), reason: m.reason })),
  };
}

/** Homed users grouped by the server DN they point at (lower-cased). */
function groupByServer(users: readonly UserRecord[]): Map<string, UserRecord[]> {
  const byServer = new Map<string, UserRecord[]>();
  for (const user of users) {
    const key = user.im.msExchIMVirtualServer!.toLowerCase();
    const list = byServer.get(key);
    if (list) list.push(user);
    else byServer.set(key, [user]);
  }
  return byServer;
}
