/**
 * V8 sized for memory rather than speed while a big plan is made. An import parsing a large file
 * and LDAP pages keeps little alive (100,000 rows: 4 MB live) but V8 grows its heap far past it;
 * --optimize-for-size cut the peak RSS of a 100,000-row dry run from 245 to 139 MB. It costs GC
 * time, so it is on only while `work` runs — and off again however it ends (a refused file is a
 * usage error), since V8's flags outlive the command in a process that runs several (the tests).
 */
import { setFlagsFromString } from 'node:v8';

export async function withCompactHeap<T>(work: () => Promise<T>): Promise<T> {
  setFlagsFromString('--optimize-for-size');
  try {
    return await work();
  } finally {
    setFlagsFromString('--no-optimize-for-size');
  }
}

/**
 * V8 collecting garbage sooner while a pass reads every user a page at a time (audit): such a pass
 * keeps little alive (audit at 90,000 IM users: ~30 MB after a full GC) but V8 lets the young
 * generation grow to 16 MB a semi-space and the old one to ~120 MB of garbage before it collects
 * (peak RSS 222–241 MB). The young generation stays at its starting size (no growth: the maximum
 * cannot change once the heap exists) and the old one is collected at 1.25× what survived. Measured
 * on the 100,000-user lab (load 2.3–2.7): peak RSS 127 MB against 222–232 MB, user CPU 10.3 s
 * against 5.6–6.6 s, wall 37.8 s against 32.7–34.7 s (the pass waits on the DC). As `node` options,
 * --max-semi-space-size=1 or 2 with --heap-growing-percent=10 or 20: 127–128 MB; the first alone: 227 MB; --optimize-for-size: 106 MB at
 * twice the CPU. Off again however the work ends, as withCompactHeap.
 */
export const LEAN_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=25'];
/** V8's defaults for the same flags (0: V8 decides). */
const DEFAULT_HEAP_FLAGS = ['--semi-space-growth-factor=2', '--heap-growing-percent=0'];

export async function withLeanHeap<T>(work: () => Promise<T>): Promise<T> {
  for (const flag of LEAN_HEAP_FLAGS) setFlagsFromString(flag);
  try {
    return await work();
  } finally {
    for (const flag of DEFAULT_HEAP_FLAGS) setFlagsFromString(flag);
  }
}
