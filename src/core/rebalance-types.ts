/** The rebalance planner's input and result (rebalance.ts), and its servers as its steps see them. */

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

/** What a server may do in the plan (see rebalance.ts, "Definitions"). */
export type Role = 'receiver' | 'excluded' | 'drain';

/** A server as the planner's steps work on it. */
export interface Srv {
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
