import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planRebalance, type PlanInput, type PlanResult, type PlanServer } from '../../src/core/rebalance.js';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/**
 * Compact server spec: "A:10/14" is server A, capacity 10, 14 users (A00..A13);
 * suffix "x" = excluded (receive=false), "d" = draining.
 */
function servers(spec: string): PlanServer[] {
  if (spec.trim() === '') return [];
  return spec
    .trim()
    .split(/\s+/)
    .map((tok) => {
      const m = /^(\w+):(\d+)\/(\d+)([xd]?)$/.exec(tok);
      if (!m) throw new Error(`bad spec ${tok}`);
      const key = m[1]!;
      return {
        key,
        name: key.toLowerCase(),
        capacity: Number(m[2]),
        users: Array.from({ length: Number(m[3]) }, (_, i) => `${key}${String(i).padStart(2, '0')}`),
        receive: m[4] !== 'x',
        drain: m[4] === 'd',
      };
    });
}

const orphanKeys = (n: number): string[] => Array.from({ length: n }, (_, i) => `o${i}`);

const ec = (s: PlanServer): number => (s.drain ? 0 : s.capacity);
const isReceiver = (s: PlanServer): boolean => s.receive && !s.drain;

/** Applies the moves, checking each is consistent; returns the final home of every user. */
function apply(input: PlanInput, result: PlanResult): { where: Map<string, string | null>; loads: number[] } {
  const where = new Map<string, string | null>();
  for (const s of input.servers) for (const u of s.users) where.set(u, s.key);
  for (const u of input.orphans ?? []) where.set(u, null);
  const keys = new Set(input.servers.map((s) => s.key));
  const moved = new Set<string>();
  for (const m of result.moves) {
    expect(where.has(m.user), `unknown user ${m.user}`).toBe(true);
    expect(moved.has(m.user), `user ${m.user} moved twice`).toBe(false);
    expect(where.get(m.user)).toBe(m.from);
    expect(keys.has(m.to)).toBe(true);
    moved.add(m.user);
    where.set(m.user, m.to);
  }
  const loads = input.servers.map((s) => [...where.values()].filter((k) => k === s.key).length);
  return { where, loads };
}

/** Exact fraction n/d (d > 0). */
type Frac = readonly [number, number];
const cmpFrac = (a: Frac, b: Frac): number => a[0] * b[1] - b[0] * a[1];

/**
 * THE evenness objective of the default mode: final utilisations load/capacity
 * of the servers with capacity > 0, sorted in decreasing order; a plan is more
 * even when this vector is lexicographically smaller.
 */
