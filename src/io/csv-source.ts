/**
 * Streaming reader for `imctl import FILE.csv`.
 *
 * The file is read in 64 KiB chunks and parsed with csv-parse; records are
 * validated one at a time (src/core/import-rows.ts) and yielded as ImportRow or
 * RowProblem. Memory does not grow with the file: nothing but the current chunk,
 * the record being parsed and the set of users already seen (for duplicate
 * detection) is held. A runaway record — a 100 MB line, an unclosed quote that
 * swallows the rest of the file — is stopped after MAX_RECORD_BYTES, with a
 * problem naming the line, instead of being buffered.
 *
 * Line numbers are physical lines of the file (header = line 1) where the record
 * starts, as an editor shows them (see LineTracker: csv-parse's own count is off
 * after a CRLF inside quotes).
 *
 * Problems of two kinds:
 * - row problems (bad action, duplicate user, wrong number of fields, bad
 *   characters, …): reported and scanning continues;
 * - structure problems after which the rest of the file cannot be read reliably
 *   (unclosed quote, stray quote, a record over the size limit): reported with
 *   `fatal: true` and scanning stops there.
 * Problems with the file itself (missing, a directory, unreadable, empty, no
 * header, UTF-16, an .xlsx/.xls workbook) throw ImportFileError before any row
 * is yielded.
 */
import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { TransformCallback } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import {
  type ColumnMap,
  type ImportRow,
  type RowProblem,
  isBlankRecord,
  isRowProblem,
  parseHeader,
  validateRecord,
} from '../core/import-rows.js';

/**
 * Longest record accepted, in bytes of field content, and (twice that) the
 * longest physical line. A valid row is at most four 1,024-character fields, so
 * anything near this is not an import file row.
 */
export const MAX_RECORD_BYTES = 32 * 1024;

const CHUNK_BYTES = 64 * 1024;

export type ImportFileErrorCode =
  'not-found' | 'not-a-file' | 'unreadable' | 'empty' | 'no-header' | 'wrong-encoding' | 'not-csv';

/** A problem with the import file as a whole; `message` is one sentence for the admin. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  constructor(
    readonly code: ImportFileErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Counters filled in while reading; pass an object to observe progress. */
export interface ImportStats {
  /** Bytes read from the file so far (reading stops early after a fatal problem). */
  bytesRead: number;
  /** Data records seen (not counting the header and blank lines). */
  records: number;
  rows: number;
  problems: number;
  /** Header columns imctl does not know, read past (not with --strict). */
  ignoredColumns?: { name: string; hint?: string }[];
}

export interface ImportReadOptions {
  /** Override MAX_RECORD_BYTES (tests). */
  maxRecordBytes?: number;
  /** Filled in as the file is read. */
  stats?: ImportStats;
  /** The field separator (default ","): ";" for the CSV of a European Excel, "\t" for tab-separated. */
  delimiter?: string;
  /** Refuse columns imctl does not know instead of reading past them. */
  strict?: boolean;
  /** Read this stream (`import -`: standard input) instead of opening `path`, which then only names it. */
  input?: NodeJS.ReadableStream;
}

/** The little of a FileHandle that reading needs, so a stream can stand in for a file. */
type Source = Pick<FileHandle, 'createReadStream' | 'close'>;

function streamSource(input: NodeJS.ReadableStream): Source {
  return { createReadStream: () => input, close: async () => undefined } as unknown as Source;
}

// ---------------------------------------------------------------------------
// Opening

function describeOpenError(path: string, err: unknown): ImportFileError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new ImportFileError('not-found', path, `${path} does not exist; check the file name.`, { cause: err });
    case 'ENOTDIR':
      return new ImportFileError('not-found', path, `${path} does not exist (a part of the path is not a directory).`, {
        cause: err,
      });
    case 'EISDIR':
      return new ImportFileError('not-a-file', path, `${path} is a directory, not a CSV file.`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new ImportFileError('unreadable', path, `${path} cannot be read: permission denied.`, { cause: err });
    default: {
      const detail = err instanceof Error ? err.message : String(err);
      return new ImportFileError('unreadable', path, `${path} cannot be read: ${detail}.`, { cause: err });
    }
  }
}

async function openImportFile(path: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw describeOpenError(path, err);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) {
      throw new ImportFileError('not-a-file', path, `${path} is a directory, not a CSV file.`);
    }
    // Regular files, and pipes so that `imctl import <(generate-rows)` works.
    if (!st.isFile() && !st.isFIFO()) {
      throw new ImportFileError('not-a-file', path, `${path} is not a regular file.`);
    }
    return fh;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err instanceof ImportFileError ? err : describeOpenError(path, err);
  }
}

// ---------------------------------------------------------------------------
// Parsing

