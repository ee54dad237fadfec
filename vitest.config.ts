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
          // One directory shared by every file: run files one after another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
