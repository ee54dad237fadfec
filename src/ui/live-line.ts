/**
 * The one owner of a terminal while a line is live at its bottom (a progress bar, a spinner).
 * stdout and stderr are the same screen: a result line written to stdout while the bar sits on
 * stderr's last line lands inside the bar, and the bar's next redraw lands inside that line.
 * So every write of the run passes through here while the line is live: erase the live line,
 * write, and draw it again underneath — only once the cursor is back at the start of a line (a
 * JSON document streamed without a final newline must not get a bar in its middle).
 */

type Writable = NodeJS.WritableStream & { columns?: number };

/** Back to column 0 and erase the line: what a redraw and an erase both start with. */
const ERASE = '\r\x1b[2K';

export class LiveLine {
  private text = '';
  private shown = false;
  /** The last write of the run left the cursor mid-line: no drawing until a line ends. */
  private midLine = false;
  private ended = false;

  constructor(
    private readonly stderr: Writable,
    private readonly onEnd: () => void,
  ) {}

  /**
   * The terminal's width less three columns: a line that reaches the last column wraps on some
   * terminals, and Ctrl-C makes the terminal itself echo `^C` after the line — a live line that
   * then wrapped would leave its first row behind, since erasing reaches only the cursor's row.
   */
  get width(): number {
    const columns = this.stderr.columns;
    return typeof columns === 'number' && columns > 20 ? columns - 3 : 77;
  }

  /** Replace the live line's text (already fitted to `width`) and draw it. */
  set(text: string): void {
    if (this.ended) return;
    this.text = text;
    if (!this.midLine) this.draw();
  }

  /** Write `text` to `stream` above the live line. */
  above(stream: NodeJS.WritableStream, text: string): void {
    if (this.ended) {
      stream.write(text);
      return;
    }
    this.erase();
    stream.write(text);
    if (text.length > 0) this.midLine = !text.endsWith('\n');
    if (!this.midLine) this.draw();
  }

  /** Erase the live line and give the terminal back; later writes go straight through. */
  end(): void {
    if (this.ended) return;
    this.erase();
    this.ended = true;
    this.onEnd();
  }

  private draw(): void {
    if (this.text.length === 0) return;
    this.stderr.write(`${ERASE}${this.text}`);
    this.shown = true;
  }

  private erase(): void {
    if (!this.shown) return;
    this.stderr.write(ERASE);
    this.shown = false;
  }
}
