import { describe, expect, it } from 'vitest';
import { failureHeadroom } from '../../src/core/headroom.js';

describe('failureHeadroom', () => {
  const hs = (spec: string) =>
    spec.split(' ').map((t) => {
      const [key, cap, load] = t.split(/[:/]/);
      return { key: key!, name: key!.toLowerCase(), capacity: Number(cap), load: Number(load) };
    });

  it('survives when the others can absorb any one server', () => {
    const h = failureHeadroom(hs('A:10/3 B:10/3 C:10/3'));
    expect(h.survivesAnySingleFailure).toBe(true);
    expect(h.perServer.map((e) => [e.othersFreeRoom, e.shortBy])).toEqual([
      [14, 0],
      [14, 0],
      [14, 0],
    ]);
    expect(h.worst).toEqual({ key: 'A', name: 'a', load: 3, othersFreeRoom: 14, shortBy: 0 }); // tie -> key
  });

  it('reports the worst failure: largest shortBy, then largest load', () => {
    const h = failureHeadroom(hs('A:10/8 B:10/5 C:10/9'));
    expect(h.perServer.map((e) => [e.othersFreeRoom, e.shortBy])).toEqual([
      [6, 2],
      [3, 2],
      [7, 2],
    ]);
    expect(h.survivesAnySingleFailure).toBe(false);
    expect(h.worst?.key).toBe('C');
  });

  it('over-capacity servers offer no room; largest shortBy wins', () => {
    const h = failureHeadroom(hs('A:10/12 B:10/4 C:0/0'));
    expect(h.perServer.map((e) => [e.othersFreeRoom, e.shortBy])).toEqual([
      [6, 6],
      [0, 4],
      [6, 0],
    ]);
    expect(h.worst?.key).toBe('A');
  });

  it('with fewer than two servers there is no worst', () => {
    expect(failureHeadroom([])).toEqual({ survivesAnySingleFailure: true, worst: null, perServer: [] });
    const one = failureHeadroom(hs('A:10/4'));
    expect(one.worst).toBeNull();
    expect(one.perServer).toEqual([{ key: 'A', name: 'a', load: 4, othersFreeRoom: 0, shortBy: 4 }]);
    expect(one.survivesAnySingleFailure).toBe(false);
    expect(failureHeadroom(hs('A:10/0')).survivesAnySingleFailure).toBe(true);
  });

  it('validates input', () => {
    expect(() => failureHeadroom(hs('A:10/1 A:10/2'))).toThrow(/duplicate server key "A"/);
    expect(() => failureHeadroom(hs('A:-1/1'))).toThrow(/capacity must be an integer/);
    expect(() => failureHeadroom(hs('A:10/-2'))).toThrow(/load must be a non-negative integer/);
  });
});
