/**
 * Water-filling: distributing users over receivers so the highest utilisation is as low as
 * possible, then the next highest, and so on (leximax). The rebalance planner's default ("fit")
 * mode and its `maxMoves` cap both place users with it; see src/core/rebalance.ts.
 */
import { compareKeys } from './key-order.js';

/** floor(a / b) for non-negative safe integers a and positive b, exact. */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  while (q * b > a) q--;
  while ((q + 1) * b <= a) q++;
  return q;
}

/** A receiver in water-filling: current load, capacity, how many it may still take. */
export interface FillBin {
  key: string;
  load: number;
  cap: number;
  room: number;
}

/**
 * Water-filling: distribute `units` users over `bins`,
 * at most `room` each (room <= cap - load), so that the decreasingly sorted
 * vector of utilisations `(load + x) / cap` is lexicographically minimal.
 * Equals the one-by-one greedy that gives each next user to the bin with the
 * lowest resulting utilisation (ties: larger capacity, then smaller key).
 * Requires `units <= sum of rooms`. Returns x per bin, in input order.
 */
export function waterFill(bins: readonly FillBin[], units: number): number[] {
  const x = bins.map(() => 0);
  if (units <= 0) return x;
  let G = 0;
  let total = 0;
  for (const b of bins) {
    if (b.room > 0) {
      G = Math.max(G, b.cap);
      total += b.room;
    }
  }
  if (units > total) throw new Error(`waterFill: ${units} users do not fit in room for ${total}`);
  // count(j): slots with utilisation < j/G, i.e. (load + k) * G < j * cap.
  const countAt = (j: number, out: number[] | null): number => {
    let sum = 0;
    for (let i = 0; i < bins.length; i++) {
      const b = bins[i]!;
      if (b.room <= 0) continue;
      const m = j * b.cap;
      // largest integer v with v * G < m is ceil(m / G) - 1
      const below = floorDiv(m + G - 1, G) - 1 - b.load;
      const c = below < 0 ? 0 : below > b.room ? b.room : below;
      if (out) out[i] = c;
      sum += c;
    }
    return sum;
  };
  // Largest level j in [0, G + 1] whose strictly-lower slots number <= units.
  let lo = 0;
  let hi = G + 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countAt(mid, null) <= units) lo = mid;
    else hi = mid - 1;
  }
  let filled = countAt(lo, x);
  // Every remaining slot to take lies in [lo/G, (lo+1)/G), which holds at most one
  // slot per bin (G >= every cap), so one sorted pass over next slots finishes.
  if (filled < units) {
    const next: number[] = [];
    for (let i = 0; i < bins.length; i++) if (x[i]! < bins[i]!.room) next.push(i);
    next.sort((i, k) => {
      const a = bins[i]!;
      const b = bins[k]!;
      const d = (a.load + x[i]! + 1) * b.cap - (b.load + x[k]! + 1) * a.cap;
      if (d !== 0) return d;
      if (a.cap !== b.cap) return b.cap - a.cap;
      return compareKeys(a.key, b.key);
    });
    for (const i of next) {
      if (filled >= units) break;
      x[i]!++;
      filled++;
    }
  }
  return x;
}
