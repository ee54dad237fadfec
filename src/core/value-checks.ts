/**
 * Input checks shared by the pure planners (the rebalance planner and failure headroom): a value
 * described for a message, and a home server's capacity.
 */
import { MAX_CAPACITY } from './limits.js';

/** A value as an error message shows it: strings quoted, anything else as `String` gives it. */
export function describeValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** The capacity, if it is an integer in [0, MAX_CAPACITY]; else throws, naming `what`. */
export function checkCapacity(what: string, capacity: unknown): number {
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 0 || capacity > MAX_CAPACITY) {
    throw new Error(
      `${what}: capacity must be an integer between 0 and ${MAX_CAPACITY}, got ${describeValue(capacity)}`,
    );
  }
  return capacity;
}
