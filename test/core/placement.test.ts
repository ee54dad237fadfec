import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeByMostRoom, type Room } from '../../src/core/placement.js';

function room(name: string, capacity: number, load: number): Room {
  return { key: name.toLowerCase(), name, capacity, load };
}

describe('placeByMostRoom', () => {
  // a has room 5, b has room 3. Worked by hand: a(5→4) a(4→3) tie 3/3 → a by name (3→2) b(3→2) tie → a(2→1) b(2→1)
  it.each([
    { count: 0, placed: [] },
    { count: 1, placed: ['a'] },
    { count: 2, placed: ['a', 'a'] },
    { count: 3, placed: ['a', 'a', 'a'] },
    { count: 4, placed: ['a', 'a', 'a', 'b'] },
    { count: 6, placed: ['a', 'a', 'a', 'b', 'a', 'b'] },
  ])('room 5 and 3, placing $count → $placed', ({ count, placed }) => {
    expect(placeByMostRoom([room('A', 10, 5), room('B', 10, 7)], count)).toEqual(placed);
  });

  it.each([
    { servers: [room('B', 100, 0), room('A', 100, 0)], count: 3, placed: ['a', 'b', 'a'] },
    {
      servers: [room('IM2', 7500, 7000), room('IM1', 7500, 7000), room('IM3', 7500, 7499)],
      count: 4,
      placed: ['im1', 'im2', 'im1', 'im2'],
    },
    { servers: [room('Small', 10, 0), room('Big', 100, 80)], count: 3, placed: ['big', 'big', 'big'] },
  ])('ties go to the name that sorts first, whatever the input order ($placed)', ({ servers, count, placed }) => {
    expect(placeByMostRoom(servers, count)).toEqual(placed);
  });

  it('counts room as capacity minus load, not capacity alone', () => {
    expect(placeByMostRoom([room('A', 7500, 7400), room('B', 5000, 100)], 2)).toEqual(['b', 'b']);
  });

  it('returns the server key, not its name', () => {
    const servers: Room[] = [
      { key: 'cn=vs,cn=zed', name: 'Alpha', capacity: 5, load: 0 },
      { key: 'cn=vs,cn=abc', name: 'Beta', capacity: 5, load: 0 },
    ];
    expect(placeByMostRoom(servers, 2)).toEqual(['cn=vs,cn=zed', 'cn=vs,cn=abc']);
  });

  it('still places on the least-full server when every server is full', () => {
    expect(placeByMostRoom([room('A', 10, 12), room('B', 10, 10)], 2)).toEqual(['b', 'b']);
  });

  it.each([0, 1, 5])('with no servers, placing %i returns nothing', (count) => {
    expect(placeByMostRoom([], count)).toEqual([]);
  });

  it('does not modify the servers it is given', () => {
    const servers = [room('A', 10, 5), room('B', 10, 7)];
    const copy = structuredClone(servers);
    placeByMostRoom(servers, 4);
    expect(servers).toEqual(copy);
  });

  it('property: one key per user, from the list, the same for any input order, and each goes to a server with the most room', () => {
    const arbServers = fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[A-Z][a-z0-9]{0,5}$/),
        capacity: fc.integer({ min: 0, max: 50 }),
        load: fc.integer({ min: 0, max: 60 }),
      }),
      { minLength: 1, maxLength: 6, selector: (s) => s.name.toLowerCase() },
    );
    fc.assert(
      fc.property(arbServers, fc.integer({ min: 0, max: 40 }), fc.nat(), (raw, count, rotate) => {
        const servers = raw.map((s) => room(s.name, s.capacity, s.load));
        const placed = placeByMostRoom(servers, count);
        expect(placed).toHaveLength(count);
        const rotated = [...servers.slice(rotate % servers.length), ...servers.slice(0, rotate % servers.length)];
        expect(placeByMostRoom(rotated, count)).toEqual(placed);
        const free = new Map(servers.map((s) => [s.key, s.capacity - s.load]));
        for (const key of placed) {
          expect(free.has(key)).toBe(true);
          expect(free.get(key)).toBe(Math.max(...free.values()));
          free.set(key, free.get(key)! - 1);
        }
      }),
    );
  });
});
