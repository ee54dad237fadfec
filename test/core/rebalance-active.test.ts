/**
 * The planner under the active load: servers' `users` are their active users, `idle` the homed
 * users that carry no load. The same invariants as the homed planner's tests, with brute-force
 * proofs of minimality, plus: idle users move only where they must (orphans, drains).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planRebalance, type PlanInput, type PlanResult, type PlanServer } from '../../src/core/rebalance.js';

/** "A:3/5+4" is server A, capacity 3, 5 active users (A00..A04) and 4 idle (Ai00..Ai03); suffix x excluded, d draining. */
function servers(spec: string): PlanServer[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((tok) => {
      const m = /^(\w+):(\d+)\/(\d+)\+(\d+)([xd]?)$/.exec(tok);
      if (!m) throw new Error(`bad spec ${tok}`);
      const key = m[1]!;
      return {
        key,
        name: key.toLowerCase(),
        capacity: Number(m[2]),
        users: Array.from({ length: Number(m[3]) }, (_, i) => `${key}${String(i).padStart(2, '0')}`),
        idle: Array.from({ length: Number(m[4]) }, (_, i) => `${key}i${String(i).padStart(2, '0')}`),
        receive: m[5] !== 'x',
        drain: m[5] === 'd',
      };
    });
}

const ec = (s: PlanServer): number => (s.drain ? 0 : s.capacity);
const isReceiver = (s: PlanServer): boolean => s.receive && !s.drain;

/** Applies the moves, checking each; returns final active and idle loads per server. */
function apply(input: PlanInput, result: PlanResult): { active: number[]; idle: number[] } {
  const where = new Map<string, string | null>();
  const idle = new Set<string>();
  for (const s of input.servers) {
    for (const u of s.users) where.set(u, s.key);
    for (const u of s.idle ?? []) {
      where.set(u, s.key);
      idle.add(u);
    }
  }
  for (const u of input.orphans ?? []) where.set(u, null);
  for (const u of input.idleOrphans ?? []) {
    where.set(u, null);
    idle.add(u);
  }
  const receivers = new Set(input.servers.filter(isReceiver).map((s) => s.key));
  const moved = new Set<string>();
  for (const m of result.moves) {
    expect(where.has(m.user), `unknown user ${m.user}`).toBe(true);
    expect(moved.has(m.user), `user ${m.user} moved twice`).toBe(false);
    expect(where.get(m.user)).toBe(m.from);
    expect(receivers.has(m.to), `${m.user} moved to ${m.to}, not a receiver`).toBe(true);
    expect(m.idle === true, `idle flag of ${m.user}`).toBe(idle.has(m.user));
    moved.add(m.user);
    where.set(m.user, m.to);
  }
  const count = (key: string, isIdle: boolean) =>
    [...where].filter(([u, k]) => k === key && idle.has(u) === isIdle).length;
  return { active: input.servers.map((s) => count(s.key, false)), idle: input.servers.map((s) => count(s.key, true)) };
}

/**
 * The fewest moves of ANY valid plan, by brute force over final active loads: a valid plan ends
 * with every server's active load t_s within its effective capacity, excluded servers gaining
 * nothing, drains empty (idle users too), every orphan placed. For given t, at least
 * sum max(0, load_s - t_s) active users leave their server and every orphan and every idle user
 * of a drain moves; idle users elsewhere may stay. Returns Infinity when no t is valid.
 */
function bruteForceMinimum(input: PlanInput): number {
  const srvs = input.servers;
  const activeTotal = srvs.reduce((n, s) => n + s.users.length, 0) + (input.orphans ?? []).length;
  const forced =
    (input.orphans ?? []).length +
    (input.idleOrphans ?? []).length +
    srvs.filter((s) => s.drain).reduce((n, s) => n + (s.idle ?? []).length, 0);
  const hasReceiver = srvs.some(isReceiver);
  if (!hasReceiver && forced > 0) return Infinity;
  let best = Infinity;
  const t: number[] = [];
  const visit = (i: number, sum: number): void => {
    if (i === srvs.length) {
      if (sum !== activeTotal) return;
      const shed = srvs.reduce((n, s, k) => n + Math.max(0, s.users.length - t[k]!), 0);
      best = Math.min(best, shed + forced);
      return;
    }
    const s = srvs[i]!;
    const hi = isReceiver(s) ? ec(s) : Math.min(ec(s), s.users.length);
    for (let v = 0; v <= hi; v++) {
      t[i] = v;
      visit(i + 1, sum + v);
    }
  };
  visit(0, 0);
  return best;
}