function utilVector(srvs: readonly PlanServer[], loads: readonly number[]): Frac[] {
  const v: Frac[] = [];
  srvs.forEach((s, i) => {
    if (s.capacity > 0) v.push([loads[i]!, s.capacity]);
  });
  return v.sort((a, b) => cmpFrac(b, a));
}
function cmpVec(a: readonly Frac[], b: readonly Frac[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = cmpFrac(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** All integer vectors v with 0 <= v[i] <= bounds[i]. */
function* vectors(bounds: readonly number[]): Generator<number[]> {
  const v = bounds.map(() => 0);
  for (;;) {
    yield [...v];
    let i = 0;
    while (i < v.length && v[i] === bounds[i]) v[i++] = 0;
    if (i === v.length) return;
    v[i]!++;
  }
}

interface Reference {
  feasible: boolean;
  shortfall: number;
  minMoves: number;
  best: Frac[] | null;
}

/**
 * Brute force over every final LOAD vector. Users on one server are
 * interchangeable, so a final load vector f needs exactly
 * sum_i max(0, load_i - f_i) + orphans moves (a server ending below its load
 * loses that many; one ending above only receives). `bruteUsers` below checks
 * this reasoning by enumerating every per-user assignment on tiny inputs.
 */
function bruteLoads(input: PlanInput): Reference {
  const srvs = input.servers;
  const orphans = input.orphans?.length ?? 0;
  const loads = srvs.map((s) => s.users.length);
  const total = loads.reduce((a, b) => a + b, orphans);
  // Final loads allowed: within (effective) capacity; non-receivers cannot gain.
  const bounds = srvs.map((s, i) => (isReceiver(s) ? Math.min(s.capacity, total) : Math.min(ec(s), loads[i]!)));
  const placeable = Math.min(
    total,
    bounds.reduce((a, b) => a + b, 0),
  );
  let minMoves = Infinity;
  let best: Frac[] | null = null;
  let evenMoves = Infinity;
  const excludedKeep = srvs.reduce((a, s, i) => a + (!s.receive && !s.drain ? Math.min(loads[i]!, s.capacity) : 0), 0);
  const P = total - excludedKeep;
  const C = srvs.reduce((a, s) => a + (isReceiver(s) ? s.capacity : 0), 0);
  for (const f of vectors(bounds)) {
    if (f.reduce((a, b) => a + b, 0) !== total) continue;
    const moves = f.reduce((a, fi, i) => a + Math.max(0, loads[i]! - fi), orphans);
    if (input.even) {
      // valid even target: receivers within one user of fair share P*c/C, excluded keep min(load, cap), drains 0
      const ok = srvs.every((s, i) =>
        isReceiver(s)
          ? C === 0
            ? f[i] === 0
            : Math.abs(f[i]! * C - P * s.capacity) < C
          : f[i] === (s.drain ? 0 : Math.min(loads[i]!, s.capacity)),
      );
      if (ok) evenMoves = Math.min(evenMoves, moves);
    }
    const vec = utilVector(srvs, f);
    if (moves < minMoves || (moves === minMoves && best !== null && cmpVec(vec, best) < 0)) {
      minMoves = moves;
      best = vec;
    }
  }
  const feasible = placeable === total;
  if (input.even && feasible) return { feasible, shortfall: 0, minMoves: evenMoves, best: null };
  return { feasible, shortfall: total - placeable, minMoves, best };
}

/** Brute force over every per-user final assignment (tiny inputs only). */
function bruteUsers(input: PlanInput): Reference {
  const srvs = input.servers;
  const origin: number[] = [];
  srvs.forEach((s, i) => s.users.forEach(() => origin.push(i)));
  for (const _ of input.orphans ?? []) origin.push(-1);
  let minMoves = Infinity;
  let best: Frac[] | null = null;
  const dest = origin.map(() => 0);
  const visit = (u: number): void => {
    if (u === origin.length) {
      const f = srvs.map(() => 0);
      for (const d of dest) f[d]!++;
      if (srvs.some((s, i) => f[i]! > ec(s))) return;
      const moves = dest.filter((d, k) => d !== origin[k]).length;
      const vec = utilVector(srvs, f);
      if (moves < minMoves || (moves === minMoves && best !== null && cmpVec(vec, best) < 0)) {
        minMoves = moves;
        best = vec;
      }
      return;
    }
    for (let d = 0; d < srvs.length; d++) {
      if (d !== origin[u] && !isReceiver(srvs[d]!)) continue; // only receivers gain users
      dest[u] = d;
      visit(u + 1);
    }
  };
  visit(0);
  return { feasible: minMoves !== Infinity, shortfall: -1, minMoves, best };
}

/** Deterministic Fisher–Yates with a small LCG. */
function shuffle<T>(arr: readonly T[], seed: number): T[] {
  const out = [...arr];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const serverArb = (maxCap: number, maxUsers: number) =>
  fc
    .record({
      // mostly roomy servers, some tiny ones, so that most cases are feasible but not all
      cap: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: maxCap }), weight: 3 },
        { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 1 },
      ),
      receive: fc.integer({ min: 0, max: 4 }).map((x) => x !== 0), // 80% receive
      drain: fc.integer({ min: 0, max: 6 }).map((x) => x === 0), // ~14% drain
    })
    .chain((s) =>
      fc
        .oneof(
          { arbitrary: fc.integer({ min: 0, max: Math.min(s.cap, maxUsers) }), weight: 2 }, // within capacity
          { arbitrary: fc.integer({ min: 0, max: maxUsers }), weight: 1 },
        )
        .map((n) => ({ ...s, n })),
    );

