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
          include: ['test/core/**/*.test.ts', 'test/config/**/*.test.ts', 'test/io/**/*.test.ts', 'test/dns/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/directory/errors.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
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
