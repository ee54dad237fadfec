/**
 * A problem with the import file as a whole (missing, a directory, unreadable, empty, no header,
 * UTF-16, a workbook), thrown before any row is yielded.
 */
import { UsageError } from '../core/errors.js';

export type ImportFileErrorCode =
  'not-found' | 'not-a-file' | 'unreadable' | 'empty' | 'no-header' | 'wrong-encoding' | 'not-csv';

/**
 * A problem with the import file as a whole; `message` is one sentence for the admin. A usage
 * error (exit 2) with the reason `import-<code>`.
 */
export class ImportFileError extends UsageError {
  constructor(
    readonly code: ImportFileErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, `import-${code}`);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}
