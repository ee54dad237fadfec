/**
 * Home-server rebalance planner (pure: data in, data out; no I/O).
 *
 * Exchange 2000 IM home servers each hold users; Microsoft recommends at most
 * 7,500 users per home server. {@link planRebalance} decides which users to
 * move so that every home server ends within capacity (and, with `even`,
 * close to its fair share), moving as few users as possible. Its parts live
 * beside it: water-fill.ts (the leximax fill), distinct-user-keys.ts (the
 * duplicate-user check), idle-placement.ts (where idle movers go) and
 * value-checks.ts (the checks it shares with headroom.ts).
 *
 * ## Definitions
 * - effective capacity `ec(s)`: `0` for a draining server, else `capacity`.
 * - receivers: servers with `receive && !drain`. Only they may gain users.
 *   Excluded servers (`!receive`, not draining) never gain users but still
 *   shed down to their capacity. Draining servers shed everything.
 * - required moves: `sum_s max(0, load(s) - ec(s)) + orphans`. No valid plan
 *   moves fewer users (each over-full server must lose at least its excess and
 *   every orphan must be placed), and when the receivers have room for them
 *   this many always suffices.
 *
 * ## Default mode ("fit"): what "as even as possible" means
 * The plan moves exactly the required number of users: each server sheds
 * exactly its excess (users beyond it never move, and a server that sheds
 * never receives). Among all plans with that many moves it chooses the final
 * loads that **lexicographically minimise the vector of final utilisations
 * `load/capacity`, sorted in decreasing order, over the servers with
 * capacity > 0**: first the highest utilisation is as low as possible, then the
 * second highest, and so on (leximax / min-max fairness). Only receivers'
 * loads are free in a minimal plan, so this is the same as optimising over the
 * receivers alone.
 *
 * It is computed as water-filling: the n-th user placed on receiver r reaches
 * utilisation `(load_r + n) / cap_r`; taking the `required` smallest such
 * "slots" overall — ordered by resulting utilisation, then by the larger
 * capacity (whose utilisation before the slot is higher), then by server key —
 * is exactly the greedy "give the next user to the receiver with the lowest
 * resulting utilisation" and is leximax-optimal. (It is the greedy optimum of
 * the separable convex cost `sum_r phi(u_r)` for a steep enough convex `phi`,
 * which orders sorted vectors lexicographically.) It runs in bulk: a binary
 * search on the utilisation level fills all slots strictly below a level, and
 * at most one further slot per receiver is then chosen by that order.
 *
 * ## Even mode
 * Excluded servers keep `min(load, capacity)`; draining servers end empty.
 * The `P` users that remain (total including orphans minus those kept by
 * excluded servers) are split over the receivers in proportion to capacity:
 * fair share `q_r = P * cap_r / C` (C = sum of receiver capacities). A valid
 * target gives each receiver `floor(q_r)` or `ceil(q_r)` (so within one user of
 * its fair share, never above capacity) and sums to P — the largest-remainder
 * family. Among valid targets the planner picks one that minimises the moves
 * `sum_r max(0, load_r - target_r)`: the extra `+1`s go first to receivers that
 * already hold at least `ceil(q_r)` (each such `+1` saves a move), then by
 * largest remainder, then to the receiver holding more users, then by key.
 * It moves exactly that many users (plus excluded/drain sheds and orphans).
 *
 * ## Infeasible
 * When the receivers' free room is smaller than the required moves (in both
 * modes the same condition), the result has `feasible: false`,
 * `shortfall = required - room`, and no moves.
 *
 * ## Which users move, and move order
 * Each server's user keys are sorted (UTF-16 code-unit order); a server that
 * sheds `k` users sheds its `k` lexicographically greatest keys. In even mode
 * the capacity part of a shed is the greatest keys and the evenness part the
 * keys just below them. Moves are listed by priority, which is also what a
 * `maxMoves` cap keeps: orphans (by user key), then drains, then
 * over-capacity sheds, then evenness moves (each by source server key, then
 * user key). Destinations come from water-filling the kept moves over the
 * receivers, each limited to what it receives in the uncapped plan, so a
 * capped plan is itself as even as possible and never overfills anyone;
 * destinations are assigned in blocks by receiver key. Everything is
 * independent of the order of `servers`, `users` and `orphans`.
 *
 * ## Idle users (the active load)
 * Under `--load active` a server's `users` are its active users and `idle` the homed users that
 * carry no load (disabled, expired, or no logon within the window); `idleOrphans` likewise. Idle
 * users never count against capacity and never move, except where they must: an idle orphan
 * still needs a home, and a draining server still ends empty. So the plan moves exactly
 * `required + idle orphans + idle users of draining servers`, each of those a move no valid plan
 * can avoid, and the active part is planned as above, unchanged. An idle mover goes to the
 * receiver with the lowest homed utilisation at that point (after the active moves; ties: fewer
 * homed users, then key), one at a time. Under `maxMoves`, orphans are ordered by key whether idle
 * or not, and a draining server's users by key whether idle or not. Without idle users the plan
 * is the homed planner's, to the move.
 */

