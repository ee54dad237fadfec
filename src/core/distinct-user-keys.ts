/**
 * The rebalance planner's check that every user key is a string and is listed once, over ~10^6
 * keys: a hash set partitioned into cache-sized buckets (much faster than `Set` at that size).
 */
import { describeValue } from './value-checks.js';

/** What the check reads of a home server: its key, and the keys of its active and idle users. */
export interface ServerUserKeys {
  key: string;
  users: readonly string[];
  idle: readonly string[];
}

/**
 * 32-bit hash of a key's UTF-16 code units: four independent FNV-style lanes
 * over interleaved characters (twice as fast as one lane — the multiply chain,
 * not memory, is the bottleneck), then mixed. Only used to bucket keys; equal
 * hashes are always confirmed by comparing the strings.
 */
function hashKey(k: string): number {
  let a = 0x811c9dc5;
  let b = 0x12345;
  let c = 0x9e3779b9;
  let d = 0x7f4a7c15;
  const n = k.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a = Math.imul(a ^ k.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ k.charCodeAt(i + 1), 0x5bd1e995);
    c = Math.imul(c ^ k.charCodeAt(i + 2), 0x85ebca6b);
    d = Math.imul(d ^ k.charCodeAt(i + 3), 0xc2b2ae35);
  }
  for (; i < n; i++) a = Math.imul(a ^ k.charCodeAt(i), 0x01000193);
  let h =
    a ^
    Math.imul(b ^ (b >>> 15), 0x27d4eb2d) ^
    Math.imul(c ^ (c >>> 13), 0x165667b1) ^
    Math.imul(d ^ (d >>> 16), 0x9e3779b1) ^
    n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * Throws if a user key is not a string or appears more than once (on two
 * servers, twice on one server, or as an orphan and on a server). A hash set
 * partitioned into cache-sized buckets: much faster than `Set` for ~10^6 keys.
 */
export function checkDistinctUserKeys(
  srvs: readonly ServerUserKeys[],
  orphans: readonly string[],
  idleOrphans: readonly string[] = [],
): void {
  // Lists: each server's users, each server's idle users, the orphans, the idle orphans.
  const lists: (readonly string[])[] = srvs.map((s) => s.users);
  for (const s of srvs) lists.push(s.idle);
  lists.push(orphans, idleOrphans);
  const onServer = (li: number): boolean => li < 2 * srvs.length;
  // ends[i]: one past the global index of list i's last user
  const ends: number[] = [];
  let n = 0;
  for (const l of lists) ends.push((n += l.length));
  if (n === 0) return;
  const listOf = (g: number): number => {
    let lo = 0;
    let hi = lists.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (g < ends[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const keyAt = (g: number): unknown => {
    const li = listOf(g);
    return lists[li]![g - (li === 0 ? 0 : ends[li - 1]!)];
  };
  const ownerName = (li: number): string =>
    onServer(li) ? `server ${JSON.stringify(srvs[li % srvs.length]!.key)}` : 'the orphans';
  const hashes = new Uint32Array(n);
  let g = 0;
  for (const l of lists) {
    for (let i = 0; i < l.length; i++, g++) {
      const k = l[i];
      if (typeof k !== 'string') {
        throw new Error(`planRebalance: user keys must be strings (${ownerName(listOf(g))} has ${describeValue(k)})`);
      }
      hashes[g] = hashKey(k);
    }
  }
  // Partition by the top hash bits (a counting sort), then probe each bucket,
  // a cache-sized open-addressing table, with the low bits.
  let bits = 0;
  while (bits < 12 && n >> (bits + 9) > 0) bits++;
  const buckets = 1 << bits;
  const shift = 32 - bits;
  const bucketOf = (h: number): number => (bits === 0 ? 0 : h >>> shift);
  const start = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) start[bucketOf(hashes[i]!) + 1]!++;
  let maxBucket = 0;
  for (let b = 0; b < buckets; b++) {
    maxBucket = Math.max(maxBucket, start[b + 1]!);
    start[b + 1]! += start[b]!;
  }
  const order = new Int32Array(n); // global index, grouped by bucket
  const sortedHash = new Uint32Array(n); // its hash, same positions
  const fillPos = start.slice(0, buckets);
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    const p = fillPos[bucketOf(h)]!++;
    order[p] = i;
    sortedHash[p] = h;
  }
  let size = 2;
  while (size < maxBucket * 2) size <<= 1;
  const mask = size - 1;
  const table = new Int32Array(size); // positions p, -1 when free
  for (let b = 0; b < buckets; b++) {
    table.fill(-1);
    for (let p = start[b]!; p < start[b + 1]!; p++) {
      const h = sortedHash[p]!;
      for (let q = h & mask; ; q = (q + 1) & mask) {
        const e = table[q]!;
        if (e === -1) {
          table[q] = p;
          break;
        }
        if (sortedHash[e] === h && keyAt(order[e]!) === keyAt(order[p]!)) {
          const a = Math.min(order[e]!, order[p]!);
          const c = Math.max(order[e]!, order[p]!);
          const la = listOf(a);
          const lc = listOf(c);
          const user = JSON.stringify(keyAt(a));
          throw new Error(
            ownerName(la) === ownerName(lc)
              ? `planRebalance: user ${user} is listed twice ${onServer(la) ? 'on' : 'among'} ${ownerName(la)}`
              : `planRebalance: user ${user} is listed on both ${ownerName(la)} and ${ownerName(lc)}`,
          );
        }
      }
    }
  }
}
