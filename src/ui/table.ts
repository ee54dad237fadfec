/** cli-table3 with borders and headers coloured only when colour is on (it colours even when piped otherwise). */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

/** How a table gives way on a narrow terminal (`width`: its columns; undefined = not a terminal, no limit). */
export interface TableFit {
  width?: number | undefined;
  /** Columns left out, in this order, while the table is wider than `width` (e.g. a bar). */
  drop?: number[];
  /** Columns made narrower after that, down to `min` characters: long text wraps at spaces, or is cut with "…". */
  shrink?: { column: number; min: number; mode: 'wrap' | 'truncate' }[];
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns a cell's widest line takes on a terminal. */
export function textWidth(text: string): number {
  return Math.max(
    0,
    ...String(text)
      .replace(ANSI, '')
      .split('\n')
      .map((line) => [...line].length),
  );
}

export function renderTable(
  color: ChalkInstance,
  head: string[],
  rows: (string | number)[][],
  align: ('left' | 'right' | 'center')[] = [],
  fit: TableFit = {},
): string {
  let columns = head.map((_, i) => i);
  // Each column's width with its padding; the table adds one border per column and one more.
  const natural = (i: number) => Math.max(textWidth(head[i]!), ...rows.map((r) => textWidth(String(r[i] ?? '')))) + 2;
  const total = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + widths.length + 1;
  const width = fit.width;
  if (width !== undefined) {
    for (const column of fit.drop ?? []) {
      if (total(columns.map(natural)) <= width) break;
      columns = columns.filter((c) => c !== column);
    }
  }
  const widths = new Map(columns.map((c) => [c, natural(c)]));
  const shrunk = new Map<number, 'wrap' | 'truncate'>();
  if (width !== undefined) {
    const shrinkable = (fit.shrink ?? []).filter((s) => widths.has(s.column));
    let excess = total([...widths.values()]) - width;
    while (excess > 0) {
      // The widest column that may still give way gives one character.
      const next = shrinkable
        .filter((s) => widths.get(s.column)! - 2 > s.min)
        .sort((a, b) => widths.get(b.column)! - widths.get(a.column)!)[0];
      if (!next) break;
      widths.set(next.column, widths.get(next.column)! - 1);
      shrunk.set(next.column, next.mode);
      excess--;
    }
  }
  const table = new Table({
    head: columns.map((i) => color.bold(head[i]!)),
    style: { head: [], border: [], compact: false, 'padding-left': 1, 'padding-right': 1 },
    colAligns: columns.map((i) => align[i] ?? 'left'),
    // Only the columns that gave way get a fixed width; the others keep their own.
    colWidths: columns.map((i) => (shrunk.has(i) ? widths.get(i)! : null)) as number[],
    wordWrap: true,
    // No rule between rows: dense enough to scan 50 servers at a glance.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows)
    table.push(
      columns.map((i) =>
        shrunk.get(i) === 'truncate' ? { content: String(row[i] ?? ''), wordWrap: false } : String(row[i] ?? ''),
      ),
    );
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