import { checkDistinctUserKeys } from './distinct-user-keys.js';
import { idlePlacer } from './idle-placement.js';
import { compareKeys } from './key-order.js';
import { checkCapacity, describeValue } from './value-checks.js';
import { waterFill } from './water-fill.js';

export interface PlanServer {
  /** Stable id (e.g. the server's DN). */
  key: string;
  /** Display name. */
  name: string;
  /** Maximum users it should hold: an integer in [0, MAX_CAPACITY]. */
  capacity: number;
  /** Keys of users homed here now (any order): the users that count against capacity. */
  users: readonly string[];
  /** Keys of users homed here that carry no load (inactive under the active load): they stay unless the server drains. */
  idle?: readonly string[];
  /** false: excluded — may not receive users (it may still have to shed). */
  receive: boolean;
  /** Must end with 0 users (decommissioning); never receives. */
  drain: boolean;
}

export interface PlanInput {
  servers: readonly PlanServer[];
  /** Users homed on a missing server or a router: each must be moved onto a home server. */
  orphans?: readonly string[];
  /** Orphans that carry no load: re-homed like orphans, without using any room. */
  idleOrphans?: readonly string[];
  /** Spread evenly by capacity (see module docs). */
  even?: boolean;
  /** Cap on moves (change window): a non-negative integer. */
  maxMoves?: number;
}

/** Why a user moves; also the priority order kept under `maxMoves`. */
export type MoveReason = 'orphan' | 'drain' | 'over-capacity' | 'even';

export interface PlannedMove {
  user: string;
  /** Source server key; null for an orphan. */
  from: string | null;
  to: string;
  reason: MoveReason;
  /** Present (true) when the user carries no load (an idle orphan, or an idle user of a draining server). */
  idle?: true;
}

export interface ServerLoad {
  key: string;
  name: string;
  capacity: number;
  /** Users homed here now. */
  before: number;
  /** Users after applying `moves` (the capped plan). */
  after: number;
  /** Users after the whole, uncapped plan (equals `before` when infeasible). */
  target: number;
  /** Only when the input has idle users: idle users homed here before and after the (capped) plan. */
  idle?: { before: number; after: number };
}

export interface PlanResult {
  /** The plan (after the maxMoves cap), in priority order. */
  moves: PlannedMove[];
  /** Moves the uncapped plan needs (when infeasible: the users that must move). */
  minimalMoves: number;
  /** Moves needed for capacity alone: orphans + drains + over-capacity sheds. */
  requiredMoves: number;
  /** minimalMoves - moves.length when capped by maxMoves, else 0. */
  deferred: number;
  /** false when total room cannot absorb what must move. */
  feasible: boolean;
  /** Users of capacity missing (0 when feasible). */
  shortfall: number;
  /** Per server, in input order. */
  load: ServerLoad[];
}

type Role = 'receiver' | 'excluded' | 'drain';

