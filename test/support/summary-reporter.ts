/**
 * Adds plain closing lines that any CI log reader understands: the ten slowest test files with
 * their seconds (where a run's time goes), then `N passed, N failed, N skipped`.
 */
import type { Reporter, TestModule } from 'vitest/node';

/** How many of the slowest files are listed. */
const SLOWEST = 10;

/** A file's own time: its environment, set-up, import and every test and hook in it. */
export function moduleSeconds(module: TestModule): number {
  const d = module.diagnostic();
  return (d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration) / 1000;
}

/** `Slowest test files:` and one `  123.4 s  path` line each, slowest first; nothing for no files. */
export function slowestFiles(files: readonly { name: string; seconds: number }[], count = SLOWEST): string {
  if (files.length === 0) return '';
  const slowest = [...files].sort((a, b) => b.seconds - a.seconds).slice(0, count);
  const width = Math.max(...slowest.map((f) => f.seconds.toFixed(1).length));
  return `\nSlowest test files:\n${slowest.map((f) => `  ${f.seconds.toFixed(1).padStart(width)} s  ${f.name}`).join('\n')}\n`;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    const files = testModules.map((m) => ({ name: m.relativeModuleId, seconds: moduleSeconds(m) }));
    process.stdout.write(
      `${slowestFiles(files)}\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
