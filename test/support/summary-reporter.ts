/**
 * Adds plain closing lines that any CI log reader understands: the ten slowest test files with
 * their seconds (where a run's time goes), then `N passed, N failed, N skipped`. A whole run
 * (`npm test`: no file filter, both tiers) that passes also writes docs/test-suite.md, so the
 * figures the README cites come from the run that measured them, never typed by hand.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { LAB_READY_ENV, labResult } from './lab-ready-file.js';

/** How many of the slowest files are listed. */
const SLOWEST = 10;

/** A file's own time: its environment, import and every test and hook in it. Setup files are left
 * out: the only one is the lab files' wait for the lab (lab-ready.ts), which the record shows as
 * the lab's own line instead of charging it to whichever lab file came first. */
export function moduleSeconds(module: TestModule): number {
  const d = module.diagnostic();
  return (d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.duration) / 1000;
}

/** `Slowest test files:` and one `  123.4 s  path` line each, slowest first; nothing for no files. */
export function slowestFiles(files: readonly { name: string; seconds: number }[], count = SLOWEST): string {
  if (files.length === 0) return '';
  const slowest = [...files].sort((a, b) => b.seconds - a.seconds).slice(0, count);
  const width = Math.max(...slowest.map((f) => f.seconds.toFixed(1).length));
  return `\nSlowest test files:\n${slowest.map((f) => `  ${f.seconds.toFixed(1).padStart(width)} s  ${f.name}`).join('\n')}\n`;
}

/** The record of a whole passing run, as docs/test-suite.md holds it. */
export function suiteRecord(run: {
  passed: number;
  skipped: number;
  seconds: number;
  files: readonly { name: string; seconds: number; project: string }[];
  when: Date;
  cores: number;
  load: number;
  /** How long `lab.sh up` took, when the run started it (provisioning from nothing, or a start). */
  labSeconds?: number | undefined;
}): string {
  const tier = (project: string) => {
    const files = run.files.filter((f) => f.project.startsWith(project));
    return `${files.length} files, ${files.reduce((sum, f) => sum + f.seconds, 0).toFixed(0)} s`;
  };
  return `# The test suite's last whole run

Written by \`test/support/summary-reporter.ts\` at the end of a whole \`npm test\` that passed (no file
filter, both tiers, the build and the lab's start included): these figures are that run's, not typed by hand.

| | |
|---|---|
| when | ${run.when.toISOString().slice(0, 16).replace('T', ' ')} UTC |
| machine | ${run.cores} cores, load average ${run.load.toFixed(1)} at the end |
| tests | ${run.passed.toLocaleString('en-US')} passed, ${run.skipped} skipped |
| wall time of \`vitest run\` | ${(run.seconds / 60).toFixed(1)} min (${run.seconds.toFixed(0)} s) |
${run.labSeconds === undefined ? '' : `| lab up | ${run.labSeconds.toFixed(0)} s, in the background during the build and the unit tier |\n`}| unit tier | ${tier('unit')} |
| lab tier | ${tier('integration')} (one file at a time, against the lab DC) |

Slowest files:

\`\`\`
${slowestFiles(run.files).trim().split('\n').slice(1).join('\n')}
\`\`\`
`;
}

/** True when vitest was started with no file filter and no --project: the whole suite. */
function wholeRun(argv: readonly string[]): boolean {
  const args = argv.slice(argv.findIndex((a) => a === 'run') + 1);
  return args.every((a) => a.startsWith('--') && !a.startsWith('--project'));
}

export default class SummaryReporter implements Reporter {
  private readonly started = Date.now();

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
    const files = testModules.map((m) => ({
      name: m.relativeModuleId,
      seconds: moduleSeconds(m),
      project: m.project.name,
    }));
    process.stdout.write(
      `${slowestFiles(files)}\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
    const projects = new Set(files.map((f) => f.project));
    if (failed === 0 && passed > 0 && projects.has('integration') && projects.size > 1 && wholeRun(process.argv)) {
      const record = suiteRecord({
        passed,
        skipped,
        seconds: (Date.now() - this.started) / 1000,
        files,
        when: new Date(),
        cores: cpus().length,
        load: loadavg()[0]!,
        labSeconds: labResult(process.env[LAB_READY_ENV])?.seconds,
      });
      writeFileSync(join(import.meta.dirname, '..', '..', 'docs', 'test-suite.md'), record);
    }
  }
}