interface Srv {
  index: number;
  key: string;
  name: string;
  cap: number;
  users: readonly string[];
  idle: readonly string[];
  load: number;
  role: Role;
  /** Load after the uncapped plan. */
  target: number;
  /** Users shed by the capped plan. */
  taken: number;
}

function validateServers(input: PlanInput): Srv[] {
  if (input === null || typeof input !== 'object' || !Array.isArray(input.servers)) {
    throw new Error('planRebalance: input.servers must be an array');
  }
  const seen = new Set<string>();
  return input.servers.map((s, index) => {
    if (s === null || typeof s !== 'object' || typeof s.key !== 'string' || s.key === '') {
      throw new Error(`planRebalance: server #${index + 1} must have a non-empty string key`);
    }
    const label = `server ${JSON.stringify(s.key)}`;
    if (seen.has(s.key)) throw new Error(`planRebalance: duplicate server key ${JSON.stringify(s.key)}`);
    seen.add(s.key);
    const cap = checkCapacity(label, s.capacity);
    if (!Array.isArray(s.users)) throw new Error(`${label}: users must be an array`);
    if (s.idle !== undefined && !Array.isArray(s.idle)) throw new Error(`${label}: idle must be an array`);
    const role: Role = s.drain ? 'drain' : s.receive ? 'receiver' : 'excluded';
    return {
      index,
      key: s.key,
      name: typeof s.name === 'string' ? s.name : s.key,
      cap,
      users: s.users,
      idle: s.idle ?? [],
      load: s.users.length,
      role,
      target: s.users.length,
      taken: 0,
    };
  });
}

/** Even-mode targets for the receivers (largest remainder, fewest moves). */
function evenTargets(receivers: readonly Srv[], P: number): void {
  let C = 0;
  for (const r of receivers) C += r.cap;
  if (C === 0) {
    for (const r of receivers) r.target = 0; // P === 0 here (feasibility checked)
    return;
  }
  const bigP = BigInt(P);
  const bigC = BigInt(C);
  const cands: { r: Srv; floor: number; rem: bigint }[] = [];
  let assigned = 0;
  for (const r of receivers) {
    const num = bigP * BigInt(r.cap);
    const floor = Number(num / bigC);
    const rem = num % bigC;
    r.target = floor;
    assigned += floor;
    if (rem > 0n) cands.push({ r, floor, rem });
  }
  let extra = P - assigned;
  cands.sort((a, b) => {
    const sa = a.r.load > a.floor ? 1 : 0; // a +1 here saves a move
    const sb = b.r.load > b.floor ? 1 : 0;
    if (sa !== sb) return sb - sa;
    if (a.rem !== b.rem) return a.rem > b.rem ? -1 : 1;
    if (a.r.load !== b.r.load) return b.r.load - a.r.load;
    return compareKeys(a.r.key, b.r.key);
  });
  for (const c of cands) {
    if (extra <= 0) break;
    c.r.target++;
    extra--;
  }
}

interface Shed {
  srv: Srv;
  /** Its users in key order; sorted only once a kept move needs them. */
  sorted: readonly string[] | null;
  /** Users shed in the uncapped plan (the greatest keys). */
  count: number;
  /** Of those, how many are needed for capacity (the greatest `capacityPart`). */
  capacityPart: number;
}

/** Users in key order, with which of them are idle (a drain's or the orphans' merged list). */
interface Merged {
  keys: string[];
  idle: Uint8Array;
}

function merged(active: readonly string[], idle: readonly string[]): Merged {
  if (idle.length === 0) return { keys: [...active].sort(), idle: new Uint8Array(active.length) };
  const idleSet = new Set(idle);
  const keys = [...active, ...idle].sort();
  const flags = new Uint8Array(keys.length);
  for (let i = 0; i < keys.length; i++) if (idleSet.has(keys[i]!)) flags[i] = 1;
  return { keys, idle: flags };
}

