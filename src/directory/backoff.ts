/**
 * Retrying a busy or lost DC: how often and how long to wait between attempts, shared by the
 * connection's reads and the writer's compare-and-set writes.
 */

/** Attempts after the first; with the back-off below a DC has about 9 s to come back. */
export const RETRIES = 8;

export function backoffMs(attempt: number): number {
  return Math.min(2000, 100 * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
