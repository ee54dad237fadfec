/** Physical line numbers of the import file's records, as an editor shows them. */
import type { CsvError } from 'csv-parse';

function countChar(fields: readonly string[], ch: string): number {
  let n = 0;
  for (const f of fields) {
    let at = f.indexOf(ch);
    while (at !== -1) {
      n++;
      at = f.indexOf(ch, at + 1);
    }
  }
  return n;
}

/**
 * Physical line numbers (what an editor shows). csv-parse's `info.lines` is not
 * usable for this: it counts every CR and LF inside a quoted value as a line (a
 * CRLF inside quotes counts twice, a bare CR once) and is not yet up to date
 * when the last record of a file ending in a bare CR is emitted. Instead: a
 * record starts on the line after the previous record ended, plus the empty
 * lines csv-parse skipped in between (`info.empty_lines`), and ends as many lines
 * later as it holds LF characters (only a quoted value can hold one).
 */
export class LineTracker {
  private lastEnd = 0;
  private lastEmpty = 0;

  /** Start line of a record csv-parse has just emitted. */
  record(fields: readonly string[], info: { empty_lines: number }): number {
    const start = this.lastEnd + 1 + Math.max(0, info.empty_lines - this.lastEmpty);
    this.lastEmpty = info.empty_lines;
    this.lastEnd = start + countChar(fields, '\n');
    return start;
  }

  /** Start line of the record csv-parse failed on. */
  failed(err: CsvError): number {
    const empty = typeof err['empty_lines'] === 'number' ? err['empty_lines'] : this.lastEmpty;
    return this.lastEnd + 1 + Math.max(0, empty - this.lastEmpty);
  }
}
