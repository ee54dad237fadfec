/**
 * A rebalance from the directory's state: the inventory and every homed user in, the pure
 * planner's plan and the move targets out. Shared by `imctl rebalance` and the wizard, so both
 * plan and write exactly the same moves.
 */
import type { Settings } from '../config/settings.js';
import { UsageError } from '../core/errors.js';
import type { ImServer } from '../core/im-model.js';
import { planUser } from '../core/provision.js';
import { activeWindowWarning, isActive, type LoadKind } from '../core/activity.js';
import { planRebalance, type PlanResult } from '../core/rebalance.js';
import { canonicalDn } from '../core/escape.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import type { HomedUser, UserRecord } from '../core/user-record.js';
import type { DirectoryPort, HomedCounts } from './directory-port.js';
import { takeInventory, type Inventory } from './inventory.js';
import { assertUsableHome } from './provisioning.js';
import type { Target } from './write-run.js';
import { count, plural } from '../core/words.js';

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
  /**
   * The moves as write targets (compare-and-set, like `imctl move`), and the moved users. The plan
   * keeps only each homed user's DN and GUID (100,000 full records were most of a plan's memory),
   * so this reads the moved users again by GUID. A user deleted or re-homed since the plan fails
   * its row rather than moving from where it is now.
   */
  moveTargets(): Promise<{ targets: Target[]; users: UserRecord[] }>;
  /** What the plan counted against capacity. */
  load: LoadKind;
  /** Sentences for the admin about the request (e.g. a drained router). */
  notices: string[];
  /** The home servers --exclude kept from receiving users, by name. */
  excluded: string[];
  /** Under --load active: the window, and a warning when it is shorter than the domain's update interval. */
  activity?: { activeDays: number; syncDays: number; warning: string | undefined } | undefined;
}

