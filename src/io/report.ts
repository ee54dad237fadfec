/**
 * The per-target report of a writing run (`--report FILE`): one entry per
 * target with its line (for imports), user, DN, action, outcome, reason and the home server
 * before and after.
 *
 * Format from the extension (case-insensitive):
 * - `.csv`   RFC 4180 with CRLF line ends and a UTF-8 BOM (so Excel shows
 *            non-ASCII names correctly); columns line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer;
 *            every text cell passed through spreadsheetSafe (formula injection);
 * - `.json`  one JSON array, written incrementally (complete once close() returns);
 * - `.jsonl` one JSON object per line (usable even if the run is killed).
 * In JSON, an absent line/dn/reason is null (a line of 0 or less means "not
 * from a file"; CSV leaves it empty).
 *
 * `-` is standard output (as `--ldif -` is): CSV as above without the BOM, and the stream is
 * left open when the report closes; on a terminal, control and bidi characters in cells are shown
 * as \xNN / \uNNNN (directory text must not move the cursor or set the clipboard).
 *
 * The file is created with mode 0600 and, if it already exists, made 0600
 * before it is truncated (reports hold account names). Entries are streamed, not
 * buffered: memory does not grow with the number of entries.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { inertText } from '../core/inert-text.js';
import { redact } from '../core/redact.js';
import { spreadsheetSafe } from '../core/spreadsheet-safe.js';
import { PrivateFileError, openPrivateFile } from './private-file.js';

export type ReportOutcome = 'changed' | 'unchanged' | 'failed' | 'planned' | 'not-started' | 'invalid' | 'skipped';

export interface ReportEntry {
  /** Line of the import file; 0 (or absent in spirit) for targets not from a file. */
  line: number;
  user: string;
  dn?: string;
  action: string;
  outcome: ReportOutcome;
  reason?: string;
  /** The home server before and after the change, by name (absent when there is none or nothing changes). */
  fromHomeServer?: string | undefined;
  toHomeServer?: string | undefined;
}

export type ReportFormat = 'csv' | 'json' | 'jsonl';

/** The report path that means standard output. */
export const STDOUT = '-';

// The server columns come last, so that scripts reading the first six columns still work.
export const REPORT_COLUMNS = [
  'line',
  'user',
  'dn',
  'action',
  'outcome',
  'reason',
  'fromHomeServer',
  'toHomeServer',
] as const;

/** The report path cannot be used; `message` is one sentence for the admin. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ReportWriter {
  readonly path: string;
  readonly format: ReportFormat;
  /** Entries written so far. */
  readonly count: number;
  /**
   * Queue an entry. The promise resolves when the writer can take more (await it
   * to apply backpressure when streaming many entries); it never rejects — a
   * write error is thrown by close().
   */
  write(entry: ReportEntry): Promise<void>;
  /** Finish the file (closing the JSON array) and close it; throws ReportError if anything failed. */
  close(): Promise<void>;
}

/**
 * The format for a report path, from its extension. Throws ReportError for any
 * other extension: call this while checking options, before any work starts.
 */
export function reportFormatFor(path: string): ReportFormat {
  if (path === STDOUT) return 'csv';
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.jsonl') return 'jsonl';
  throw new ReportError(path, `The report file must end in .csv, .json or .jsonl (got ${JSON.stringify(path)}).`);
}

/** Open the report file owner-only, as a ReportError when it cannot be. */
function openPrivate(path: string): number {
  try {
    return openPrivateFile(path, 'the report', 'report-path');
  } catch (err) {
    throw err instanceof PrivateFileError ? new ReportError(path, err.message, { cause: err.cause }) : err;
  }
}

/** A text cell: spreadsheet-safe; on a terminal (`-` on a tty) its control and bidi characters shown inert too. */
function csvCell(value: string | undefined, terminal = false): string {
  const cell = spreadsheetSafe(redact(value ?? ''));
  return terminal ? inertText(cell) : cell;
}

