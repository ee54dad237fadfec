// @ts-check
/**
 * The figures other documents quote from the last bench, made from its record (the Results table
 * and Run section of docs/benchmarks.md, which scripts/bench.mjs writes): the bench rewrites these
 * blocks after each run, and test/docs/measured-figures.test.ts checks they match the record.
 */
import { join, resolve } from 'node:path';

/** @typedef {{ metric: string, imctl: string, reference: string, ratio: string, target: string, result: string }} BenchRow */

/**
 * Whether a bench run is the record the other documents quote: every section (no `--only`),
 * written to docs/benchmarks.md. Only such a run rewrites their blocks.
 * @param {{ only: string | undefined, out: string, repo: string }} run `only`: the --only option as given
 */
export function isRecordRun({ only, out, repo }) {
  return only === undefined && resolve(out) === join(repo, 'docs', 'benchmarks.md');
}

/**
 * The rows of the Results table, and the run's date and load line.
 * @param {string} markdown docs/benchmarks.md
 * @returns {{ rows: BenchRow[], date: string, load: string }}
 */
export function benchRecord(markdown) {
  const results = markdown.slice(markdown.indexOf('## Results'), markdown.indexOf('## Details'));
  const rows = results
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| metric '))
    .map((line) => {
      const [metric = '', imctl = '', reference = '', ratio = '', target = '', result = ''] = line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim());
      return { metric, imctl, reference, ratio, target, result };
    });
  const date = /^- date: (\d{4}-\d{2}-\d{2})/m.exec(markdown)?.[1] ?? '?';
  const load = /^- load average \(1\/5\/15 min\): (.*)$/m.exec(markdown)?.[1] ?? '?';
  return { rows, date, load };
}

/**
 * The row whose metric starts with `prefix`.
 * @param {BenchRow[]} rows
 * @param {string} prefix
 */
function row(rows, prefix) {
  const found = rows.find((r) => r.metric.startsWith(prefix));
  if (!found) throw new Error(`docs/benchmarks.md has no result "${prefix}…"`);
  return found;
}

/** @param {BenchRow} r */
const verdict = (r) => (r.result ? ` (target ${r.target}: ${r.result === 'pass' ? 'met' : 'missed'})` : '');

/**
 * The README's blocks.
 * @param {string} markdown docs/benchmarks.md
 * @returns {Record<string, string>}
 */
export function readmeBenchBlocks(markdown) {
  const { rows, date, load } = benchRecord(markdown);
  const version = row(rows, 'start-up: installed imctl --version');
  const help = row(rows, 'start-up: installed imctl --help');
  const list = rows
    .filter((r) => r.result !== '')
    .map(
      (r) => `- ${r.metric}: ${r.ratio === '—' ? r.imctl : `${r.ratio} (${r.imctl} vs ${r.reference})`}${verdict(r)}`,
    );
  return {
    'bench-startup': `In the last bench ([docs/benchmarks.md](docs/benchmarks.md)) the installed \`--version\` and \`--help\` took ${version.ratio} and ${help.ratio} of the time of \`node -e 0\`.\n`,
    'bench-summary': [`Last run (${date}; load average ${load}):`, '', ...list, ''].join('\n'),
  };
}

/**
 * The lines of one Details section of the record (`### <title>…` up to the next heading), each
 * made a list item.
 * @param {string} markdown docs/benchmarks.md
 * @param {string} title the start of the section's heading
 * @returns {string[]}
 */
function detailLines(markdown, title) {
  const start = markdown.indexOf(`\n### ${title}`);
  if (start === -1) throw new Error(`docs/benchmarks.md has no section "${title}…"`);
  const body = markdown.slice(markdown.indexOf('\n', start + 1) + 1);
  const end = body.search(/^#/m);
  return (end === -1 ? body : body.slice(0, end))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (line.startsWith('- ') ? line : `- ${line}`));
}

/**
 * docs/kerberos.md's blocks: the sealed bulk enable against ldapmodify -Y GSSAPI, and that run's
 * timings (imctl sealed, the reference, imctl over TLS, the write phases, the layer's counts).
 * @param {string} markdown docs/benchmarks.md
 * @returns {Record<string, string>}
 */
export function kerberosBenchBlocks(markdown) {
  const { rows, date } = benchRecord(markdown);
  const sealed = row(rows, 'sealed bulk enable');
  const timings = detailLines(markdown, 'Sealed').filter((line) => !/^- (imctl|reference|TLS): /.test(line));
  return {
    'bench-sealed': `The last bench (${date}, docs/benchmarks.md): ${sealed.metric}: ${sealed.imctl} against ${sealed.reference}, ${sealed.ratio}${verdict(sealed)}.\n`,
    'bench-sealed-runs': `${timings.join('\n')}\n`,
  };
}
