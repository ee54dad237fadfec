import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  formatHostPort,
  isServiceUnavailable,
  orderSrv,
  orderSrvForDisplay,
  parseHostPort,
  type SrvRecord,
} from '../../src/core/srv.js';

/** mulberry32: a small seeded PRNG returning [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random source that replays fixed values. */
function replay(...values: number[]): () => number {
  let i = 0;
  return () => {
    const v = values[i++];
    if (v === undefined) throw new Error('replay: out of values');
    return v;
  };
}

const srv = (name: string, priority: number, weight: number, port = 80): SrvRecord => ({
  name,
  port,
  priority,
  weight,
});

/** How often each name comes first over `draws` orderings. */
function firstChoiceShares(records: SrvRecord[], draws: number, seed: number): Record<string, number> {
  const random = seeded(seed);
  const counts: Record<string, number> = {};
  for (let i = 0; i < draws; i++) {
    const first = orderSrv(records, random)[0]!.name;
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, n / draws]));
}

describe('orderSrv', () => {
  it('returns nothing for no records and the record itself for one', () => {
    expect(orderSrv([])).toEqual([]);
    expect(orderSrv([srv('a', 0, 0)])).toEqual([srv('a', 0, 0)]);
  });

  it('puts lower priorities first whatever the weights', () => {
    const records = [srv('backup', 20, 100), srv('main2', 10, 1), srv('last', 30, 0), srv('main1', 10, 5)];
    for (let seed = 1; seed <= 200; seed++) {
      const order = orderSrv(records, seeded(seed)).map((r) => r.name);
      expect(order.slice(2)).toEqual(['backup', 'last']);
      expect(order.slice(0, 2).sort()).toEqual(['main1', 'main2']);
    }
  });

  it('is a permutation in non-decreasing priority for any records and any random source (property)', () => {
    const record = fc.record({
      name: fc.string({ minLength: 1, maxLength: 8 }),
      port: fc.integer({ min: 1, max: 65535 }),
      priority: fc.integer({ min: 0, max: 3 }),
      weight: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), fc.integer(), (records, seed) => {
        const before = structuredClone(records);
        const ordered = orderSrv(records, seeded(seed));
        expect(records).toEqual(before); // the input is not reordered
        expect(ordered).toHaveLength(records.length);
        expect(new Set(ordered)).toEqual(new Set(records));
        for (let i = 1; i < ordered.length; i++)
          expect(ordered[i]!.priority).toBeGreaterThanOrEqual(ordered[i - 1]!.priority);
      }),
    );
  });

  // Within one priority, the draw is spread over sum(weights) slots, plus one slot shared by the
  // zero-weight records when there are any. These rows pin which record each draw selects.
  it.each([
    { random: 0, first: 'a', why: 'bottom of the range: the first weighted record' },
    { random: 0.249, first: 'a', why: 'a has slots [0, 1) of 4' },
    { random: 0.25, first: 'b', why: 'b has slots [1, 4) of 4' },
    { random: 0.999, first: 'b', why: 'top of the range' },
  ])('selects by weight without zero-weight records: $random → $first ($why)', ({ random, first }) => {
    const records = [srv('a', 0, 1), srv('b', 0, 3)];
    expect(orderSrv(records, replay(random, 0))[0]!.name).toBe(first);
  });

  it.each([
    { random: 0, first: 'z1', why: 'the zero-weight slot, first half' },
    { random: 0.04, first: 'z1', why: '0.04 × 11 = 0.44: the zero slot [0, 1), z1 half' },
    { random: 0.07, first: 'z2', why: '0.07 × 11 = 0.77: the zero slot, z2 half' },
    { random: 0.1, first: 'w', why: '0.1 × 11 = 1.1: w has slots [1, 11)' },
    { random: 0.99, first: 'w', why: 'top of the range' },
  ])('gives zero-weight records one shared slot: $random → $first ($why)', ({ random, first }) => {
    const records = [srv('w', 0, 10), srv('z1', 0, 0), srv('z2', 0, 0)];
    expect(orderSrv(records, replay(random, 0, 0))[0]!.name).toBe(first);
  });

  it('orders zero-weight records after weighted ones most of the time, but not always', () => {
    const shares = firstChoiceShares([srv('zero', 0, 0), srv('w', 0, 10)], 10_000, 7);
    expect(shares.zero).toBeCloseTo(1 / 11, 1);
    expect(shares.zero).toBeGreaterThan(0.06);
    expect(shares.zero).toBeLessThan(0.12);
  });

  it('orders records that all have weight 0 evenly at random', () => {
    const shares = firstChoiceShares([srv('a', 0, 0), srv('b', 0, 0), srv('c', 0, 0)], 9_000, 11);
    for (const name of ['a', 'b', 'c']) expect(Math.abs(shares[name]! - 1 / 3)).toBeLessThan(0.03);
  });

  it('makes first choices follow the weights over 10,000 draws (seeded)', () => {
    const records = [srv('a', 5, 60), srv('b', 5, 30), srv('c', 5, 10), srv('backup', 9, 1000)];
    const shares = firstChoiceShares(records, 10_000, 42);
    // Standard deviation at p = 0.6 and n = 10,000 is 0.005: 0.02 is four of them.
    expect(Math.abs(shares.a! - 0.6)).toBeLessThan(0.02);
    expect(Math.abs(shares.b! - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(shares.c! - 0.1)).toBeLessThan(0.02);
    expect(shares.backup).toBeUndefined();
  });

  it('draws without replacement: the second choice follows the remaining weights', () => {
    // Given a came first, b is second with 30/40 and c with 10/40.
    const random = seeded(3);
    let afterA = 0;
    let bSecond = 0;
    for (let i = 0; i < 10_000; i++) {
      const [first, second] = orderSrv([srv('a', 0, 60), srv('b', 0, 30), srv('c', 0, 10)], random);
      if (first!.name !== 'a') continue;
      afterA++;
      if (second!.name === 'b') bSecond++;
    }
    expect(Math.abs(bSecond / afterA - 0.75)).toBeLessThan(0.03);
  });

  it('tolerates a random source that returns 1 or garbage', () => {
    const records = [srv('a', 0, 1), srv('b', 0, 1)];
    expect(orderSrv(records, () => 1).map((r) => r.name)).toEqual(['b', 'a']);
    expect(orderSrv(records, () => Number.NaN).map((r) => r.name)).toEqual(['a', 'b']);
    expect(orderSrv(records, () => -5).map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('uses Math.random by default', () => {
    expect(orderSrv([srv('a', 1, 1), srv('b', 0, 1)]).map((r) => r.name)).toEqual(['b', 'a']);
  });
});

describe('orderSrvForDisplay', () => {
  it('sorts by priority, then weight descending, then name, then port', () => {
    const records = [
      srv('c', 10, 5),
      srv('b', 0, 5),
      srv('a', 0, 5, 8080),
      srv('a', 0, 5, 80),
      srv('z', 0, 50),
      srv('d', 10, 0),
    ];
    expect(orderSrvForDisplay(records).map((r) => `${r.priority}/${r.weight}/${r.name}:${r.port}`)).toEqual([
      '0/50/z:80',
      '0/5/a:80',
      '0/5/a:8080',
      '0/5/b:80',
      '10/5/c:80',
      '10/0/d:80',
    ]);
    expect(records[0]!.name).toBe('c'); // the input is left alone
  });
});

describe('isServiceUnavailable', () => {
  it.each([
    { records: [srv('', 0, 0, 0)], unavailable: true, why: 'Node reports the target "." as ""' },
    { records: [srv('.', 0, 0, 0)], unavailable: true, why: 'a literal "."' },
    { records: [], unavailable: false, why: 'no records is "no SRV", not "not available"' },
    { records: [srv('im.example.com', 0, 0)], unavailable: false, why: 'a real target' },
    { records: [srv('', 0, 0), srv('im.example.com', 0, 0)], unavailable: false, why: 'only a lone "." counts' },
  ])('$why → $unavailable', ({ records, unavailable }) => {
    expect(isServiceUnavailable(records)).toBe(unavailable);
  });
});

describe('parseHostPort', () => {
  it.each([
    { input: '10.0.0.53', host: '10.0.0.53', port: 53 },
    { input: '10.0.0.53:5300', host: '10.0.0.53', port: 5300 },
    { input: ' 127.0.0.1:1 ', host: '127.0.0.1', port: 1 },
    { input: '127.0.0.1:65535', host: '127.0.0.1', port: 65535 },
    { input: 'DNS1.Corp.Example.com', host: 'dns1.corp.example.com', port: 53 },
    { input: 'dns1.corp.example.com.:5353', host: 'dns1.corp.example.com', port: 5353 },
    { input: 'localhost:5300', host: 'localhost', port: 5300 },
    { input: '[::1]:5300', host: '::1', port: 5300 },
    { input: '[::1]', host: '::1', port: 53 },
    { input: '::1', host: '::1', port: 53 },
    { input: 'fd00::53', host: 'fd00::53', port: 53 },
    { input: '[2001:db8::1]:53', host: '2001:db8::1', port: 53 },
    { input: '[::ffff:10.0.0.1]:5300', host: '::ffff:10.0.0.1', port: 5300 },
  ])('$input → $host port $port', ({ input, host, port }) => {
    expect(parseHostPort(input, 53)).toEqual({ host, port });
  });

  it.each([
    { input: '', message: 'it is empty' },
    { input: '   ', message: 'it is empty' },
    { input: ':53', message: 'the host is missing' },
    { input: '10.0.0.53:', message: 'the port after ":" is missing' },
    { input: '10.0.0.53:abc', message: 'the port "abc" is not a number from 1 to 65535' },
    { input: '10.0.0.53:0', message: 'the port "0" is not a number from 1 to 65535' },
    { input: '10.0.0.53:65536', message: 'the port "65536" is not a number from 1 to 65535' },
    { input: '10.0.0.53:99999', message: 'the port "99999"' },
    { input: '10.0.0.53:-1', message: 'the port "-1"' },
    { input: '10.0.0.53:5 3', message: 'the port "5 3"' },
    { input: '10.0.0.256', message: '"10.0.0.256" is not a valid IPv4 address' },
    { input: '10.0.0', message: '"10.0.0" is not a valid IPv4 address' },
    { input: 'dns_1.example.com', message: 'the host name is not valid ("dns_1" is not a valid DNS label)' },
    { input: 'dns 1', message: 'the host name is not valid' },
    { input: '-dns.example.com', message: 'the host name is not valid' },
    { input: '[::1', message: 'the "[" of an IPv6 address is not closed' },
    { input: '[::1]5300', message: 'unexpected "5300" after "]"' },
    { input: '[::1]:', message: 'the port after ":" is missing' },
    { input: '[dns1]:53', message: '"dns1" in brackets is not an IPv6 address' },
    { input: '[10.0.0.1]:53', message: 'is not an IPv6 address' },
    { input: 'a:b:c', message: 'it has several ":" but is not an IPv6 address' },
    { input: 'http://10.0.0.1', message: 'give a host and port, not a URL' },
    { input: 'udp://[::1]:53', message: 'give a host and port, not a URL' },
  ])('rejects "$input": $message', ({ input, message }) => {
    expect(() => parseHostPort(input, 53)).toThrow(UsageError);
    expect(() => parseHostPort(input, 53)).toThrow(message);
    expect(() => parseHostPort(input, 53)).toThrow(`"${input}" is not a valid HOST[:PORT]`);
  });

  it('fails with exit code 2 and a hint at the accepted forms', () => {
    try {
      parseHostPort('10.0.0.53:0', 53);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      expect((error as UsageError).message).toMatch(/Use e\.g\. .*\[::1\]:5300\.$/);
    }
  });
});

describe('formatHostPort', () => {
  it.each([
    { host: '127.0.0.1', port: 5300, text: '127.0.0.1:5300' },
    { host: '::1', port: 5300, text: '[::1]:5300' },
    { host: 'dns1.example.com', port: 53, text: 'dns1.example.com:53' },
  ])('$host $port → $text', ({ host, port, text }) => {
    expect(formatHostPort({ host, port })).toBe(text);
    expect(parseHostPort(text, 1)).toEqual({ host, port });
  });
});
