/**
 * The rebalance planner's first steps (rebalance.ts): its input checked, the servers tallied —
 * what must move, and the room to take it — and each server's target, the load it ends with.
 */
import { checkDistinctUserKeys } from './distinct-user-keys.js';
import { compareKeys } from './key-order.js';
import type { PlanInput, Role, Srv } from './rebalance-types.js';
import { checkCapacity, describeValue } from './value-checks.js';
import { waterFill } from './water-fill.js';

/** The input checked, as the steps use it. */
export interface CheckedInput {
  srvs: Srv[];
  orphans: readonly string[];
  idleOrphans: readonly string[];
  maxMoves: number | undefined;
  /** Whether the input has idle users at all (the result then reports them). */
  withIdle: boolean;
}

/** Every part of `input` checked: servers, orphans, the moves cap, no user listed twice. */
export function checkPlanInput(input: PlanInput): CheckedInput {
  const srvs = validateServers(input);
  const orphans = input.orphans ?? [];
  if (!Array.isArray(orphans)) throw new Error('planRebalance: orphans must be an array');
  const idleOrphans = input.idleOrphans ?? [];
  if (!Array.isArray(idleOrphans)) throw new Error('planRebalance: idleOrphans must be an array');
  const maxMoves = input.maxMoves;
  if (maxMoves !== undefined && (typeof maxMoves !== 'number' || !Number.isInteger(maxMoves) || maxMoves < 0)) {
    throw new Error(`planRebalance: maxMoves must be a non-negative integer, got ${describeValue(maxMoves)}`);
  }
  checkDistinctUserKeys(srvs, orphans, idleOrphans);
  const withIdle = input.idleOrphans !== undefined || srvs.some((s) => input.servers[s.index]!.idle !== undefined);
  return { srvs, orphans, idleOrphans, maxMoves, withIdle };
}

function validateServers(input: PlanInput): Srv[] {
  if (input === null || typeof input !== 'object' || !Array.isArray(input.servers)) {
    throw new Error('planRebalance: input.servers must be an array');
  }
  const seen = new Set<string>();
  return input.servers.map((s, index) => {
    if (s === null || typeof s !== 'object' || typeof s.key !== 'string' || s.key === '') {
      throw new Error(`planRebalance: server #${index + 1} must have a non-empty string key`);
    }
    const label = `server ${JSON.stringify(s.key)}`;
    if (seen.has(s.key)) throw new Error(`planRebalance: duplicate server key ${JSON.stringify(s.key)}`);
    seen.add(s.key);
    const cap = checkCapacity(label, s.capacity);
    if (!Array.isArray(s.users)) throw new Error(`${label}: users must be an array`);
    if (s.idle !== undefined && !Array.isArray(s.idle)) throw new Error(`${label}: idle must be an array`);
    const role: Role = s.drain ? 'drain' : s.receive ? 'receiver' : 'excluded';
    return {
      index,
      key: s.key,
      name: typeof s.name === 'string' ? s.name : s.key,
      cap,
      users: s.users,
      idle: s.idle ?? [],
      load: s.users.length,
      role,
      target: s.users.length,
      taken: 0,
    };
  });
}

/** Effective capacity: what a server may end with (a draining one nothing). */
export function ec(s: Srv): number {
  return s.role === 'drain' ? 0 : s.cap;
}

/** What the servers and orphans add up to (see rebalance.ts, "Definitions"). */
export interface Tally {
  /** Active users that must move: orphans and every server's excess. */
  required: number;
  /** Idle users that must move: idle orphans and the idle users of draining servers. */
  idleMovers: number;
  /** The receivers' free room. */
  room: number;
  /** Active users in all, orphans included. */
  total: number;
  /** Users that excluded servers keep. */
  keptByExcluded: number;
}

export function tally({ srvs, orphans, idleOrphans }: CheckedInput): Tally {
  const t: Tally = {
    required: orphans.length,
    idleMovers: idleOrphans.length,
    room: 0,
    total: orphans.length,
    keptByExcluded: 0,
  };
  for (const s of srvs) {
    t.required += Math.max(0, s.load - ec(s));
    if (s.role === 'receiver') t.room += Math.max(0, s.cap - s.load);
    if (s.role === 'drain') t.idleMovers += s.idle.length;
    t.total += s.load;
    if (s.role === 'excluded') t.keptByExcluded += Math.min(s.load, s.cap);
  }
  return t;
}

/**
 * Each server's target: excluded and draining servers keep what fits; receivers take the
 * required moves water-filled (fit mode), or their fair share by capacity (even mode).
 */
export function setTargets(srvs: readonly Srv[], receivers: readonly Srv[], even: boolean, t: Tally): void {
  for (const s of srvs) if (s.role !== 'receiver') s.target = Math.min(s.load, ec(s));
  if (even) {
    evenTargets(receivers, t.total - t.keptByExcluded);
    return;
  }
  for (const r of receivers) r.target = Math.min(r.load, r.cap);
  const x = waterFill(
    receivers.map((r) => ({ key: r.key, load: r.load, cap: r.cap, room: Math.max(0, r.cap - r.load) })),
    t.required,
  );
  receivers.forEach((r, i) => (r.target += x[i]!));
}

/** Even-mode targets for the receivers (largest remainder, fewest moves). */
function evenTargets(receivers: readonly Srv[], P: number): void {
  let C = 0;
  for (const r of receivers) C += r.cap;
  if (C === 0) {
    for (const r of receivers) r.target = 0; // P === 0 here (feasibility checked)
    return;
  }
  const bigP = BigInt(P);
  const bigC = BigInt(C);
  const cands: { r: Srv; floor: number; rem: bigint }[] = [];
  let assigned = 0;
  for (const r of receivers) {
    const num = bigP * BigInt(r.cap);
    const floor = Number(num / bigC);
    const rem = num % bigC;
    r.target = floor;
    assigned += floor;
    if (rem > 0n) cands.push({ r, floor, rem });
  }
  let extra = P - assigned;
  cands.sort((a, b) => {
    const sa = a.r.load > a.floor ? 1 : 0; // a +1 here saves a move
    const sb = b.r.load > b.floor ? 1 : 0;
    if (sa !== sb) return sb - sa;
    if (a.rem !== b.rem) return a.rem > b.rem ? -1 : 1;
    if (a.r.load !== b.r.load) return b.r.load - a.r.load;
    return compareKeys(a.r.key, b.r.key);
  });
  for (const c of cands) {
    if (extra <= 0) break;
    c.r.target++;
    extra--;
  }
}
