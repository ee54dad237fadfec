/**
 * The files a run writes besides its journal — the write report, the audit's findings report and
 * the LDIF plan — for the commands: a path that cannot be used is a usage error (exit 2), raised
 * while the flags are checked, before the directory is asked anything.
 */
import { createWriteStream } from 'node:fs';
import type { Finding } from '../core/audit.js';
import { UsageError } from '../core/errors.js';
import { findingReportFormat, writeFindingReport } from '../io/finding-report.js';
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

/** Every finding, one per line, owner-only; `-` is CSV on `stdout`. */
export function saveFindingReport(path: string, findings: readonly Finding[], stdout?: NodeJS.WritableStream): void {
  try {
    writeFindingReport(path, findings, stdout);
  } catch (error) {
    throw asUsageError(error, 'report-path');
  }
}

/** `--ldif FILE`, created owner-only (the plan names accounts). */
export function openLdifFile(path: string): NodeJS.WritableStream {
  return createWriteStream(path, { fd: openPrivateFile(path, 'the LDIF', 'ldif-path') });
}
