import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The unit tier (two projects) and integration tests against the real lab DC (Samba AD on
// loopback), which is started once per run by the global setup and shared.

/** Unit files that change process-wide state (the umask) a worker thread may not touch: they run
 * in a process of their own. Everything else in the unit tier runs in worker threads, which start
 * and import faster than processes (about a quarter less CPU for the tier on this machine). */
const PROCESS_WIDE = ['test/io/report.test.ts'];

export default defineConfig({
  test: {
    // vitest's default is one worker fewer than the cores: a single worker on this 2-core machine,
    // which left a core idle while unit files wait on the child processes and terminals they start
    // (`npm run test:unit`: 70 s with one worker, 43 s with two, measured back to back). The lab
    // project runs its files one at a time whatever this says (fileParallelism: false).
    maxWorkers: availableParallelism(),
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
