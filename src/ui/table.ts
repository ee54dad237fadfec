/** cli-table3 with borders and headers coloured only when colour is on (it colours even when piped otherwise). */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

export function renderTable(
  color: ChalkInstance,
  head: string[],
  rows: (string | number)[][],
  align: ('left' | 'right' | 'center')[] = [],
): string {
  const table = new Table({
    head: head.map((h) => color.bold(h)),
    style: { head: [], border: [], compact: false, 'padding-left': 1, 'padding-right': 1 },
    colAligns: align,
    // No rule between rows: dense enough to scan 50 servers at a glance.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}

/** `82%`, coloured by how close to full it is. */
export function utilisation(color: ChalkInstance, load: number, capacity: number): string {
  if (capacity <= 0) return load > 0 ? color.red('over') : '-';
  const pct = Math.round((load / capacity) * 100);
  const text = `${pct}%`;
  return pct > 100 ? color.red.bold(text) : pct >= 90 ? color.yellow(text) : color.green(text);
}
