/**
 * Home-server rebalance planner (pure: data in, data out; no I/O).
 *
 * Exchange 2000 IM home servers each hold users; Microsoft recommends at most
 * 7,500 users per home server. {@link planRebalance} decides which users to
 * move so that every home server ends within capacity (and, with `even`,
 * close to its fair share), moving as few users as possible. It runs in named
 * steps, beside it: rebalance-servers.ts (the input checked, the servers
 * tallied, their targets), rebalance-moves.ts (the sheds, the kept moves and
 * their destinations), with water-fill.ts (the leximax fill),
 * distinct-user-keys.ts (the duplicate-user check), idle-placement.ts (where
 * idle movers go) and value-checks.ts (the checks it shares with headroom.ts);
 * its types are in rebalance-types.ts.
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

import { keptMoves, moveRanges, placeActiveMoves, placeIdleMoves, planSheds } from './rebalance-moves.js';
import { checkPlanInput, setTargets, tally } from './rebalance-servers.js';
import type { PlanInput, PlanResult, ServerLoad, Srv } from './rebalance-types.js';
import { compareKeys } from './key-order.js';

export type { MoveReason, PlanInput, PlannedMove, PlanResult, PlanServer, ServerLoad } from './rebalance-types.js';

/** Computes the move plan. See the module documentation for the exact semantics. */
export function planRebalance(input: PlanInput): PlanResult {
  const checked = checkPlanInput(input);
  const { srvs, orphans, idleOrphans, maxMoves, withIdle } = checked;
  const t = tally(checked);
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
  if (t.required > t.room || (t.idleMovers > 0 && receivers.length === 0)) {
    const must = t.required + t.idleMovers;
    return {
      moves: [],
      minimalMoves: must,
      requiredMoves: must,
      deferred: 0,
      feasible: false,
      shortfall: receivers.length === 0 ? must : t.required - t.room,
      load: loadOut(
        (s) => s.load,
        (s) => s.idle.length,
      ),
    };
  }

  setTargets(srvs, receivers, input.even === true, t);
  const { sheds, minimalMoves } = planSheds(srvs, orphans.length + t.idleMovers);
  const limit = maxMoves === undefined ? minimalMoves : Math.min(maxMoves, minimalMoves);
  const kept = keptMoves(moveRanges(sheds, orphans, idleOrphans), limit);
  const gotBy = placeActiveMoves(kept, receivers, minimalMoves - t.idleMovers);
  const idleGot = placeIdleMoves(kept, receivers, gotBy);

  return {
    moves: kept.moves,
    minimalMoves,
    requiredMoves: t.required + t.idleMovers,
    deferred: minimalMoves - kept.moves.length,
    feasible: true,
    shortfall: 0,
    load: loadOut(
      (s) => s.load - s.taken + (gotBy.get(s) ?? 0),
      (s) => s.idle.length - (kept.takenIdle.get(s) ?? 0) + (idleGot.get(s) ?? 0),
    ),
  };
}
