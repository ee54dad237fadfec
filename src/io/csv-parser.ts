/**
 * csv-parse for the import file: a parser that keeps the error that ended parsing (so the rows
 * before it are still checked), and that error as the row problem the admin reads.
 */
import type { TransformCallback } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import type { RowProblem } from '../core/import-rows.js';

/** A csv-parse error that ended parsing, kept instead of destroying the stream. */
export class TolerantParser extends Parser {
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

export function describeCsvError(err: CsvError, line: number, maxRecordBytes: number): RowProblem {
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
