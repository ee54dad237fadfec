/**
 * `imctl audit --report FILE`: one line per finding, `.csv` (RFC 4180, CRLF, UTF-8 BOM, cells
 * made spreadsheet-safe) or `.json` (one array). A sibling of report.ts, whose columns are a
 * write run's (line, user, action, outcome); created owner-only like every report.
 */
import { closeSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Finding } from '../core/audit.js';
import { severityOf } from '../core/audit.js';
import { inertText } from '../core/inert-text.js';
import { redact } from '../core/redact.js';
import { spreadsheetSafe } from '../core/spreadsheet-safe.js';
import { openPrivateFile } from './private-file.js';
import { ReportError } from './report.js';

export const FINDING_COLUMNS = ['kind', 'severity', 'subject', 'dn', 'server', 'detail', 'repair'] as const;

/** The format for a findings report path; throws ReportError for anything but .csv and .json. */
export function findingReportFormat(path: string): 'csv' | 'json' {
  if (path === '-') return 'csv';
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.json') return ext.slice(1) as 'csv' | 'json';
  throw new ReportError(path, `The audit report must end in .csv or .json (got ${JSON.stringify(path)}).`);
}

function row(finding: Finding): Record<(typeof FINDING_COLUMNS)[number], string | null> {
  return {
    kind: finding.kind,
    severity: severityOf(finding.kind),
    subject: finding.subject,
    dn: finding.dn,
    server: finding.server,
    detail: finding.detail,
    repair: finding.repair,
  };
}

/**
 * The report's text: JSON, or CSV — with a BOM for Excel in a file; on standard output without,
 * and on a terminal with control and bidi characters shown inert (a file keeps them exact).
 */
function reportText(format: 'csv' | 'json', findings: readonly Finding[], to: 'file' | 'pipe' | 'terminal'): string {
  if (format === 'json') return redact(JSON.stringify(findings.map(row), null, 1)) + '\n';
  const cell = (text: string) => (to === 'terminal' ? inertText(text) : text);
  const cells = findings.map((f) => FINDING_COLUMNS.map((c) => cell(spreadsheetSafe(redact(row(f)[c] ?? '')))));
  return (to === 'file' ? '\uFEFF' : '') + stringify([[...FINDING_COLUMNS], ...cells], { record_delimiter: 'windows' });
}

/** `path`, or for `-` the `stdout` stream (CSV without a BOM, as `--ldif -` writes LDIF there). */
export function writeFindingReport(path: string, findings: readonly Finding[], stdout?: NodeJS.WritableStream): void {
  const format = findingReportFormat(path);
  if (path === '-') {
    if (!stdout)
      throw new ReportError(path, 'The audit report cannot go to standard output here: name a file (.csv or .json).');
    stdout.write(reportText(format, findings, (stdout as { isTTY?: boolean }).isTTY ? 'terminal' : 'pipe'));
    return;
  }
  const text = reportText(format, findings, 'file');
  const fd = openPrivateFile(path, 'the report', 'report-path');
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
