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