const inputArb = (o: { maxServers: number; maxCap: number; maxUsers: number; maxOrphans: number }) =>
  fc
    .record({
      srvs: fc.array(serverArb(o.maxCap, o.maxUsers), { minLength: 1, maxLength: o.maxServers }),
      orphans: fc.integer({ min: 0, max: o.maxOrphans }),
      even: fc.boolean(),
      maxMoves: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    })
    .map(({ srvs, orphans, even, maxMoves, seed }) => {
      // user keys are shuffled across servers so that per-server lists are unsorted
      const total = srvs.reduce((a, s) => a + s.n, 0);
      const pool = shuffle(
        Array.from({ length: total + orphans }, (_, i) => `u${String(i).padStart(3, '0')}`),
        seed,
      );
      let p = 0;
      const input: PlanInput = {
        servers: srvs.map((s, i) => ({
          key: `S${i}`,
          name: `srv${i}`,
          capacity: s.cap,
          users: pool.slice(p, (p += s.n)),
          receive: s.receive,
          drain: s.drain,
        })),
        orphans: pool.slice(p),
        even,
      };
      return { input, maxMoves, seed };
    });

/** Checks every structural promise of a feasible, uncapped plan; returns final loads. */
function checkPlan(input: PlanInput, r: PlanResult): number[] {
  const { where, loads } = apply(input, r);
  expect(r.feasible).toBe(true);
  expect(r.shortfall).toBe(0);
  expect(r.deferred).toBe(0);
  expect(r.moves.length).toBe(r.minimalMoves);
  // every orphan placed, nobody left on nothing
  expect([...where.values()].every((k) => k !== null)).toBe(true);
  const byKey = new Map(input.servers.map((s) => [s.key, s]));
  const sources = new Set(r.moves.map((m) => m.from));
  for (const m of r.moves) {
    expect(isReceiver(byKey.get(m.to)!)).toBe(true); // only receivers gain
    expect(sources.has(m.to)).toBe(false); // a server that sheds never receives
  }
  input.servers.forEach((s, i) => {
    expect(loads[i]!).toBeLessThanOrEqual(ec(s));
    expect(r.load[i]).toEqual({
      key: s.key,
      name: s.name,
      capacity: s.capacity,
      before: s.users.length,
      after: loads[i],
      target: loads[i],
    });
    // a shedding server sheds exactly its lexicographically greatest keys
    const shed = r.moves.filter((m) => m.from === s.key).map((m) => m.user);
    const sorted = [...s.users].sort();
    expect([...shed].sort()).toEqual(sorted.slice(sorted.length - shed.length));
  });
  return loads;
}

const REASON_RANK = { orphan: 0, drain: 1, 'over-capacity': 2, even: 3 } as const;

// ---------------------------------------------------------------------------
// Hand-worked cases
// ---------------------------------------------------------------------------