/** A csv-parse error that ended parsing, kept instead of destroying the stream. */
class TolerantParser extends Parser {
  fatal: CsvError | undefined;

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.fatal) {
      callback(); // parsing has stopped: drop what the feeder still sends
      return;
    }
    // Parser calls back synchronously. Passing the error on would destroy the
    // stream and discard the records already parsed but not yet consumed, so
    // those rows would go unchecked; instead end the output after them.
    super._transform(chunk, encoding, (err?: Error | null) => {
      if (err) {
        this.fatal = err instanceof CsvError ? err : new CsvError('CSV_UNKNOWN_ERROR', err.message);
        this.push(null);
      }
      callback();
    });
  }

  override _flush(callback: TransformCallback): void {
    if (this.fatal) {
      callback();
      return;
    }
    super._flush((err?: Error | null) => {
      if (err) this.fatal = err instanceof CsvError ? err : new CsvError('CSV_UNKNOWN_ERROR', err.message);
      callback();
    });
  }
}

/** What the feeder found; shared with the consumer while both run. */
interface FeedState {
  bytes: number;
  /** Physical line of a line longer than the limit; reading stopped before it. */
  overlongLine?: number;
  error?: ImportFileError;
}

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
class LineTracker {
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

function describeCsvError(err: CsvError, line: number, maxRecordBytes: number): RowProblem {
  let reason: string;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      reason =
        `a quoted value starting on line ${line} is never closed, so the rest of the file reads as one value ` +
        `(add the closing double quote)`;
      break;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      reason =
        'a quoted value is followed by more text before the next comma ' +
        '(inside a quoted value, write a double quote as "")';
      break;
    case 'INVALID_OPENING_QUOTE':
      reason =
        'a double quote appears inside an unquoted value ' +
        '(quote the whole value and double the inner quote, e.g. "Doe ""JD"" John")';
      break;
    case 'CSV_MAX_RECORD_SIZE':
      reason =
        `the record is longer than ${maxRecordBytes.toLocaleString('en-US')} bytes, ` +
        'far longer than any valid row (is this the right file, or is a quote left open?)';
      break;
    default:
      reason = `the CSV cannot be read here: ${err.message}`;
  }
  return { line, reason: `${reason}; the rest of the file was not checked`, fatal: true };
}

/**
 * An executable, an image, an archive: many control bytes in the first 8 KiB. (A stray NUL in a
 * row is that row's problem; UTF-16 without a BOM — NUL in every other byte — is named per row.)
 */
function looksBinary(chunk: Buffer): boolean {
  const sample = chunk.subarray(0, 8192);
  let controls = 0;
  const nul = [0, 0];
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0) nul[i % 2]!++;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) controls++;
  }
  const half = sample.length / 2;
  const utf16 = (nul[0]! > half * 0.6 && nul[1]! < half * 0.1) || (nul[1]! > half * 0.6 && nul[0]! < half * 0.1);
  return !utf16 && controls > Math.max(8, sample.length * 0.1);
}

/** Recognise files that are clearly not UTF-8 CSV from their first bytes. */
function sniff(chunk: Buffer, path: string): ImportFileError | undefined {
  const b0 = chunk[0];
  const b1 = chunk[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    return new ImportFileError(
      'wrong-encoding',
      path,
      `${path} is UTF-16 text; save it as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)").`,
    );
  }
  const magic = chunk.subarray(0, 4).toString('hex');
  if (magic === '504b0304' || magic === 'd0cf11e0') {
    return new ImportFileError(
      'not-csv',
      path,
      `${path} is a spreadsheet workbook, not CSV; save it as "CSV UTF-8 (Comma delimited)" and import that file.`,
    );
  }
  if (looksBinary(chunk)) {
    return new ImportFileError(
      'not-csv',
      path,
      `${path} is not a text file (it holds binary data); imctl imports CSV text, UTF-8, one row per user.`,
    );
  }
  return undefined;
}

/**
 * Read the file into the parser with backpressure. Stops (without ending the
 * parser) when `signal` aborts. Also guards against a physical line longer than
 * 2 × maxRecordBytes, which max_record_size alone misses when it is made of
 * delimiters (empty fields hold no content bytes but still build up a record):
 * the bytes before that line are passed on and the parser is ended.
 */