/** Computes the move plan. See the module documentation for the exact semantics. */
export function planRebalance(input: PlanInput): PlanResult {
  const srvs = validateServers(input);
  const orphansIn = input.orphans ?? [];
  if (!Array.isArray(orphansIn)) throw new Error('planRebalance: orphans must be an array');
  const idleOrphansIn = input.idleOrphans ?? [];
  if (!Array.isArray(idleOrphansIn)) throw new Error('planRebalance: idleOrphans must be an array');
  const maxMoves = input.maxMoves;
  if (maxMoves !== undefined && (typeof maxMoves !== 'number' || !Number.isInteger(maxMoves) || maxMoves < 0)) {
    throw new Error(`planRebalance: maxMoves must be a non-negative integer, got ${describeValue(maxMoves)}`);
  }
  checkDistinctUserKeys(srvs, orphansIn, idleOrphansIn);
  const withIdle = input.idleOrphans !== undefined || srvs.some((s) => input.servers[s.index]!.idle !== undefined);

  const ec = (s: Srv): number => (s.role === 'drain' ? 0 : s.cap);
  let required = orphansIn.length;
  let idleMovers = idleOrphansIn.length;
  let room = 0;
  let total = orphansIn.length;
  let keptByExcluded = 0;
  for (const s of srvs) {
    required += Math.max(0, s.load - ec(s));
    if (s.role === 'receiver') room += Math.max(0, s.cap - s.load);
    if (s.role === 'drain') idleMovers += s.idle.length;
    total += s.load;
    if (s.role === 'excluded') keptByExcluded += Math.min(s.load, s.cap);
  }
  const receivers = srvs.filter((s) => s.role === 'receiver').sort((a, b) => compareKeys(a.key, b.key));

  const loadOut = (afterOf: (s: Srv) => number, idleAfterOf: (s: Srv) => number): ServerLoad[] =>
    srvs.map((s) => ({
      key: s.key,
      name: s.name,
      capacity: s.cap,
      before: s.load,
      after: afterOf(s),
      target: s.target,
      ...(withIdle ? { idle: { before: s.idle.length, after: idleAfterOf(s) } } : {}),
    }));

  // Idle movers need a home, not room: infeasible only when no server may receive at all.
  if (required > room || (idleMovers > 0 && receivers.length === 0)) {
    const must = required + idleMovers;
    return {
      moves: [],
      minimalMoves: must,
      requiredMoves: must,
      deferred: 0,
      feasible: false,
      shortfall: receivers.length === 0 ? must : required - room,
      load: loadOut(
        (s) => s.load,
        (s) => s.idle.length,
      ),
    };
  }

  for (const s of srvs) if (s.role !== 'receiver') s.target = Math.min(s.load, ec(s));
  if (input.even) {
    evenTargets(receivers, total - keptByExcluded);
  } else {
    for (const r of receivers) r.target = Math.min(r.load, r.cap);
    const x = waterFill(
      receivers.map((r) => ({ key: r.key, load: r.load, cap: r.cap, room: Math.max(0, r.cap - r.load) })),
      required,
    );
    receivers.forEach((r, i) => (r.target += x[i]!));
  }

  // Sheds: a server shedding k users sheds its k greatest keys.
  const sheds: Shed[] = [];
  let minimalMoves = orphansIn.length + idleMovers;
  for (const s of [...srvs].sort((a, b) => compareKeys(a.key, b.key))) {
    const count = Math.max(0, s.load - s.target);
    if (count === 0 && !(s.role === 'drain' && s.idle.length > 0)) continue;
    minimalMoves += count;
    sheds.push({ srv: s, sorted: null, count, capacityPart: Math.min(count, Math.max(0, s.load - ec(s))) });
  }

  const limit = maxMoves === undefined ? minimalMoves : Math.min(maxMoves, minimalMoves);
  // Moves in priority order, as ranges of sorted user lists: [list, lo, hi, reason, source].
  // Orphans and drains are merged lists (active and idle users by key); the rest are active only.
  type Range = [() => Merged, number, number, MoveReason, Shed | null];
  const orphanList = (): Merged => merged(orphansIn, idleOrphansIn);
  const activeList = (sh: Shed) => (): Merged => {
    const keys = (sh.sorted ??= [...sh.srv.users].sort());
    return { keys: keys as string[], idle: new Uint8Array(0) };
  };
  const ranges: Range[] = [[orphanList, 0, orphansIn.length + idleOrphansIn.length, 'orphan', null]];
  for (const sh of sheds) {
    if (sh.srv.role === 'drain')
      ranges.push([() => merged(sh.srv.users, sh.srv.idle), 0, sh.srv.load + sh.srv.idle.length, 'drain', sh]);
  }
  for (const sh of sheds) {
    if (sh.srv.role !== 'drain')
      ranges.push([activeList(sh), sh.srv.load - sh.capacityPart, sh.srv.load, 'over-capacity', sh]);
  }
  for (const sh of sheds) {
    if (sh.srv.role !== 'drain')
      ranges.push([activeList(sh), sh.srv.load - sh.count, sh.srv.load - sh.capacityPart, 'even', sh]);
  }

  // The kept moves, without destinations yet; taken per server, active and idle.
  const moves: PlannedMove[] = new Array<PlannedMove>(limit);
  const idleAt: number[] = [];
  const takenIdle = new Map<Srv, number>();
  let m = 0;
  for (const [list, lo, hi, reason, sh] of ranges) {
    if (m >= limit) break;
    if (hi <= lo) continue;
    const { keys, idle } = list();
    const fromKey = sh ? sh.srv.key : null;
    let idleHere = 0;
    const first = m;
    for (let i = lo; i < hi && m < limit; i++, m++) {
      if (idle.length > 0 && idle[i] === 1) {
        idleAt.push(m);
        idleHere++;
        moves[m] = { user: keys[i]!, from: fromKey, to: '', reason, idle: true };
      } else {
        moves[m] = { user: keys[i]!, from: fromKey, to: '', reason };
      }
    }
    if (sh) {
      sh.srv.taken += m - first - idleHere;
      if (idleHere > 0) takenIdle.set(sh.srv, idleHere);
    }
  }
  const activeKept = limit - idleAt.length;

  // Destinations of the active moves: water-fill the kept moves within each receiver's uncapped
  // gain, then hand them out in blocks by receiver key.
  const gainers = receivers.filter((r) => r.target > r.load);
  const activeMinimal = minimalMoves - idleMovers;
  const got =
    activeKept === activeMinimal
      ? gainers.map((r) => r.target - r.load)
      : waterFill(
          gainers.map((r) => ({ key: r.key, load: r.load, cap: r.cap, room: r.target - r.load })),
          activeKept,
        );
  let dest = 0;
  let destLeft = got[0] ?? 0;
  let nextIdle = 0;
  for (let i = 0; i < limit; i++) {
    if (nextIdle < idleAt.length && idleAt[nextIdle] === i) {
      nextIdle++;
      continue;
    }
    while (destLeft === 0) destLeft = got[++dest]!;
    destLeft--;
    moves[i]!.to = gainers[dest]!.key;
  }
  const gotBy = new Map<Srv, number>(gainers.map((r, i) => [r, got[i]!]));

  // Destinations of the idle moves, by homed utilisation after the active moves.
  const idleGot = new Map<Srv, number>();
  if (idleAt.length > 0) {
    const homed = new Map<Srv, number>(receivers.map((r) => [r, r.load + r.idle.length + (gotBy.get(r) ?? 0)]));
    const next = idlePlacer(receivers, homed);
    for (const i of idleAt) {
      const r = next();
      moves[i]!.to = r.key;
      idleGot.set(r, (idleGot.get(r) ?? 0) + 1);
    }
  }

  return {
    moves,
    minimalMoves,
    requiredMoves: required + idleMovers,
    deferred: minimalMoves - moves.length,
    feasible: true,
    shortfall: 0,
    load: loadOut(
      (s) => s.load - s.taken + (gotBy.get(s) ?? 0),
      (s) => s.idle.length - (takenIdle.get(s) ?? 0) + (idleGot.get(s) ?? 0),
    ),
  };
}
