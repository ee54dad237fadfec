/**
 * The rebalance planner's last steps (rebalance.ts): which users each server sheds, the moves in
 * priority order as far as the cap keeps them, and where each kept move goes — active users by
 * water-filling the receivers' gains, idle users by homed utilisation.
 */
import { idlePlacer } from './idle-placement.js';
import { compareKeys } from './key-order.js';
import type { MoveReason, PlannedMove, Srv } from './rebalance-types.js';
import { ec } from './rebalance-servers.js';
import { waterFill } from './water-fill.js';

export interface Shed {
  srv: Srv;
  /** Its users in key order; sorted only once a kept move needs them. */
  sorted: readonly string[] | null;
  /** Users shed in the uncapped plan (the greatest keys). */
  count: number;
  /** Of those, how many are needed for capacity (the greatest `capacityPart`). */
  capacityPart: number;
}

/** Users in key order, with which of them are idle (a drain's or the orphans' merged list). */
export interface Merged {
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

/** The servers that shed (a server shedding k users sheds its k greatest keys), in key order, and the moves of the uncapped plan. */
export function planSheds(srvs: readonly Srv[], unavoidable: number): { sheds: Shed[]; minimalMoves: number } {
  const sheds: Shed[] = [];
  let minimalMoves = unavoidable;
  for (const s of [...srvs].sort((a, b) => compareKeys(a.key, b.key))) {
    const count = Math.max(0, s.load - s.target);
    if (count === 0 && !(s.role === 'drain' && s.idle.length > 0)) continue;
    minimalMoves += count;
    sheds.push({ srv: s, sorted: null, count, capacityPart: Math.min(count, Math.max(0, s.load - ec(s))) });
  }
  return { sheds, minimalMoves };
}

/** A run of moves: users lo..hi of a sorted list, why they move and from which shed (none: orphans). */
export type Range = [list: () => Merged, lo: number, hi: number, reason: MoveReason, source: Shed | null];

/**
 * Moves in priority order, as ranges of sorted user lists: orphans, drains, over-capacity sheds,
 * evenness sheds. Orphans and drains are merged lists (active and idle users by key); the rest are
 * active only, sorted only when a kept move reaches them.
 */
export function moveRanges(
  sheds: readonly Shed[],
  orphans: readonly string[],
  idleOrphans: readonly string[],
): Range[] {
  const activeList = (sh: Shed) => (): Merged => {
    const keys = (sh.sorted ??= [...sh.srv.users].sort());
    return { keys: keys as string[], idle: new Uint8Array(0) };
  };
  const ranges: Range[] = [
    [() => merged(orphans, idleOrphans), 0, orphans.length + idleOrphans.length, 'orphan', null],
  ];
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
  return ranges;
}

/** The kept moves. */
export interface KeptMoves {
  /** The first `limit` moves of the ranges, without destinations yet. */
  moves: PlannedMove[];
  /** Which of them move idle users. */
  idleAt: number[];
  /** Idle users taken from each server (active ones are counted in its `taken`). */
  takenIdle: Map<Srv, number>;
}

/** The first `limit` moves of `ranges`, with what each server gives up. */
export function keptMoves(ranges: readonly Range[], limit: number): KeptMoves {
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
  return { moves, idleAt, takenIdle };
}

/**
 * Destinations of the active moves: water-fill the kept moves within each receiver's uncapped
 * gain (all of it when nothing was cut), then hand them out in blocks by receiver key. Returns
 * what each receiver gets.
 */
export function placeActiveMoves(kept: KeptMoves, receivers: readonly Srv[], activeMinimal: number): Map<Srv, number> {
  const { moves, idleAt } = kept;
  const activeKept = moves.length - idleAt.length;
  const gainers = receivers.filter((r) => r.target > r.load);
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
  for (let i = 0; i < moves.length; i++) {
    if (nextIdle < idleAt.length && idleAt[nextIdle] === i) {
      nextIdle++;
      continue;
    }
    while (destLeft === 0) destLeft = got[++dest]!;
    destLeft--;
    moves[i]!.to = gainers[dest]!.key;
  }
  return new Map<Srv, number>(gainers.map((r, i) => [r, got[i]!]));
}

/** Destinations of the idle moves, by homed utilisation after the active moves. Returns what each receiver gets. */
export function placeIdleMoves(
  kept: KeptMoves,
  receivers: readonly Srv[],
  gotBy: ReadonlyMap<Srv, number>,
): Map<Srv, number> {
  const idleGot = new Map<Srv, number>();
  if (kept.idleAt.length === 0) return idleGot;
  const homed = new Map<Srv, number>(receivers.map((r) => [r, r.load + r.idle.length + (gotBy.get(r) ?? 0)]));
  const next = idlePlacer(receivers, homed);
  for (const i of kept.idleAt) {
    const r = next();
    kept.moves[i]!.to = r.key;
    idleGot.set(r, (idleGot.get(r) ?? 0) + 1);
  }
  return idleGot;
}
