import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { waterFill, type FillBin } from '../../src/core/water-fill.js';

describe('waterFill (bulk) equals the one-by-one greedy', () => {
  function naive(bins: readonly FillBin[], units: number): number[] {
    const x = bins.map(() => 0);
    for (let u = 0; u < units; u++) {
      let best = -1;
      bins.forEach((b, i) => {
        if (x[i]! >= b.room) return;
        if (best < 0) return void (best = i);
        const c = bins[best]!;
        const d = (b.load + x[i]! + 1) * c.cap - (c.load + x[best]! + 1) * b.cap;
        if (d < 0 || (d === 0 && (b.cap > c.cap || (b.cap === c.cap && b.key < c.key)))) best = i;
      });
      x[best]!++;
    }
    return x;
  }
  it('on random bins, including large capacities', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cap: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 6, 8, 12), fc.integer({ min: 0, max: 10_000_000 })),
            fill: fc.double({ min: 0, max: 1, noNaN: true }),
            roomFrac: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (raw, unitsFrac) => {
          const bins: FillBin[] = raw.map((r, i) => {
            const load = Math.floor(r.cap * r.fill);
            return {
              key: `k${(i * 5) % 6}${i}`,
              load,
              cap: r.cap,
              room: Math.min(60, Math.floor((r.cap - load) * r.roomFrac)),
            };
          });
          const units = Math.floor(bins.reduce((a, b) => a + b.room, 0) * unitsFrac);
          expect(waterFill(bins, units)).toEqual(naive(bins, units));
        },
      ),
      { numRuns: 500, seed: 5 },
    );
  });
  it('handles a million-user fill in bulk', () => {
    const bins: FillBin[] = Array.from({ length: 200 }, (_, i) => ({
      key: `s${i}`,
      load: i * 30,
      cap: 7500,
      room: 7500 - i * 30,
    }));
    const x = waterFill(bins, 600_000);
    expect(x.reduce((a, b) => a + b, 0)).toBe(600_000);
    const finals = bins.map((b, i) => b.load + x[i]!);
    expect(Math.max(...finals) - Math.min(...finals)).toBeLessThanOrEqual(1);
  });
});
