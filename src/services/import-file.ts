/**
 * The CSV file of `imctl import` for the command: its rows read and syntax-checked as they stream
 * (src/io/csv-source.ts; a file that cannot be read is an ImportFileError, a usage error, exit 2);
 * and the report of a file refused for invalid rows.
 */
import type { ImportRow, RowProblem } from '../core/import-rows.js';
import { importRecords, type ImportStats } from '../io/csv-source.js';
import { openReport } from '../io/report.js';

export type { ImportStats };

export interface ImportFileOptions {
  /** `--delimiter`: the field separator, when the header does not say. */
  delimiter?: string | undefined;
  /** `--strict`: columns imctl does not read are an error, not a warning. */
  strict?: boolean | undefined;
  /** Read this stream (standard input, for `import -`) instead of opening `file`. */
  input?: NodeJS.ReadableStream | undefined;
}

/** Each row, or the problem of a row, in file order; counts go to `stats`. */
export async function* importFileRows(
  file: string,
  stats: ImportStats,
  options: ImportFileOptions = {},
): AsyncGenerator<ImportRow | RowProblem, void, undefined> {
  yield* importRecords(file, {
    stats,
    delimiter: options.delimiter,
    strict: options.strict,
    ...(options.input ? { input: options.input } : {}),
  });
}

/** With invalid rows and no --skip-invalid, the report lists every row: invalid ones with the reason, the rest as skipped. */
export async function reportInvalidRows(
  path: string,
  rows: ImportRow[],
  invalid: Map<number, RowProblem>,
  stdout?: NodeJS.WritableStream,
): Promise<void> {
  const report = openReport(path, stdout);
  const lines = new Set<number>();
  for (const row of rows) {
    lines.add(row.line);
    const problem = invalid.get(row.line);
    // Awaited: 20,000 rows into a slow pipe wait for it to drain rather than pile up in memory.
    await report.write({
      line: row.line,
      user: row.user,
      action: row.action,
      outcome: problem ? 'invalid' : 'skipped',
      reason: problem?.reason ?? 'not written: the file has invalid rows',
    });
  }
  for (const problem of invalid.values())
    if (!lines.has(problem.line))
      await report.write({
        line: problem.line,
        user: problem.user ?? '',
        action: '',
        outcome: 'invalid',
        reason: problem.reason,
      });
  await report.close();
}
