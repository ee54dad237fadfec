// The bench report's figures and tables: one value as the report shows it; the results as Markdown and as text.
import { seconds } from './run.mjs';

export const fmt = (value, unit) => {
  if (value === undefined || value === null) return '—';
  if (unit === 's') return `${seconds(value)} s`;
  if (unit === 'ms') return `${value.toFixed(value < 100 ? 1 : 0)} ms`;
  if (unit === 'MB') return `${value.toFixed(0)} MB`;
  if (unit === 'rows/s') return `${Math.round(value).toLocaleString('en-US')} rows/s`;
  return String(value);
};

export function markdownTable({ head, rows }) {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 || i === 4 || i === 5 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function textTable({ head, rows }) {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
