// @ts-check
// The bench report's figures and tables: one value as the report shows it; the results as Markdown and as text.
import { seconds } from './run.mjs';

/** A results table: its head and rows of cells. @typedef {{ head: string[], rows: string[][] }} Table */

/**
 * @param {number | null | undefined} value
 * @param {string} [unit] 's' (value in ms), 'ms', 'MB', 'rows/s'; anything else prints the value as it is
 */
export const fmt = (value, unit) => {
  if (value === undefined || value === null) return '—';
  if (unit === 's') return `${seconds(value)} s`;
  if (unit === 'ms') return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
  // One decimal: a peak of 149.6 MB is not "150 MB" beside a "< 150 MB" target.
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === 'rows/s') return `${Math.round(value).toLocaleString('en-US')} rows/s`;
  return String(value);
};

/**
 * A ratio with two decimals, or three where two would land on the target's own figure (1.102× is
 * not "1.10×" beside "≤ 1.10×" and a MISS).
 * @param {number} ratio
 * @param {string} [target]
 */
export function ratioText(ratio, target = '') {
  const threshold = /([\d.]+)×/.exec(target)?.[1];
  const two = ratio.toFixed(2);
  return `${threshold !== undefined && Number(two) === Number(threshold) && ratio !== Number(threshold) ? ratio.toFixed(3) : two}×`;
}

/** @param {Table} table */
export function markdownTable({ head, rows }) {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 || i === 4 || i === 5 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** @param {Table} table */
export function textTable({ head, rows }) {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ r) =>
    r.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
