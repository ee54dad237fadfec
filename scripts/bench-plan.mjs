#!/usr/bin/env node
// @ts-check
// Benchmark for the rebalance planner (src/core/rebalance.ts, compiled by tsc to build/).
// Builds 1,000,000 users over 200 home servers — a few far over the 7,500
// recommendation, some draining, some excluded (two of those over capacity),
// plus orphans — runs planRebalance 5 times and prints one JSON line:
//   {"users":…,"servers":…,"runs_ms":[…],"median_ms":…,"moves":…, …}
// Usage: npx tsc -p tsconfig.build.json && node scripts/bench-plan.mjs [--even] [--active]
// --active: the same 1,000,000 homed users, 60 % of them idle (--load active: only the rest count)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The compiled planner, typed as its source (build/ need not exist when the type check runs).
/** @type {typeof import('../src/core/rebalance.js')} */
const { planRebalance } = await import(
  pathToFileURL(join(import.meta.dirname, '..', 'build', 'core', 'rebalance.js')).href
);

const USERS = 1_000_000;
const SERVERS = 200;
const CAPACITY = 7_500;
const RUNS = 5;
const even = process.argv.includes('--even');
const active = process.argv.includes('--active');

// Deterministic PRNG (mulberry32) so every run benchmarks the same input.
let seed = 0x1badb002;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// Server layout: 0-4 far over capacity, 5-14 draining, 15-34 excluded
// (15 and 16 over capacity), the rest ordinary receivers.
/** @type {number[]} */
const sizes = [];
/** @typedef {import('../src/core/rebalance.js').PlanServer & { users: string[] }} Server */
/** @type {Server[]} */
const servers = [];
for (let i = 0; i < SERVERS; i++) {
  const drain = i >= 5 && i < 15;
  const excluded = i >= 15 && i < 35;
  sizes.push(i < 5 ? 40_000 : drain ? 5_000 : excluded ? (i < 17 ? 9_000 : 4_000) : 0);
  servers.push({
    key: `CN=IMHOME${String(i).padStart(3, '0')},CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Corp,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example,DC=com`,
    name: `IMHOME${String(i).padStart(3, '0')}`,
    capacity: CAPACITY,
    users: [],
    receive: !excluded,
    drain,
  });
}
const ORPHANS = 1_000;
const fixed = sizes.reduce((a, b) => a + b, 0);
let left = USERS - ORPHANS - fixed;
for (let i = 35; i < SERVERS; i++) {
  const remaining = SERVERS - i;
  const n = i === SERVERS - 1 ? left : Math.min(left, Math.round((left / remaining) * (0.5 + rand())));
  const size = Math.min(n, CAPACITY);
  sizes[i] = size;
  left -= size;
}
if (left !== 0) sizes[SERVERS - 1] = (sizes[SERVERS - 1] ?? 0) + left; // keep the total exact

// Users: DN-like keys in a shuffled order, dealt out to servers by size.
const ous = ['Sales', 'Engineering', 'Finance', 'Support', 'Operations', 'Legal', 'Marketing', 'HR'];
const perm = new Uint32Array(USERS);
for (let i = 0; i < USERS; i++) perm[i] = i;
for (let i = USERS - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  const t = /** @type {number} */ (perm[i]);
  perm[i] = /** @type {number} */ (perm[j]);
  perm[j] = t;
}
/** @param {number} n */
const userKey = (n) =>
  `CN=User ${String(n).padStart(7, '0')},OU=${ous[n % ous.length]},OU=Staff,DC=corp,DC=example,DC=com`;
let p = 0;
for (const [i, server] of servers.entries()) {
  for (let k = 0; k < (sizes[i] ?? 0); k++) server.users.push(userKey(perm[p++] ?? 0));
}
/** @type {string[]} */
const orphans = [];
while (p < USERS) orphans.push(userKey(perm[p++] ?? 0));
// Flatten the strings (as an LDAP client's parsed values are) before timing.
let sink = 0;
for (const s of servers) for (const u of s.users) sink += u.charCodeAt(u.length - 1);
for (const u of orphans) sink += u.charCodeAt(u.length - 1);
if (sink < 0) throw new Error('unreachable');

// --active: every 5th user in 3 of 5 is idle (homed, inactive); the active load is then planned.
// Server sizes stay as above, so the homed servers are 2.5 times as full as their active load.
if (active) {
  for (const s of servers) {
    const all = s.users;
    s.users = all.filter((_, k) => k % 5 < 2);
    s.idle = all.filter((_, k) => k % 5 >= 2);
  }
}
const idleOrphans = active ? orphans.filter((_, k) => k % 5 >= 2) : undefined;
const input = active
  ? { servers, orphans: orphans.filter((_, k) => k % 5 < 2), idleOrphans, even }
  : { servers, orphans, even };
/** @type {number[]} */
const runs = [];
/** @type {import('../src/core/rebalance.js').PlanResult | undefined} */
let result;
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  result = planRebalance(input);
  runs.push(Math.round((performance.now() - t0) * 10) / 10);
}
const sorted = [...runs].sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    users: USERS,
    servers: SERVERS,
    mode: (even ? 'even' : 'fit') + (active ? ', --load active (60 % idle)' : ''),
    runs_ms: runs,
    median_ms: sorted[Math.floor(sorted.length / 2)],
    moves: result?.moves.length,
    feasible: result?.feasible,
  }) + '\n',
);
