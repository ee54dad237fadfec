/**
 * Failure headroom for `imctl servers`: if any one home server failed, would its users fit in
 * the others' free room? Pure; it shares only its input checks with the rebalance planner.
 */
import { checkCapacity, describeValue } from './value-checks.js';

export interface HeadroomServer {
  key: string;
  name: string;
  capacity: number;
  load: number;
}

export interface HeadroomEntry {
  key: string;
  name: string;
  load: number;
  /** Free room (capacity - load, if positive) summed over the other servers. */
  othersFreeRoom: number;
  /** Users that would not fit if this server failed: max(0, load - othersFreeRoom). */
  shortBy: number;
}

export interface Headroom {
  survivesAnySingleFailure: boolean;
  /** The failure that hurts most (largest shortBy, then largest load, then key); null with < 2 servers. */
  worst: HeadroomEntry | null;
  perServer: HeadroomEntry[];
}

/**
 * Single-failure headroom: for each server s, could the others' free room
 * absorb its users? othersFreeRoom(s) = sum over t != s of max(0, cap_t - load_t);
 * shortBy(s) = max(0, load_s - othersFreeRoom(s)).
 */
export function failureHeadroom(servers: readonly HeadroomServer[]): Headroom {
  if (!Array.isArray(servers)) throw new Error('failureHeadroom: servers must be an array');
  const seen = new Set<string>();
  let totalFree = 0;
  for (const [i, s] of servers.entries()) {
    if (s === null || typeof s !== 'object' || typeof s.key !== 'string' || s.key === '') {
      throw new Error(`failureHeadroom: server #${i + 1} must have a non-empty string key`);
    }
    if (seen.has(s.key)) throw new Error(`failureHeadroom: duplicate server key ${JSON.stringify(s.key)}`);
    seen.add(s.key);
    checkCapacity(`failureHeadroom: server ${JSON.stringify(s.key)}`, s.capacity);
    if (typeof s.load !== 'number' || !Number.isInteger(s.load) || s.load < 0) {
      throw new Error(
        `failureHeadroom: server ${JSON.stringify(s.key)}: load must be a non-negative integer, got ${describeValue(s.load)}`,
      );
    }
    totalFree += Math.max(0, s.capacity - s.load);
  }
  const perServer: HeadroomEntry[] = servers.map((s) => {
    const othersFreeRoom = totalFree - Math.max(0, s.capacity - s.load);
    return { key: s.key, name: s.name, load: s.load, othersFreeRoom, shortBy: Math.max(0, s.load - othersFreeRoom) };
  });
  let worst: HeadroomEntry | null = null;
  if (perServer.length >= 2) {
    for (const e of perServer) {
      if (
        worst === null ||
        e.shortBy > worst.shortBy ||
        (e.shortBy === worst.shortBy && (e.load > worst.load || (e.load === worst.load && e.key < worst.key)))
      ) {
        worst = e;
      }
    }
  }
  return {
    survivesAnySingleFailure: perServer.every((e) => e.shortBy === 0),
    worst: worst === null ? null : { ...worst },
    perServer,
  };
}