function csvLine(cells: (string | number)[]): string {
  return stringify([cells], { record_delimiter: 'windows' });
}

function jsonEntry(entry: ReportEntry): string {
  return redact(
    JSON.stringify({
      line: Number.isInteger(entry.line) && entry.line > 0 ? entry.line : null,
      user: entry.user,
      dn: entry.dn ? entry.dn : null,
      action: entry.action,
      outcome: entry.outcome,
      reason: entry.reason ? entry.reason : null,
      fromHomeServer: entry.fromHomeServer ?? null,
      toHomeServer: entry.toHomeServer ?? null,
    }),
  );
}

class StreamReportWriter implements ReportWriter {
  private written = 0;
  private closed = false;
  private failure: unknown;
  /** Standard output that is a terminal: directory text must not drive it (a file keeps it exact). */
  private readonly terminal: boolean;

  constructor(
    readonly path: string,
    readonly format: ReportFormat,
    private readonly stream: NodeJS.WritableStream,
    /** Standard output: no BOM, and not ended by close(). */
    private readonly shared = false,
  ) {
    this.terminal = shared && !!(stream as { isTTY?: boolean }).isTTY;
    if (!shared) {
      stream.on('error', (err) => {
        this.failure ??= err;
      });
    }
    // put() never rejects; a full buffer here is waited for by the first write() or close() (draining).
    if (format === 'csv') void this.put((shared ? '' : '\uFEFF') + csvLine([...REPORT_COLUMNS]));
    else if (format === 'json') void this.put('[\n');
  }

  get count(): number {
    return this.written;
  }

  /** One wait for 'drain' shared by every entry queued meanwhile (one listener each, not one per entry). */
  private draining: Promise<void> | undefined;

  private put(text: string): Promise<void> {
    if (this.failure !== undefined || this.stream.write(text)) return Promise.resolve();
    this.draining ??= new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        this.draining = undefined;
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
    return this.draining;
  }

  write(entry: ReportEntry): Promise<void> {
    if (this.closed) throw new Error(`the report ${this.path} is already closed`);
    let text: string;
    switch (this.format) {
      case 'csv':
        text = csvLine([
          Number.isInteger(entry.line) && entry.line > 0 ? entry.line : '',
          ...[
            entry.user,
            entry.dn,
            entry.action,
            entry.outcome,
            entry.reason,
            entry.fromHomeServer,
            entry.toHomeServer,
          ].map((v) => csvCell(v, this.terminal)),
        ]);
        break;
      case 'json':
        text = (this.written === 0 ? '  ' : ',\n  ') + jsonEntry(entry);
        break;
      case 'jsonl':
        text = jsonEntry(entry) + '\n';
        break;
    }
    this.written++;
    return this.put(text);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.format === 'json') this.stream.write(this.written === 0 ? ']\n' : '\n]\n');
    if (this.shared) {
      await this.draining;
      return;
    }
    this.stream.end();
    try {
      await finished(this.stream as WriteStream);
    } catch (err) {
      this.failure ??= err;
    }
    if (this.failure !== undefined) {
      const detail = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new ReportError(this.path, `Writing the report ${this.path} failed: ${detail}.`, {
        cause: this.failure,
      });
    }
  }
}

/**
 * Open the report at `path` (format from the extension), or on `stdout` for `-`. Synchronous so that a
 * bad extension, a missing directory or a permission problem is reported before
 * any work starts: open it before applying changes.
 */
export function openReport(path: string, stdout?: NodeJS.WritableStream): ReportWriter {
  if (path === STDOUT) {
    if (!stdout)
      throw new ReportError(path, 'The report cannot go to standard output here: name a file (.csv, .json or .jsonl).');
    return new StreamReportWriter(path, 'csv', stdout, true);
  }
  const format = reportFormatFor(path);
  const fd = openPrivate(path);
  const stream = createWriteStream(path, { fd, encoding: 'utf8', autoClose: true });
  return new StreamReportWriter(path, format, stream);
}
