/**
 * `users --limit N` (issue 30): the listing stops paging once it has N + 1 users, instead of reading
 * the whole domain to keep the first N (11,000 users read for --limit 1, 3.7 s), and says the list
 * was cut only when there were more.
 */
import { describe, expect, it } from 'vitest';
import { listUsers } from '../../src/services/user-list.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, ROUTER, WEST, imctlOnMemory, person } from '../support/run-imctl.js';

/** `n` users homed on im-east and im-west by turns, and `routed` on the router (orphans), last. */
function domain(n: number, routed = 0): MemoryDirectory {
  const users = Array.from({ length: n }, (_, i) => person(`u${String(i).padStart(5, '0')}`, i % 2 ? WEST : EAST));
  for (let i = 0; i < routed; i++) users.push(person(`r${i}`, ROUTER));
  return new MemoryDirectory([EAST, WEST, ROUTER], users);
}

describe('users --limit', () => {
  it('reads N + 1 users of 5,000 for --limit N, not all of them', async () => {
    const directory = domain(5000);
    const listed = await listUsers(directory, { limit: 1 });
    expect(listed.users).toHaveLength(1);
    expect(listed.cutAt).toBe(1);
    expect(listed.total).toBeUndefined();
    expect(directory.listed).toBe(2);
  });

  it('with --orphaned reads on until it has N + 1 orphans (the DC cannot filter those)', async () => {
    const directory = domain(3000, 4);
    directory.pageSize = 1000;
    const listed = await listUsers(directory, { limit: 2, orphaned: true });
    expect(listed.users.map((u) => u.sAMAccountName)).toEqual(['r0', 'r1']);
    expect(listed.cutAt).toBe(2);
    const all = await listUsers(domain(3000, 4), { limit: 4, orphaned: true });
    expect(all.cutAt).toBeUndefined();
    expect(all.total).toBe(4);
  });

  it('says the list was cut at N only when there were more (text and --json)', async () => {
    const cut = await imctlOnMemory(['users', '--limit', '3'], { directory: domain(50) });
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.stdout).toContain('3 users shown: the list was cut at --limit 3; there are more.');
    const whole = await imctlOnMemory(['users', '--limit', '50'], { directory: domain(50) });
    expect(whole.stdout).toContain('\n50 users.\n');
    expect(whole.stdout).not.toMatch(/cut/);
    const one = await imctlOnMemory(['users', '--limit', '5'], { directory: domain(1) });
    expect(one.stdout).toContain('\n1 user.\n');

    const cutJson = (await imctlOnMemory(['users', '--limit', '3', '--json'], { directory: domain(50) })).json();
    expect(cutJson).toMatchObject({ total: null, shown: 3, cutAt: 3 });
    expect(cutJson.users).toHaveLength(3);
    const wholeJson = (await imctlOnMemory(['users', '--limit', '50', '--json'], { directory: domain(50) })).json();
    expect(wholeJson).toMatchObject({ total: 50, shown: 50 });
    expect(wholeJson).not.toHaveProperty('cutAt');
  });
});
