/**
 * The files a run writes besides its journal — the write report, the audit's findings report and
 * the LDIF plan — for the commands: a path that cannot be used is a usage error (exit 2), raised
 * while the flags are checked, before the directory is asked anything.
 */
import { createWriteStream } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { FindingReportWriter, findingReportFormat } from '../io/finding-report.js';
import { openPrivateFile } from '../io/private-file.js';
import { ReportError, reportFormatFor } from '../io/report.js';

/** `error` as a usage error if it is a report path problem; anything else (a PrivateFileError is one already) as it is. */
function asUsageError(error: unknown, reason: string): unknown {
  return error instanceof ReportError ? new UsageError(error.message, reason) : error;
}

/** A write run's `--report FILE`: .csv, .json or .jsonl. */
export function checkReportPath(path: string): void {
  try {
    reportFormatFor(path);
  } catch (error) {
    throw asUsageError(error, 'report-path');
  }
}

/** The audit's `--report FILE`: .csv or .json. */
export function checkFindingReportPath(path: string): void {
  try {
    findingReportFormat(path);
  } catch (error) {
    throw asUsageError(error, 'report-path');
  }
}

/** The findings report, opened (owner-only) before the pass and written a batch at a time; `-` is CSV on `stdout`. */
export function openFindingReport(path: string, stdout?: NodeJS.WritableStream): FindingReportWriter {
  try {
    return new FindingReportWriter(path, stdout);
  } catch (error) {
    throw asUsageError(error, 'report-path');
  }
}

/** `--ldif FILE`, created owner-only (the plan names accounts). */
export function openLdifFile(path: string): NodeJS.WritableStream {
  return createWriteStream(path, { fd: openPrivateFile(path, 'the LDIF', 'ldif-path') });
}