describe('planRebalance: hand-worked cases', () => {
  interface Row {
    spec: string;
    orphans?: number;
    even?: boolean;
    maxMoves?: number;
    after: string; // final loads (of the returned moves), input order
    moves: number;
    minimal?: number;
    shortfall?: number;
  }
  // prettier-ignore
  const rows: [string, Row][] = [
    ['already balanced: nothing moves',            { spec: 'A:10/5 B:10/5',           after: '5 5',      moves: 0 }],
    ['one server over: C fills to 5, tie B<C',     { spec: 'A:10/14 B:10/5 C:10/2',   after: '10 6 5',   moves: 4 }],
    ['by capacity: 6 orphans split 4:2',           { spec: 'A:20/0 B:10/0', orphans: 6, after: '4 2',   moves: 6 }],
    ['tie on utilisation goes to larger capacity', { spec: 'A:1/0 B:2/0', orphans: 2,  after: '0 2',      moves: 2 }],
    ['drain: all 4 leave, to the emptiest',        { spec: 'A:10/4d B:10/6 C:10/0',   after: '0 6 4',    moves: 4 }],
    ['drain wins over receive',                    { spec: 'A:10/3d B:10/0',          after: '0 3',      moves: 3 }],
    ['excluded: sheds excess, never receives',     { spec: 'A:10/13x B:10/2x C:10/5', after: '10 2 8',   moves: 3 }],
    ['orphans fill the lowest utilisation',        { spec: 'A:10/8 B:5/0', orphans: 3, after: '8 3',    moves: 3 }],
    ['infeasible: exact shortfall, no moves',      { spec: 'A:10/15 B:10/8 C:10/2x', orphans: 2, after: '15 8 2', moves: 0, minimal: 7, shortfall: 5 }],
    ['infeasible: only excluded servers',          { spec: 'A:5/7x B:9/0x',           after: '7 0',      moves: 0, minimal: 2, shortfall: 2 }],
    ['maxMoves keeps orphans, then drains',        { spec: 'A:10/3d B:10/12 C:10/0', orphans: 2, maxMoves: 4, after: '1 12 4', moves: 4, minimal: 7 }],
    ['maxMoves 0',                                 { spec: 'A:10/12 B:10/0', maxMoves: 0, after: '12 0', moves: 0, minimal: 2 }],
    ['maxMoves above need changes nothing',        { spec: 'A:10/12 B:10/0', maxMoves: 99, after: '10 2', moves: 2 }],
    ['even: exact fair shares 3/3/6',              { spec: 'A:10/10 B:10/0 C:20/2', even: true, after: '3 3 6', moves: 7 }],
    ['even: +1 where it saves a move',             { spec: 'A:10/7 B:10/0 C:10/0', even: true, after: '3 2 2', moves: 4 }],
    ['even: +1 by largest remainder otherwise',    { spec: 'A:3/0 B:4/0 C:10/0', orphans: 7, even: true, after: '1 2 4', moves: 7 }],
    ['even: a saving +1 beats a larger remainder',  { spec: 'A:3/0 B:4/0 C:10/7', even: true, after: '1 1 5', moves: 2 }],
    ['even: excluded keep theirs',                 { spec: 'A:10/9x B:10/0 C:10/4', even: true, after: '9 2 2', moves: 2 }],
    ['even: drain and orphans',                    { spec: 'A:10/4d B:10/1 C:30/3', orphans: 4, even: true, after: '0 3 9', moves: 8 }],
    ['even: equal remainders go to the fuller',     { spec: 'A:10/0 B:10/2', orphans: 3, even: true, after: '2 3', moves: 3 }],
    ['even: infeasible like fit mode',             { spec: 'A:10/12 B:10/9', orphans: 1, even: true, after: '12 9', moves: 0, minimal: 3, shortfall: 2 }],
    ['zero-capacity receiver must shed',           { spec: 'A:0/3 B:10/1',            after: '0 4',      moves: 3 }],
    ['zero-capacity receiver never receives',      { spec: 'A:0/0 B:10/0', orphans: 2, after: '0 2',      moves: 2 }],
    ['empty input',                                { spec: '',                         after: '',         moves: 0 }],
    ['empty input with orphans is infeasible',     { spec: '', orphans: 2,             after: '',         moves: 0, minimal: 2, shortfall: 2 }],
  ];
  it.each(rows)('%s', (_title, row) => {
    const input: PlanInput = { servers: servers(row.spec), orphans: orphanKeys(row.orphans ?? 0), even: row.even };
    if (row.maxMoves !== undefined) input.maxMoves = row.maxMoves;
    const r = planRebalance(input);
    expect(r.load.map((l) => l.after).join(' ')).toBe(row.after);
    expect(r.moves).toHaveLength(row.moves);
    expect(r.minimalMoves).toBe(row.minimal ?? row.moves);
    expect(r.shortfall).toBe(row.shortfall ?? 0);
    expect(r.feasible).toBe((row.shortfall ?? 0) === 0);
    expect(r.deferred).toBe(r.feasible ? r.minimalMoves - r.moves.length : 0);
    expect(apply(input, r).loads.join(' ')).toBe(row.after);
  });

  it('moves the lexicographically greatest users, orphans first, with reasons', () => {
    const input: PlanInput = {
      servers: [
        { key: 'B', name: 'b', capacity: 2, users: ['carol', 'alice', 'dave', 'bob'], receive: true, drain: false },
        { key: 'A', name: 'a', capacity: 5, users: ['zed'], receive: true, drain: true },
        { key: 'C', name: 'c', capacity: 10, users: [], receive: true, drain: false },
      ],
      orphans: ['oscar', 'mallory'],
    };
    expect(planRebalance(input).moves).toEqual([
      { user: 'mallory', from: null, to: 'C', reason: 'orphan' },
      { user: 'oscar', from: null, to: 'C', reason: 'orphan' },
      { user: 'zed', from: 'A', to: 'C', reason: 'drain' },
      { user: 'carol', from: 'B', to: 'C', reason: 'over-capacity' },
      { user: 'dave', from: 'B', to: 'C', reason: 'over-capacity' },
    ]);
  });

  it('even mode: capacity sheds before evenness sheds; the cap keeps them first', () => {
    // A: cap 4, 6 users -> 2 must go (capacity); fair share is 2, so 2 more (even)
    const input: PlanInput = { servers: servers('A:4/6 B:4/0 C:4/0'), even: true };
    const full = planRebalance(input);
    expect(full.moves.map((m) => `${m.user}:${m.reason}`)).toEqual([
      'A04:over-capacity',
      'A05:over-capacity',
      'A02:even',
      'A03:even',
    ]);
    expect(full.requiredMoves).toBe(2);
    const capped = planRebalance({ ...input, maxMoves: 2 });
    expect(capped.moves.map((m) => m.reason)).toEqual(['over-capacity', 'over-capacity']);
    expect(capped.moves.map((m) => m.to)).toEqual(['B', 'C']); // a capped plan is water-filled too
    expect(capped.deferred).toBe(2);
    expect(capped.load.map((l) => [l.after, l.target])).toEqual([
      [4, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('is independent of server and user order', () => {
    const a = planRebalance({ servers: servers('A:10/14 B:10/5 C:10/2 D:20/0'), orphans: ['o1', 'o2'] });
    const reordered = servers('D:20/0 C:10/2 B:10/5 A:10/14').map((s) => ({ ...s, users: [...s.users].reverse() }));
    const b = planRebalance({ servers: reordered, orphans: ['o2', 'o1'] });
    expect(b.moves).toEqual(a.moves);
  });
});

describe('planRebalance: at scale', () => {
  it('finds one duplicate among 200,000 users and plans a 200-server fleet within capacity', () => {
    const fleet: PlanServer[] = Array.from({ length: 200 }, (_, i) => ({
      key: `CN=IM${String(i).padStart(3, '0')},DC=corp`,
      name: `IM${i}`,
      capacity: 1500,
      users: Array.from({ length: i < 3 ? 5000 : 900 }, (_, k) => `CN=U${i}-${k},DC=corp`),
      receive: i % 10 !== 9,
      drain: i % 50 === 7,
    }));
    const dup = fleet.map((s, i) => (i === 150 ? { ...s, users: [...s.users, 'CN=U2-4321,DC=corp'] } : s));
    expect(() => planRebalance({ servers: dup })).toThrow(
      /"CN=U2-4321,DC=corp" is listed on both server "CN=IM002,DC=corp" and server "CN=IM150,DC=corp"/,
    );
    const r = planRebalance({ servers: fleet });
    const excess = fleet.reduce((a, s) => a + Math.max(0, s.users.length - ec(s)), 0);
    expect(r.feasible).toBe(true);
    expect(r.moves).toHaveLength(excess);
    r.load.forEach((l, i) => expect(l.after).toBeLessThanOrEqual(ec(fleet[i]!)));
    const gainers = r.load.filter((l, i) => l.after > l.before && isReceiver(fleet[i]!)).map((l) => l.after);
    expect(Math.max(...gainers) - Math.min(...gainers)).toBeLessThanOrEqual(1); // same capacity: level fill
  });
});

describe('planRebalance: input validation', () => {
  const ok = (): PlanServer[] => servers('A:10/2 B:10/1');
  it.each<[string, () => PlanInput, RegExp]>([
    ['negative capacity', () => ({ servers: [{ ...ok()[0]!, capacity: -1 }] }), /capacity must be an integer/],
    ['fractional capacity', () => ({ servers: [{ ...ok()[0]!, capacity: 2.5 }] }), /capacity must be an integer/],
    ['NaN capacity', () => ({ servers: [{ ...ok()[0]!, capacity: NaN }] }), /capacity must be an integer/],
    ['duplicate server key', () => ({ servers: [ok()[0]!, ok()[0]!] }), /duplicate server key "A"/],
    [
      'user on two servers',
      () => ({ servers: [ok()[0]!, { ...ok()[1]!, users: ['A01'] }] }),
      /"A01" is listed on both server "A" and server "B"/,
    ],
    [
      'user twice on a server',
      () => ({ servers: [{ ...ok()[0]!, users: ['x', 'y', 'x'] }] }),
      /"x" is listed twice on server "A"/,
    ],
    [
      'orphan also on a server',
      () => ({ servers: ok(), orphans: ['B00'] }),
      /"B00" is listed on both server "B" and the orphans/,
    ],
    ['orphan twice', () => ({ servers: ok(), orphans: ['o', 'o'] }), /"o" is listed twice among the orphans/],
    ['negative maxMoves', () => ({ servers: ok(), maxMoves: -1 }), /maxMoves must be a non-negative integer/],
    [
      'non-string user',
      () => ({ servers: [{ ...ok()[0]!, users: [7 as unknown as string] }] }),
      /user keys must be strings/,
    ],
  ])('%s', (_t, make, msg) => {
    expect(() => planRebalance(make())).toThrow(msg);
  });
});

// ---------------------------------------------------------------------------
// Properties against brute force
// ---------------------------------------------------------------------------

describe('planRebalance: properties against brute force', () => {
  it('fit mode: fewest moves, within capacity, leximax-optimal evenness (per-user brute force, tiny inputs)', () => {
    fc.assert(
      fc.property(inputArb({ maxServers: 4, maxCap: 4, maxUsers: 3, maxOrphans: 2 }), ({ input }) => {
        const users = input.servers.reduce((a, s) => a + s.users.length, input.orphans!.length);
        fc.pre(users <= 6);
        const fit = { ...input, even: false };
        const ref = bruteUsers(fit);
        const r = planRebalance(fit);
        expect(r.feasible).toBe(ref.feasible);
        if (!ref.feasible) return;
        const loads = checkPlan(fit, r);
        expect(r.moves.length).toBe(ref.minMoves);
        expect(utilVector(fit.servers, loads)).toEqual(ref.best);
      }),
      { numRuns: 200, seed: 20240601 },
    );
  });

  it('fit mode: fewest moves, within capacity, leximax-optimal evenness, exact shortfall (load-vector brute force)', () => {
    fc.assert(
      fc.property(inputArb({ maxServers: 4, maxCap: 12, maxUsers: 8, maxOrphans: 3 }), ({ input }) => {
        const fit = { ...input, even: false };
        const ref = bruteLoads(fit);
        const r = planRebalance(fit);
        expect(r.feasible).toBe(ref.feasible);
        expect(r.shortfall).toBe(ref.shortfall);
        if (!ref.feasible) {
          expect(r.moves).toEqual([]);
          expect(r.load.map((l) => l.after)).toEqual(fit.servers.map((s) => s.users.length));
          return;
        }
        const loads = checkPlan(fit, r);
        expect(r.moves.length).toBe(ref.minMoves);
        expect(r.requiredMoves).toBe(ref.minMoves);
        expect(utilVector(fit.servers, loads)).toEqual(ref.best);
      }),
      { numRuns: 300, seed: 1337 },
    );
  });

  it('even mode: within one user of fair share, fewest moves among valid targets', () => {
    fc.assert(
      fc.property(inputArb({ maxServers: 4, maxCap: 12, maxUsers: 8, maxOrphans: 3 }), ({ input }) => {
        const ev = { ...input, even: true };
        const ref = bruteLoads(ev);
        const r = planRebalance(ev);
        expect(r.feasible).toBe(ref.feasible);
        expect(r.shortfall).toBe(ref.shortfall);
        if (!ref.feasible) {
          expect(r.moves).toEqual([]);
          return;
        }
        const loads = checkPlan(ev, r);
        expect(r.moves.length).toBe(ref.minMoves);
        // fair share P * cap / C for receivers; excluded keep min(load, cap); drains end empty
        const srvs = ev.servers;
        const total = loads.reduce((a, b) => a + b, 0);
        const P = total - srvs.reduce((a, s, i) => a + (isReceiver(s) || s.drain ? 0 : loads[i]!), 0);
        const C = srvs.reduce((a, s) => a + (isReceiver(s) ? s.capacity : 0), 0);
        srvs.forEach((s, i) => {
          if (isReceiver(s)) {
            if (C === 0) expect(loads[i]).toBe(0);
            else expect(Math.abs(loads[i]! * C - P * s.capacity)).toBeLessThan(C);
          } else expect(loads[i]).toBe(s.drain ? 0 : Math.min(s.users.length, s.capacity));
        });
        // the moves needed for capacity alone are exactly the fit-mode plan's
        expect(r.requiredMoves).toBe(planRebalance({ ...ev, even: false }).minimalMoves);
      }),
      { numRuns: 300, seed: 4242 },
    );
  });

  it('maxMoves: a prefix of the full plan in priority order, never overfilling a receiver', () => {
    fc.assert(
      fc.property(inputArb({ maxServers: 4, maxCap: 12, maxUsers: 8, maxOrphans: 3 }), ({ input, maxMoves }) => {
        const full = planRebalance(input);
        const capped = planRebalance({ ...input, maxMoves: maxMoves ?? 3 });
        const k = Math.min(maxMoves ?? 3, full.minimalMoves);
        if (!full.feasible) {
          expect(capped).toEqual(full);
          return;
        }
        expect(capped.moves).toHaveLength(k);
        expect(capped.minimalMoves).toBe(full.minimalMoves);
        expect(capped.deferred).toBe(full.minimalMoves - k);
        const strip = (ms: PlanResult['moves']) => ms.map(({ user, from, reason }) => ({ user, from, reason }));
        expect(strip(capped.moves)).toEqual(strip(full.moves).slice(0, k));
        const ranks = full.moves.map((m) => REASON_RANK[m.reason]);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        const { loads } = apply(input, capped);
        input.servers.forEach((s, i) => {
          expect(capped.load[i]!.after).toBe(loads[i]);
          expect(capped.load[i]!.target).toBe(full.load[i]!.after);
          // receivers never exceed the uncapped plan's load (hence capacity)
          if (loads[i]! > s.users.length) expect(loads[i]!).toBeLessThanOrEqual(full.load[i]!.after);
        });
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it('is deterministic: shuffled servers, users and orphans give the same plan', () => {
    fc.assert(
      fc.property(inputArb({ maxServers: 4, maxCap: 12, maxUsers: 8, maxOrphans: 3 }), ({ input, maxMoves, seed }) => {
        const withCap: PlanInput = { ...input, maxMoves };
        const shuffled: PlanInput = {
          ...withCap,
          servers: shuffle(input.servers, seed).map((s, i) => ({ ...s, users: shuffle(s.users, seed + i) })),
          orphans: shuffle(input.orphans!, seed + 7),
        };
        const a = planRebalance(withCap);
        const b = planRebalance(shuffled);
        expect(b.moves).toEqual(a.moves);
        const byKey = (r: PlanResult) => [...r.load].sort((x, y) => (x.key < y.key ? -1 : 1));
        expect(byKey(b)).toEqual(byKey(a));
        expect({ ...b, moves: null, load: null }).toEqual({ ...a, moves: null, load: null });
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