export async function planRebalanceRun(
  directory: DirectoryPort,
  settings: Settings,
  request: RebalanceRequest,
): Promise<RebalanceRun> {
  const byActivity = settings.load === 'active';
  const now = Date.now();
  // One paged pass over the homed users; under --load active it also fetches the three attributes that decide activity.
  // Loads are counted across the domain; the users this run can move are those under the base DN.
  const narrowed = canonicalDn(directory.baseDn) !== canonicalDn(directory.domainDn);
  // Over the whole domain, that pass is also the load count: the servers' loads come from it rather
  // than from a second scan of the same users (the lab DC's CPU for a plan of 12,000 users: 7.5 s → 3.9 s).
  const servers = directory.servers();
  const active = (u: HomedUser) => !byActivity || isActive(u, now, settings.activeDays);
  const homedRead = groupByServer(directory.homedUsers(byActivity), active);
  const [inventory, homed, syncDays] = await Promise.all([
    narrowed
      ? takeInventory(directory, settings, servers, { active: byActivity })
      : Promise.all([servers, homedRead]).then(([known, users]) =>
          takeInventory(directory, settings, servers, {
            active: false,
            homed: homedCounts(known, users),
          }),
        ),
    homedRead,
    byActivity ? directory.logonSyncDays() : undefined,
  ]);
  const dnsOf = (group: HomedGroup | undefined, want: boolean) =>
    (group?.users ?? []).filter((u) => u.active === want).map((u) => u.dn);
  const home = inventory.servers.filter((s) => s.hostsUsers);
  const notices: string[] = [];
  // Draining a router is allowed: its users are orphans, which every rebalance re-homes anyway.
  const drain = new Set<string>();
  for (const name of request.drain ?? []) {
    const server = findServer(inventory.servers, name);
    if (server.hostsUsers) drain.add(server.dn);
    else {
      const homedThere = homed.get(server.dn.toLowerCase())?.users.length ?? 0;
      notices.push(
        `${server.name} is a router: ${homedThere === 0 ? 'no user is homed on it, so there is nothing to drain' : `${homedThere === 1 ? 'its one homed user is an orphan, and the plan re-homes it' : `its ${plural(homedThere, 'homed user')} are orphans, and the plan re-homes them`} (as every rebalance does)`}.`,
      );
    }
  }
  const exclude = new Set((request.exclude ?? []).map((name) => findServer(inventory.servers, name, 'home').dn));
  if (home.length > 0 && home.every((s) => exclude.has(s.dn) || drain.has(s.dn))) {
    const excluded = home.filter((s) => exclude.has(s.dn)).map((s) => s.name);
    const drained = home.filter((s) => drain.has(s.dn) && !exclude.has(s.dn)).map((s) => s.name);
    throw new UsageError(
      drained.length === 0
        ? `Every home server is excluded (${excluded.join(', ')}): no server could receive a user. Leave at least one home server out of --exclude; nothing was written.`
        : `--drain and --exclude leave no home server to receive users (${[...(excluded.length > 0 ? [`excluded: ${excluded.join(', ')}`] : []), `drained: ${drained.join(', ')}`].join('; ')}). Keep at least one home server out of both; nothing was written.`,
      'no-receiving-server',
    );
  }

  const homeKeys = new Set(home.map((s) => s.dn.toLowerCase()));
  const orphans: string[] = [];
  const idleOrphans: string[] = [];
  for (const [serverKey, group] of homed) {
    if (!homeKeys.has(serverKey)) {
      orphans.push(...dnsOf(group, true));
      if (byActivity) idleOrphans.push(...dnsOf(group, false));
    }
  }
  // Users outside the base DN load their servers but cannot move: the planner sees the room they leave.
  const outside = new Map(
    home.map((s) => {
      const counted = byActivity ? (s.active ?? 0) : s.users;
      return [s.dn, narrowed ? Math.max(0, counted - dnsOf(homed.get(s.dn.toLowerCase()), true).length) : 0];
    }),
  );
  const plan = planRebalance({
    servers: home.map((s) => ({
      key: s.dn,
      name: s.name,
      capacity: Math.max(0, s.capacity - outside.get(s.dn)!),
      users: dnsOf(homed.get(s.dn.toLowerCase()), true),
      ...(byActivity ? { idle: dnsOf(homed.get(s.dn.toLowerCase()), false) } : {}),
      receive: !exclude.has(s.dn),
      drain: drain.has(s.dn),
    })),
    orphans,
    ...(byActivity ? { idleOrphans } : {}),
    even: !!request.even,
    ...(request.maxMoves !== undefined ? { maxMoves: request.maxMoves } : {}),
  });

  const capacityOf = new Map(home.map((s) => [s.dn, s.capacity]));
  for (const load of plan.load) {
    const fixed = outside.get(load.key) ?? 0;
    load.capacity = capacityOf.get(load.key) ?? load.capacity;
    load.before += fixed;
    load.after += fixed;
    load.target += fixed;
  }
  // Each moved user by DN: its GUID (to read it again before the write) and the home it was read with.
  const moving = new Set(plan.moves.map((m) => m.user));
  const movedByDn = new Map<string, { guid: string; stored: string }>();
  for (const group of homed.values())
    for (const user of group.users)
      if (moving.has(user.dn)) movedByDn.set(user.dn, { guid: user.guid, stored: group.stored });
  const byDn: Map<string, ImServer> = serversByDn(inventory.servers);
  // The planner gives an orphan no source (no home server counts it); where it points is still a
  // fact the admin knows it by: a router is named, as show and users name it. A server that no
  // longer exists has no name: that move stays "(orphan)".
  for (const move of plan.moves) {
    const points = move.from === null ? movedByDn.get(move.user)?.stored : undefined;
    if (points && byDn.has(points.toLowerCase())) move.from = points;
  }
  const names = (dn: string | null) => (dn ? (byDn.get(dn.toLowerCase())?.name ?? dn) : '(orphan)');
  return {
    inventory,
    plan,
    names,
    load: settings.load,
    notices,
    excluded: home.filter((s) => exclude.has(s.dn)).map((s) => s.name),
    activity:
      syncDays !== undefined
        ? { activeDays: settings.activeDays, syncDays, warning: activeWindowWarning(settings.activeDays, syncDays) }
        : undefined,
    moveTargets: async () => {
      const planned = plan.moves.map((move) => ({ move, ...movedByDn.get(move.user)! }));
      const fresh = await directory.usersByGuid(planned.map((p) => p.guid));
      const users: UserRecord[] = [];
      const targets = planned.map(({ move, guid, stored }): Target => {
        const server = byDn.get(move.to.toLowerCase())!;
        assertUsableHome(server);
        const summary = `${names(move.from)} → ${server.name} (${move.reason}${move.idle ? ', inactive' : ''})`;
        const user = fresh.get(guid);
        const homeNow = user?.im.msExchIMVirtualServer;
        if (!user || homeNow === undefined || canonicalDn(homeNow) !== canonicalDn(stored)) {
          const reason = !user
            ? 'no longer exists under the base DN'
            : `re-homed since the plan (now ${homeNow === undefined ? 'not IM-enabled' : `on ${names(homeNow)}`})`;
          return {
            name: user?.sAMAccountName || move.user,
            dn: user?.dn ?? move.user,
            guid,
            action: 'move',
            summary,
            plan: { kind: 'failed', reason: `${reason}: nothing written; run rebalance again` },
          };
        }
        users.push(user);
        return {
          name: user.sAMAccountName || user.dn,
          dn: user.dn,
          guid,
          action: 'move',
          summary,
          plan: planUser(user, { action: 'move', server }, byDn),
        };
      });
      return { targets, users };
    },
  };
}

