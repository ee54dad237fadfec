/**
 * The edge where data becomes text. Data goes to stdout (a table, or JSON with --json and
 * nothing else); diagnostics, warnings and progress go to stderr. One colour switch.
 */
import { Writable } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';
import { inertText } from '../core/inert-text.js';
import { redact } from '../core/redact.js';
import { JsonDocumentWriter } from './json-document.js';
import { LiveLine } from './live-line.js';
import { wrapToWidth } from './wrap.js';

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/**
 * What must not reach a terminal from data (directory values, file contents, names typed): C0 and
 * C1 control characters other than newline and tab (cursor moves, line erase, window titles,
 * hyperlinks), DEL, and the bidirectional overrides and isolates that make text read backwards.
 * Colour (SGR) sequences, matched first, pass only when colour is on (chalk writes them).
 */
const UNSAFE_FOR_TERMINAL = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** `text` safe to write to a terminal: secrets redacted, control and bidi characters shown as \xNN / \uNNNN. */
export function terminalSafe(text: string, keepColour: boolean): string {
  return redact(text).replace(UNSAFE_FOR_TERMINAL, (m) => (m.length > 1 && keepColour ? m : inertText(m)));
}

/**
 * JSON text for stdout: secrets redacted, then every character past ASCII written as \uNNNN — the
 * same value to any JSON parser. That covers what a terminal would act on (DEL, C1 controls, bidi
 * overrides), and it makes the document pure ASCII, which reads the same under any code page:
 * PowerShell decodes a program's output with [Console]::OutputEncoding (an OEM code page such as
 * 850 by default), which turns UTF-8 "Müller" into "M├╝ller" before ConvertFrom-Json sees it.
 * Done on every platform, not only Windows: one output everywhere (the path Windows takes is the
 * one every test run takes), piped through ssh or a file it is safe too, and jq and
 * ConvertFrom-Json show the names as they are. A character outside the BMP is its UTF-16 pair.
 */
export function safeJson(json: string): string {
  return redact(json).replace(/[^\x00-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class Output {
  readonly color: ChalkInstance;
  /** Colour for stderr, which may be a terminal when stdout is piped. */
  readonly errColor: ChalkInstance;
  /** The bar or spinner at the bottom of the terminal, while one is live: every write goes above it. */
  private live: LiveLine | undefined;

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

  /** The width of the terminal stdout is, if it is one: tables fit it. Piped output is not cut. */
  get columns(): number | undefined {
    const stdout = this.streams.stdout as { isTTY?: boolean; columns?: number };
    return stdout.isTTY && typeof stdout.columns === 'number' && stdout.columns > 0 ? stdout.columns : undefined;
  }

  /** The width of the terminal stderr is, if it is one: lines for the admin written there fit it. */
  get errColumns(): number | undefined {
    const stderr = this.streams.stderr as { isTTY?: boolean; columns?: number };
    return stderr.isTTY && typeof stderr.columns === 'number' && stderr.columns > 0 ? stderr.columns : undefined;
  }

  get interactive(): boolean {
    return !!this.streams.stdin.isTTY && !!this.streams.stderr.isTTY;
  }

  /**
   * A line kept at the bottom of the terminal (on stderr) until it is ended; meanwhile every line
   * this Output writes, to either stream, goes above it. Only one at a time: a second replaces the first.
   */
  startLive(): LiveLine {
    this.live?.end();
    const live = new LiveLine(this.streams.stderr, () => {
      if (this.live === live) this.live = undefined;
    });
    this.live = live;
    return live;
  }

  /** Whether a bar or spinner is on screen now. */
  get liveLineShown(): boolean {
    return this.live !== undefined;
  }

  /** Erase the live line, if any, for good (before the process exits under it). */
  endLive(): void {
    this.live?.end();
  }

  /** Raw text (already safe) to stdout or stderr, above the live line if one is shown on the same terminal. */
  write(stream: 'stdout' | 'stderr', text: string): void {
    const target = this.streams[stream];
    // stdout piped to a file or a program is not on the screen: nothing to step around.
    if (this.live && target.isTTY) this.live.above(target, text);
    else target.write(text);
  }

  /** A stream whose writes go through write(): for writers that want a stream (a CSV report on stdout). */
  writableFor(stream: 'stdout' | 'stderr'): NodeJS.WritableStream & { isTTY?: boolean } {
    const writable = new Writable({
      decodeStrings: false,
      write: (chunk: string | Buffer, _encoding, callback) => {
        this.write(stream, typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        callback();
      },
    });
    return Object.assign(writable, { isTTY: this.streams[stream].isTTY });
  }

  /** Human output: suppressed under --json so stdout stays machine-readable. */
  print(text = ''): void {
    if (!this.json) this.write('stdout', `${terminalSafe(text, this.color.level > 0)}\n`);
  }

  /**
   * Prints the one JSON document. While a streamed document is open (jsonList), `data`'s members
   * end it instead — an error that cut a listing off lands inside the same document.
   */
  printJson(data: unknown): void {
    if (this.document?.open && data && typeof data === 'object' && !Array.isArray(data)) {
      this.document.close(data as Record<string, unknown>);
      return;
    }
    this.write('stdout', `${safeJson(JSON.stringify(data, null, 2))}\n`);
  }

  private document: JsonDocumentWriter | undefined;

  /** Starts the one JSON document with a list written a page at a time (src/ui/json-document.ts). */
  jsonList(list: string): JsonDocumentWriter {
    this.document = new JsonDocumentWriter(this.streams.stdout, list, safeJson);
    return this.document;
  }

  info(text: string): void {
    this.write('stderr', `${terminalSafe(text, this.errColor.level > 0)}\n`);
  }

  debug(text: string): void {
    if (this.verbose) this.info(this.errColor.dim(`imctl: ${text}`));
  }

  /** A warning or an error is a sentence or two: at a terminal, broken at words (src/ui/wrap.ts), never mid-word by it. */
  warn(text: string): void {
    this.info(this.fittedToStderr(`${this.errColor.yellow('warning:')} ${text}`));
  }

  error(text: string): void {
    this.info(this.fittedToStderr(`${this.errColor.red('error:')} ${text}`));
  }

  private fittedToStderr(text: string): string {
    return wrapToWidth(text, this.errColumns === undefined ? undefined : this.errColumns - 1);
  }
}
