/**
 * Where the rebalance planner sends users that carry no load (idle orphans, idle users of a
 * draining server): one at a time, to the receiver with the lowest homed utilisation.
 */

/** What the placer reads of a receiver: its key and capacity. */
export interface IdleReceiver {
  key: string;
  cap: number;
}

/**
 * Idle movers' destinations: each to the receiver with the lowest homed utilisation at that point
 * (homed / capacity; capacity 0 counts as full), ties by fewer homed users, then key. A binary heap.
 */
export function idlePlacer<R extends IdleReceiver>(receivers: readonly R[], homed: Map<R, number>): () => R {
  const better = (a: R, b: R): boolean => {
    const ha = homed.get(a)!;
    const hb = homed.get(b)!;
    if (a.cap === 0 || b.cap === 0) {
      if ((a.cap === 0) !== (b.cap === 0)) return b.cap === 0;
    } else {
      const d = ha * b.cap - hb * a.cap;
      if (d !== 0) return d < 0;
    }
    if (ha !== hb) return ha < hb;
    return a.key < b.key;
  };
  const heap = [...receivers];
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && better(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && better(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  return () => {
    const top = heap[0]!;
    homed.set(top, homed.get(top)! + 1);
    down(0);
    return top;
  };
}
