// Start-up time: how long `imctl --version` and `imctl --help` take against bare `node -e 0`,
// each the median of several runs taken interleaved in the same run (so drift and load hit all
// alike), after one warm-up each (page cache). No lab needed. Used by scripts/bench.mjs
// (section "startup"); run alone while working on start-up:
//   node scripts/bench-lib/startup.mjs [--runs N]      (build first: npm run build)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { median, runOk } from './run.mjs';

export const STARTUP_TARGET = 1.3;

/** The cases: the npm package's launcher (what `npm install -g` runs), bare node, and the single executable if built. */
export function startupCases(repo) {
  const launcher = join(repo, 'bin', 'imctl');
  const exe = join(repo, 'dist', `imctl-${process.platform}-${process.arch}`);
  return [
    { key: 'version', name: 'node bin/imctl --version', command: process.execPath, args: [launcher, '--version'] },
    { key: 'help', name: 'node bin/imctl --help', command: process.execPath, args: [launcher, '--help'] },
    { key: 'bare', name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
    ...(existsSync(exe) ? [{ key: 'exe', name: `dist/imctl-${process.platform}-${process.arch} --version (single executable)`, command: exe, args: ['--version'] }] : []),
  ];
}

/** Times every case `runs` times; returns each case with its times (ms) and median, and the ratios to bare node. */
export async function measureStartup(repo, { runs = 10, env = process.env } = {}) {
  const cases = startupCases(repo);
  const times = cases.map(() => []);
  const once = (c) => runOk(c.command, c.args, { env, cwd: repo, stdout: 'ignore' });
  for (const c of cases) await once(c);
  for (let i = 0; i < runs; i++) for (const [k, c] of cases.entries()) times[k].push((await once(c)).ms);
  const measured = cases.map((c, k) => ({ ...c, times: times[k], median: median(times[k]) }));
  const bare = measured.find((c) => c.key === 'bare').median;
  return { cases: measured, bare, ratio: Object.fromEntries(measured.map((c) => [c.key, c.median / bare])) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const repo = join(import.meta.dirname, '..', '..');
  const result = await measureStartup(repo, { runs: Number(values.runs) });
  for (const c of result.cases) {
    const ratio = c.key === 'bare' ? '' : `  ${result.ratio[c.key].toFixed(2)}× node -e 0${c.key === 'exe' ? '' : ` (target ≤ ${STARTUP_TARGET}×)`}`;
    process.stdout.write(`${c.name.padEnd(60)} median ${c.median.toFixed(1)} ms${ratio}\n`);
  }
}
