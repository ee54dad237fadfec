import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests of pure logic, and integration tests against the real lab DC
// (Samba AD on loopback), which is started once per run by the global setup and shared.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // The unit tier runs first, while the integration project's global setup builds and, on a
          // fresh machine, provisions the lab in the background.
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.lab.test.ts', '**/node_modules/**'],
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