/**
 * A plan that does not fit: one sentence, with the plan's figures for --json; nothing was written.
 * When --exclude holds back the room that is missing, that is the fix to name, not more capacity.
 */
export function infeasibleError(plan: PlanResult, excluded: readonly string[] = []): UsageError {
  const held = plan.load.filter((l) => excluded.includes(l.name));
  const heldRoom = held.reduce((sum, l) => sum + Math.max(0, l.capacity - l.before), 0);
  const fix =
    heldRoom >= plan.shortfall
      ? `--exclude keeps ${count(heldRoom)} free ${heldRoom === 1 ? 'place' : 'places'} on ${held.map((l) => l.name).join(', ')} out of reach: leave some of ${held.length === 1 ? 'it' : 'them'} out of --exclude`
      : `Add capacity (--capacity, servers.<name>.capacity) or a home server${heldRoom > 0 ? `, or leave ${held.map((l) => l.name).join(', ')} out of --exclude` : ''}`;
  return new UsageError(
    `No plan fits: the home servers are short of ${plural(plan.shortfall, 'user')} of capacity for the ${count(plan.minimalMoves)} that must move. ${fix}; nothing was written.`,
    'infeasible',
    { feasible: false, shortfall: plan.shortfall, mustMove: plan.minimalMoves, servers: plan.load },
  );
}

export function rebalancePlanJson(plan: PlanResult, names: (dn: string | null) => string) {
  return {
    feasible: true,
    ...(plan.load.some((l) => l.idle) ? { load: 'active' } : {}),
    moves: plan.moves.length,
    minimalMoves: plan.minimalMoves,
    deferred: plan.deferred,
    // docs/json.md: a user's DN is "dn"; the home servers before and after are named, as "homeServer" is.
    // Under --load active, loadBefore/loadAfter count active users, homedBefore/homedAfter every homed
    // user, and a move of an inactive user (an orphan, or off a drained server) is marked idle.
    servers: plan.load.map((l) => ({
      name: l.name,
      dn: l.key,
      capacity: l.capacity,
      loadBefore: l.before,
      loadAfter: l.after,
      ...(l.idle ? { homedBefore: l.before + l.idle.before, homedAfter: l.after + l.idle.after } : {}),
    })),
    plan: plan.moves.map((m) => ({
      dn: m.user,
      fromHomeServer: m.from ? names(m.from) : null,
      toHomeServer: names(m.to),
      reason: m.reason,
      ...(m.idle ? { idle: true } : {}),
    })),
  };
}

/** What the plan keeps of a homed user: its DN (the planner's key), its GUID, and whether it carries load. */
interface PlannedUser {
  dn: string;
  guid: string;
  active: boolean;
}
/** The homed users that point at one server value, and that value as the first of them stored it. */
export interface HomedGroup {
  stored: string;
  users: PlannedUser[];
}

/** What `countHomed` would answer, from users already grouped by the server they point at (DNs matched as DNs). */
export function homedCounts(servers: readonly ImServer[], homed: ReadonlyMap<string, HomedGroup>): HomedCounts {
  const keyOf = new Map(servers.map((s) => [canonicalDn(s.dn), s.dn.toLowerCase()]));
  const perServer = new Map(servers.map((s) => [s.dn.toLowerCase(), 0]));
  let missing = 0;
  const missingServers = new Map<string, string>();
  for (const [key, group] of homed) {
    const server = keyOf.get(canonicalDn(key));
    if (server !== undefined) perServer.set(server, perServer.get(server)! + group.users.length);
    else {
      missing += group.users.length;
      if (!missingServers.has(canonicalDn(key))) missingServers.set(canonicalDn(key), group.stored);
    }
  }
  return { perServer, missing, missingServers: [...missingServers.values()] };
}

/**
 * Homed users grouped by the server value they point at (lower-cased), read a page at a time. Only
 * what the planner plans with is kept of each (PlannedUser); the listing never is.
 */
async function groupByServer(
  pages: AsyncIterable<HomedUser[]>,
  active: (user: HomedUser) => boolean,
): Promise<Map<string, HomedGroup>> {
  const byServer = new Map<string, HomedGroup>();
  for await (const page of pages) {
    for (const user of page) {
      const stored = user.homeServer;
      const key = stored.toLowerCase();
      const kept = { dn: user.dn, guid: user.guid, active: active(user) };
      const group = byServer.get(key);
      if (group) group.users.push(kept);
      else byServer.set(key, { stored, users: [kept] });
    }
  }
  return byServer;
}
