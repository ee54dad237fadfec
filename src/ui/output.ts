/**
 * The edge where data becomes text. Data goes to stdout (a table, or JSON with --json and
 * nothing else); diagnostics, warnings and progress go to stderr. One colour switch.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export class Output {
  readonly color: ChalkInstance;
  /** Colour for stderr, which may be a terminal when stdout is piped. */
  readonly errColor: ChalkInstance;

  constructor(
    readonly streams: Streams,
    readonly json: boolean,
    colorWanted: boolean,
    readonly verbose = false,
  ) {
    // chalk 5 ignores NO_COLOR by itself; the settings decided, and pipes get no colour.
    this.color = new Chalk({ level: colorWanted && streams.stdout.isTTY ? 1 : 0 });
    this.errColor = new Chalk({ level: colorWanted && streams.stderr.isTTY ? 1 : 0 });
  }

  get interactive(): boolean {
    return !!this.streams.stdin.isTTY && !!this.streams.stderr.isTTY;
  }

  /** Human output: suppressed under --json so stdout stays machine-readable. */
  print(text = ''): void {
    if (!this.json) this.streams.stdout.write(`${text}\n`);
  }

  printJson(data: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  }

  info(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }

  debug(text: string): void {
    if (this.verbose) this.streams.stderr.write(`${this.errColor.dim(`imctl: ${text}`)}\n`);
  }

  warn(text: string): void {
    this.streams.stderr.write(`${this.errColor.yellow('warning:')} ${text}\n`);
  }

  error(text: string): void {
    this.streams.stderr.write(`${this.errColor.red('error:')} ${text}\n`);
  }
}
