/**
 * A problem with the import file as a whole (missing, a directory, unreadable, empty, no header,
 * UTF-16, a workbook), thrown before any row is yielded.
 */

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
