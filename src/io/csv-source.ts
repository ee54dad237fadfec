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
 *
 * The parts: opening the file (import-file-open.ts), reading it in chunks
 * (csv-feed.ts, which sniffs the first bytes: csv-sniff.ts), the parser and its
 * structure problems (csv-parser.ts), line numbers (csv-lines.ts) and the
 * limits (csv-limits.ts); rows are validated by src/core/import-rows.ts.
 */
import {
  type ColumnMap,
  type ImportRow,
  type RowProblem,
  isBlankRecord,
  isRowProblem,
  parseHeader,
  validateRecord,
} from '../core/import-rows.js';
import { feed, type FeedState } from './csv-feed.js';
import { MAX_RECORD_BYTES } from './csv-limits.js';
import { LineTracker } from './csv-lines.js';
import { TolerantParser, describeCsvError } from './csv-parser.js';
import { ImportFileError } from './import-file-error.js';
import { openImportFile, streamSource, type Source } from './import-file-open.js';

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
