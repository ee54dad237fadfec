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

/** Cells of a utilisation bar; the capacity line sits at 100 % of BAR_SCALE, so over capacity shows past it. */
const BAR_CELLS = 20;
const BAR_SCALE = 1.25;

/**
 * `████████████▌···│····` — load against capacity at a glance: the line stands at capacity and
 * anything past it is red. Only for a colour terminal: piped or --no-color, tables stay plain text.
 */
export function utilisationBar(color: ChalkInstance, load: number, capacity: number): string {
  const line = Math.round(BAR_CELLS / BAR_SCALE);
  const ratio = capacity > 0 ? load / capacity : load > 0 ? BAR_SCALE : 0;
  const halves = Math.min(BAR_CELLS * 2, Math.round((ratio / BAR_SCALE) * BAR_CELLS * 2));
  let bar = '';
  for (let i = 0; i < BAR_CELLS; i++) {
    if (i === line) bar += color.dim('│');
    const glyph = halves >= (i + 1) * 2 ? '█' : halves === i * 2 + 1 ? '▌' : '';
    const paint = i >= line ? color.red : ratio >= 0.9 ? color.yellow : color.green;
    bar += glyph ? paint(glyph) : color.dim('·');
  }
  return bar;
}

/** Whether tables get bars: colour on (a terminal, no NO_COLOR, no --no-color). */
export function showsBars(color: ChalkInstance): boolean {
  return color.level > 0;
}
