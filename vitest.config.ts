import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The unit tier (two projects) and integration tests against the real lab DC (Samba AD on
// loopback), which is started once per run by the global setup and shared.

/** Unit files that change process-wide state (the umask) a worker thread may not touch, or count it
 * (open descriptors, which another worker thread opens and closes meanwhile): they run
 * in a process of their own. Everything else in the unit tier runs in worker threads, which start
 * and import faster than processes (about a quarter less CPU for the tier on this machine). */
const PROCESS_WIDE = ['test/io/report.test.ts', 'test/io/csv-source.test.ts'];

/** True when the run names only unit projects (`--project 'unit*'`): no lab is built meanwhile. */
function unitTierOnly(argv: readonly string[]): boolean {
  const projects = argv.flatMap((arg, i) =>
    arg === '--project' ? [argv[i + 1] ?? ''] : arg.startsWith('--project=') ? [arg.slice('--project='.length)] : [],
  );
  return projects.length > 0 && projects.every((name) => name.startsWith('unit'));
}

export default defineConfig({
  test: {
    // vitest's default is one worker fewer than the cores: a single worker on this 2-core machine.
    // Alone (`npm run test:unit`) the unit tier takes a worker per core: its files wait on the
    // child processes and terminals they start, and one worker left a core idle (70 s → 43 s,
    // measured back to back). In a whole run it keeps to one: the lab is being built meanwhile and
    // is the longer path (lab up 151 s with one unit worker, 174 s with two, on clean clones).
    maxWorkers: unitTierOnly(process.argv) ? availableParallelism() : 1,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // The unit tier runs first, while the integration project's global setup builds and, on a
          // fresh machine, provisions the lab in the background.
          sequence: { groupOrder: 0 },
          pool: 'threads',
          // vitest's 5 s default fails the property tests (a second of CPU) on a machine as busy as a
          // shared CI runner gets (load 17 on 2 cores, measured); a hang still fails within 20 s.
          testTimeout: 20_000,
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.lab.test.ts', '**/node_modules/**', ...PROCESS_WIDE],
        },
      },
      {
        test: {
          name: 'unit-process',
          sequence: { groupOrder: 0 },
          pool: 'forks',
          include: PROCESS_WIDE,
        },
      },
      {
        test: {
          name: 'integration',
          // Tests that cross the wire are named *.lab.test.ts, beside the unit tests of the same module.
          include: ['test/**/*.lab.test.ts'],
          globalSetup: ['test/support/lab-setup.ts'],
          // Each lab file starts once the lab is up.
          setupFiles: ['test/support/lab-ready.ts'],
          sequence: { groupOrder: 1 },
          // One directory shared by every file: run files one after another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
