/**
 * Lines that fit the terminal, broken where a reader expects: a terminal wraps a long line at
 * its last column, mid-word ("msExchIMPhysicalU" / "RL"). Here a line breaks at the last space
 * that fits; a word longer than the room left (a URL, a DN) breaks after a "/" or "," inside it,
 * else where it must. Continuation lines hang under the text they continue: after a line's
 * indent, its marker ("●", "✘", "⚠", "was") and a label set off by two or more spaces (the
 * review's attribute names, show's "Home server URL"), so a value wraps under the value. Colour (SGR) is carried across a
 * break. Pure: text in, text out.
 */

import type { Output } from './output.js';

const SGR = /^\x1b\[[0-9;]*m/;
const RESET = '\x1b[0m';
/** Indent, marker, label: what continuation lines hang under. */
const HANG = /^(\s*)((?:[●✘=⚠✔] |was )?)((?:\S+(?: \S+)* {2,})?)/;
/** Where an over-long word may break: after one of these. */
const WORD_BREAKS = new Set(['/', ',', '&', '?']);

/** `text` printed on `out`, broken at words to its terminal's width less one column (some terminals wrap on the last). */
export function printFitted(out: Output, text = ''): void {
  out.print(wrapToWidth(text, out.columns === undefined ? undefined : out.columns - 1));
}

/** `text` written to stderr on `out`, broken at words to that terminal's width less one column. */
export function infoFitted(out: Output, text = ''): void {
  out.info(wrapToWidth(text, out.errColumns === undefined ? undefined : out.errColumns - 1));
}

interface Cell {
  /** The character, with any SGR sequences just before it. */
  text: string;
  char: string;
}

/** `text` with every line wrapped to `width` columns; undefined width (not a terminal): as it is. */
export function wrapToWidth(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  return text
    .split('\n')
    .map((line) => wrapLine(line, width).join('\n'))
    .join('\n');
}

function cellsOf(line: string): { cells: Cell[]; trailing: string } {
  const cells: Cell[] = [];
  let pending = '';
  for (let i = 0; i < line.length;) {
    const sgr = SGR.exec(line.slice(i));
    if (sgr) {
      pending += sgr[0];
      i += sgr[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i)!);
    cells.push({ text: pending + char, char });
    pending = '';
    i += char.length;
  }
  return { cells, trailing: pending };
}

function wrapLine(line: string, width: number): string[] {
  const { cells, trailing } = cellsOf(line);
  if (cells.length <= width) return [line];
  const plain = cells.map((cell) => cell.char).join('');
  const hangMatch = HANG.exec(plain)!;
  // A hang that leaves less than half the width is not worth keeping.
  const hang = hangMatch[0].length <= width / 2 ? hangMatch[0].length : hangMatch[1]!.length;
  const lines: string[] = [];
  let sgrSoFar = '';
  let start = 0;
  let room = width;
  let prefix = '';
  while (cells.length - start > room) {
    // The first line does not break inside its own hang (the padding after a label).
    const end = breakAt(cells, start, room, start === 0 ? hang : start);
    const piece = cells.slice(start, end);
    const body = piece.map((cell) => cell.text).join('');
    lines.push(`${prefix}${sgrSoFar}${body}`.trimEnd() + (/\x1b\[/.test(sgrSoFar + body) ? RESET : ''));
    for (const cell of piece) sgrSoFar += cell.text.slice(0, cell.text.length - cell.char.length);
    if (sgrSoFar.endsWith(RESET)) sgrSoFar = '';
    start = end;
    // The space a line broke at is not carried to the next.
    while (start < cells.length && cells[start]!.char === ' ') {
      sgrSoFar += cells[start]!.text.slice(0, -1);
      start++;
    }
    prefix = ' '.repeat(hang);
    room = width - hang;
  }
  lines.push(
    `${prefix}${sgrSoFar}${cells
      .slice(start)
      .map((cell) => cell.text)
      .join('')}${trailing}`,
  );
  return lines;
}

/** The end (exclusive) of the piece of `cells` from `start` that fits in `room`, breaking after `from`. */
function breakAt(cells: readonly Cell[], start: number, room: number, from: number): number {
  const limit = start + room;
  // At a space: the line ends before it.
  if (cells[limit]?.char === ' ') return limit;
  for (let i = limit - 1; i > from; i--) if (cells[i]!.char === ' ') return i;
  // One word longer than the room: after a "/" or "," inside it, else where it must.
  for (let i = limit - 1; i > from; i--) if (WORD_BREAKS.has(cells[i]!.char)) return i + 1;
  return limit;
}