async function feed(
  fh: Source,
  parser: TolerantParser,
  path: string,
  maxLineBytes: number,
  stats: ImportStats,
  result: FeedState,
  signal: AbortSignal,
): Promise<void> {
  const stream = fh.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: false });
  let line = 1;
  let lineBytes = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal.aborted) return;
      if (first) {
        first = false;
        result.error = sniff(chunk, path);
        if (result.error) {
          parser.destroy(result.error);
          return;
        }
      }
      result.bytes += chunk.length;
      stats.bytesRead = result.bytes;

      // Track physical line lengths.
      let pos = 0;
      let lineStart = 0; // offset in this chunk where the current line began (0 = earlier chunk)
      let cut = -1;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(0x0a, pos);
        const end = nl === -1 ? chunk.length : nl;
        lineBytes += end - pos;
        if (lineBytes > maxLineBytes) {
          cut = lineStart;
          break;
        }
        if (nl === -1) break;
        line++;
        lineBytes = 0;
        pos = nl + 1;
        lineStart = pos;
      }

      const data = cut === -1 ? chunk : chunk.subarray(0, cut);
      if (data.length > 0 && !parser.write(data)) {
        await once(parser, 'drain', { signal });
      }
      if (cut !== -1) {
        result.overlongLine = line;
        parser.end();
        return; // leaving the loop destroys the read stream: no more reading
      }
    }
    if (!signal.aborted) parser.end();
  } catch (err) {
    if (signal.aborted) return;
    result.error = describeOpenError(path, err);
    parser.destroy(result.error);
  }
}

/**
 * Stream the import file, yielding a validated ImportRow or a RowProblem per
 * record, in file order. Blank lines (and rows whose cells are all empty, as
 * spreadsheets export) are skipped. A problem with `fatal: true` is the last
 * thing yielded.
 *
 * Throws ImportFileError when the file is missing, a directory, unreadable,
 * empty, UTF-16, a spreadsheet workbook, or has no header row.
 */
export async function* importRecords(
  path: string,
  options: ImportReadOptions = {},
): AsyncGenerator<ImportRow | RowProblem, void, undefined> {
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const stats: ImportStats = options.stats ?? { bytesRead: 0, records: 0, rows: 0, problems: 0 };
  const fh: Source = options.input ? streamSource(options.input) : await openImportFile(path);

  const parser = new TolerantParser({
    bom: true,
    info: true,
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true, // we compare with the header ourselves, per row
    relax_quotes: false,
    skip_empty_lines: true,
    max_record_size: maxRecordBytes,
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
  });
  const abort = new AbortController();
  const fed: FeedState = { bytes: 0 };
  const feeding = feed(fh, parser, path, 2 * maxRecordBytes, stats, fed, abort.signal);
  const lines = new LineTracker();
  const seenUsers = new Map<string, number>();
  let columns: ColumnMap | undefined;
  let stopped = false;

  const emit = (item: ImportRow | RowProblem): ImportRow | RowProblem => {
    if (isRowProblem(item)) stats.problems++;
    else stats.rows++;
    return item;
  };

  try {
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: string[];
        info: { empty_lines: number };
      }>) {
        const line = lines.record(record, info);
        // The partial record the parser flushes when an over-long line stopped reading.
        if (fed.overlongLine !== undefined && line >= fed.overlongLine) continue;
        if (isBlankRecord(record)) continue;
        if (columns === undefined) {
          const header = parseHeader(record, line, { strict: options.strict, delimiter: options.delimiter });
          if ('problem' in header) {
            yield emit(header.problem);
            stopped = true;
            break;
          }
          columns = header.columns;
          if (columns.ignored)
            stats.ignoredColumns = columns.ignored.map(({ name, hint }) => ({ name, ...(hint ? { hint } : {}) }));
          continue;
        }
        stats.records++;
        yield emit(validateRecord(record, line, columns, seenUsers));
      }
    } catch (err) {
      abort.abort();
      await feeding;
      throw fed.error ?? err;
    }
    // The parser has ended (at the end of the file, or after a fatal CSV error):
    // stop reading.
    abort.abort();
    await feeding;
    if (fed.error) throw fed.error;
    if (stopped) return;

    // At most one fatal problem: whichever stopped reading first.
    const csvError = parser.fatal;
    const csvLine = csvError ? lines.failed(csvError) : undefined;
    const longLine = fed.overlongLine;
    if (csvError && csvLine !== undefined && (longLine === undefined || csvLine <= longLine)) {
      if (columns === undefined) {
        // The header itself is broken.
        const p = describeCsvError(csvError, csvLine, maxRecordBytes);
        yield emit({ ...p, reason: `header: ${p.reason}` });
        return;
      }
      yield emit(describeCsvError(csvError, csvLine, maxRecordBytes));
      return;
    }
    if (longLine !== undefined) {
      yield emit({
        line: longLine,
        reason:
          `the line is longer than ${(2 * maxRecordBytes).toLocaleString('en-US')} bytes, ` +
          'far longer than any valid row; the rest of the file was not checked',
        fatal: true,
      });
      return;
    }

    if (fed.bytes === 0) {
      throw new ImportFileError(
        'empty',
        path,
        `${path} is empty; it needs a header line such as "user,action,server,im_domain" and one row per user.`,
      );
    }
    if (columns === undefined) {
      throw new ImportFileError(
        'no-header',
        path,
        `${path} has no header line (it holds only blank lines); the first line must name the columns, such as "user,action,server,im_domain".`,
      );
    }
  } finally {
    abort.abort();
    parser.destroy();
    await feeding.catch(() => undefined);
    await fh.close().catch(() => undefined);
  }
}
