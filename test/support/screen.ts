/**
 * A terminal's screen, as far as imctl's output can move the cursor: printable characters at the
 * cursor (wrapping at the last column, as xterm does on the next character), `\r`, `\n` (with
 * the tty's onlcr: back to column 0), erase-line (`ESC [2K`); other escape sequences (colour,
 * cursor visibility) change no cell. stdout and stderr write to the one screen, in the order
 * they are written, as they do on a real terminal.
 */
import { Writable } from 'node:stream';

export class Screen {
  private readonly rows: string[][] = [[]];
  private row = 0;
  private col = 0;

  constructor(readonly columns: number) {}

  /** A terminal stream (isTTY, columns) that writes onto this screen. */
  stream(): Writable & { isTTY: true; columns: number } {
    const stream = new Writable({
      decodeStrings: false,
      write: (chunk: string | Buffer, _encoding, callback) => {
        this.put(chunk.toString());
        callback();
      },
    });
    return Object.assign(stream, { isTTY: true as const, columns: this.columns });
  }

  put(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        const sequence = /^\x1b\[[?0-9;]*[A-Za-z]/.exec(text.slice(i));
        if (sequence?.[0] === '\x1b[2K') this.rows[this.row] = [];
        i += (sequence?.[0].length ?? 1) - 1;
      } else if (ch === '\r') {
        this.col = 0;
      } else if (ch === '\n') {
        this.newline();
      } else {
        if (this.col === this.columns) this.newline();
        const cells = this.rows[this.row]!;
        while (cells.length < this.col) cells.push(' ');
        cells[this.col++] = ch;
      }
    }
  }

  /** The screen's rows, trailing blanks trimmed. */
  lines(): string[] {
    return this.rows.map((cells) => cells.join('').trimEnd());
  }

  /** Where the next character would go: a shell prompt after the run starts here. */
  get cursor(): { row: number; col: number } {
    return { row: this.row, col: this.col };
  }

  private newline(): void {
    this.row++;
    this.col = 0;
    this.rows[this.row] ??= [];
  }
}