/** Tiny random inputs with idle users and orphans. */
const tinyInput = fc
  .record({
    servers: fc.array(
      fc.record({
        cap: fc.integer({ min: 0, max: 5 }),
        active: fc.integer({ min: 0, max: 7 }),
        idle: fc.integer({ min: 0, max: 4 }),
        role: fc.constantFrom('r', 'r', 'r', 'x', 'd'),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    orphans: fc.integer({ min: 0, max: 3 }),
    idleOrphans: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ servers: list, orphans, idleOrphans }) => ({
    servers: list.map((s, i): PlanServer => {
      const key = String.fromCharCode(65 + i);
      return {
        key,
        name: key,
        capacity: s.cap,
        users: Array.from({ length: s.active }, (_, k) => `${key}${k}`),
        idle: Array.from({ length: s.idle }, (_, k) => `${key}i${k}`),
        receive: s.role !== 'x',
        drain: s.role === 'd',
      };
    }),
    orphans: Array.from({ length: orphans }, (_, k) => `o${k}`),
    idleOrphans: Array.from({ length: idleOrphans }, (_, k) => `oi${k}`),
  }));

/** The same input with the idle users left out: what the active load plans over. */
const activeOnly = (input: PlanInput): PlanInput => ({
  ...input,
  servers: input.servers.map(({ idle: _idle, ...s }) => s),
  idleOrphans: undefined,
});

describe('planRebalance under the active load: hand-worked cases', () => {
  it('moves only active users, the fewest; idle users stay where they are', () => {
    // A: 5 active + 4 idle, capacity 3 → 2 active users move; homed load 9 > 3 is not the question
    const input = { servers: servers('A:3/5+4 B:3/1+0') };
    const plan = planRebalance(input);
    expect(plan.feasible).toBe(true);
    expect(plan.moves).toEqual([
      { user: 'A03', from: 'A', to: 'B', reason: 'over-capacity' },
      { user: 'A04', from: 'A', to: 'B', reason: 'over-capacity' },
    ]);
    expect(plan.load.map((l) => [l.name, l.before, l.after, l.idle])).toEqual([
      ['a', 5, 3, { before: 4, after: 4 }],
      ['b', 1, 3, { before: 0, after: 0 }],
    ]);
    // The homed load would find no plan: 10 homed users, room for 6.
    const homed = planRebalance({
      servers: servers('A:3/5+4 B:3/1+0').map((s) => ({ ...s, users: [...s.users, ...s.idle!], idle: undefined })),
    });
    expect(homed.feasible).toBe(false);
  });

  it('re-homes idle orphans and empties drains of idle users too, without using room', () => {
    const input = { servers: servers('A:2/2+0 B:2/1+0 C:5/0+3d'), orphans: ['o1'], idleOrphans: ['o0', 'o2'] };
    const plan = planRebalance(input);
    expect(plan.minimalMoves).toBe(1 + 2 + 3);
    expect(plan.moves.map((m) => [m.user, m.reason, m.idle ?? false])).toEqual([
      ['o0', 'orphan', true],
      ['o1', 'orphan', false],
      ['o2', 'orphan', true],
      ['Ci00', 'drain', true],
      ['Ci01', 'drain', true],
      ['Ci02', 'drain', true],
    ]);
    const { active, idle } = apply(input, plan);
    expect(active).toEqual([2, 2, 0]);
    expect(idle.reduce((a, b) => a + b)).toBe(5);
    expect(plan.load.map((l) => l.after)).toEqual(active);
    expect(plan.load.map((l) => l.idle!.after)).toEqual(idle);
  });

  it('idle movers still need a server that may receive', () => {
    const plan = planRebalance({ servers: servers('A:5/0+0x'), idleOrphans: ['o0'] });
    expect(plan.feasible).toBe(false);
    expect(plan.shortfall).toBe(1);
    expect(plan.moves).toEqual([]);
  });

  it('without idle users the plan has no idle figures and is the homed plan', () => {
    const input = { servers: servers('A:3/5+0 B:3/1+0') };
    const withEmptyIdle = planRebalance(input);
    const without = planRebalance(activeOnly(input));
    expect(withEmptyIdle.moves).toEqual(without.moves);
    expect(without.load[0]).not.toHaveProperty('idle');
  });

  it('rejects an idle user listed also as active, or twice', () => {
    expect(() =>
      planRebalance({
        servers: [{ key: 'A', name: 'a', capacity: 3, users: ['u'], idle: ['u'], receive: true, drain: false }],
      }),
    ).toThrow(/listed twice on server "A"/);
    expect(() => planRebalance({ servers: servers('A:3/1+0'), orphans: ['x'], idleOrphans: ['x'] })).toThrow(
      /twice among the orphans/,
    );
  });
});

describe('planRebalance under the active load: properties', () => {
  it('valid, within capacity, and exactly the fewest moves (brute force over final loads)', () => {
    fc.assert(
      fc.property(tinyInput, fc.boolean(), (input, even) => {
        const plan = planRebalance({ ...input, even });
        const best = bruteForceMinimum(input);
        if (!plan.feasible) {
          if (!even) expect(best).toBe(Infinity);
          expect(plan.moves).toEqual([]);
          expect(plan.shortfall).toBeGreaterThan(0);
          return;
        }
        const { active, idle } = apply(input, plan);
        input.servers.forEach((s, i) => {
          expect(active[i]!).toBeLessThanOrEqual(ec(s));
          if (s.drain) expect(idle[i]).toBe(0);
          else expect(idle[i]!).toBeGreaterThanOrEqual(s.idle!.length); // idle users never leave a non-draining server
        });
        expect(plan.load.map((l) => l.after)).toEqual(active);
        expect(plan.load.map((l) => l.idle!.after)).toEqual(idle);
        if (!even) expect(plan.moves.length).toBe(best);
        else expect(plan.moves.length).toBeGreaterThanOrEqual(best);
        expect(plan.moves.length).toBe(plan.minimalMoves);
      }),
      { numRuns: 1500 },
    );
  }, 30_000);

  it("its active moves are the homed planner's plan over the active users alone (so evenness and --even carry over)", () => {
    fc.assert(
      fc.property(tinyInput, fc.boolean(), (input, even) => {
        const plan = planRebalance({ ...input, even });
        const homed = planRebalance({ ...activeOnly(input), even });
        const idleMovers =
          input.idleOrphans.length + input.servers.filter((s) => s.drain).reduce((n, s) => n + s.idle!.length, 0);
        if (!homed.feasible || (idleMovers > 0 && !input.servers.some(isReceiver))) {
          expect(plan.feasible).toBe(false);
          return;
        }
        expect(
          plan.moves.filter((m) => !m.idle).map(({ user, from, to, reason }) => ({ user, from, to, reason })),
        ).toEqual(homed.moves);
        expect(plan.moves.filter((m) => m.idle).length).toBe(idleMovers);
        expect(plan.load.map((l) => l.after)).toEqual(homed.load.map((l) => l.after));
      }),
      { numRuns: 1000 },
    );
  });

  it('maxMoves: a prefix of the full plan in priority order, never overfilling a receiver', () => {
    fc.assert(
      fc.property(tinyInput, fc.boolean(), fc.integer({ min: 0, max: 20 }), (input, even, maxMoves) => {
        const full = planRebalance({ ...input, even });
        if (!full.feasible) return;
        const capped = planRebalance({ ...input, even, maxMoves });
        expect(capped.moves.length).toBe(Math.min(maxMoves, full.minimalMoves));
        expect(capped.deferred).toBe(full.minimalMoves - capped.moves.length);
        const key = (m: { user: string; from: string | null; reason: string }) => `${m.user}|${m.from}|${m.reason}`;
        expect(capped.moves.map(key)).toEqual(full.moves.slice(0, capped.moves.length).map(key));
        const { active } = apply(input, capped);
        input.servers.forEach((s, i) => {
          if (active[i]! > s.users.length) expect(active[i]!).toBeLessThanOrEqual(s.capacity);
        });
      }),
      { numRuns: 600 },
    );
  }, 30_000);

  it('is deterministic: shuffled servers, users and orphans give the same plan', () => {
    fc.assert(
      fc.property(tinyInput, fc.boolean(), fc.integer(), (input, even, seed) => {
        let s = seed >>> 0;
        const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
        const shuffle = <T>(a: readonly T[]): T[] => {
          const b = [...a];
          for (let i = b.length - 1; i > 0; i--) {
            const j = Math.floor(rnd() * (i + 1));
            [b[i], b[j]] = [b[j]!, b[i]!];
          }
          return b;
        };
        const shuffled = {
          servers: shuffle(input.servers).map((x) => ({ ...x, users: shuffle(x.users), idle: shuffle(x.idle!) })),
          orphans: shuffle(input.orphans),
          idleOrphans: shuffle(input.idleOrphans),
        };
        expect(planRebalance({ ...shuffled, even }).moves).toEqual(planRebalance({ ...input, even }).moves);
      }),
      { numRuns: 500 },
    );
  });
});

describe('planRebalance under the active load: at scale', () => {
  it('plans 200,000 users (60 % idle) over 50 servers, moving only active users', () => {
    const list: PlanServer[] = [];
    let n = 0;
    for (let i = 0; i < 50; i++) {
      const size = i < 5 ? 20_000 : 2_000;
      const users: string[] = [];
      const idle: string[] = [];
      for (let k = 0; k < size; k++) (n++ % 5 < 2 ? users : idle).push(`u${n}`);
      list.push({
        key: `S${String(i).padStart(2, '0')}`,
        name: `s${i}`,
        capacity: 7_500,
        users,
        idle,
        receive: true,
        drain: false,
      });
    }
    const plan = planRebalance({ servers: list });
    expect(plan.feasible).toBe(true);
    const excess = list.reduce((sum, s) => sum + Math.max(0, s.users.length - 7_500), 0);
    expect(plan.moves.length).toBe(excess);
    expect(plan.moves.every((m) => !m.idle)).toBe(true);
    expect(plan.load.every((l) => l.after <= l.capacity && l.idle!.after === l.idle!.before)).toBe(true);
  });
});
