/**
 * `imctl audit --report FILE`: one line per finding, `.csv` (RFC 4180, CRLF, UTF-8 BOM, cells
 * made spreadsheet-safe) or `.json` (one array). A sibling of report.ts, whose columns are a
 * write run's (line, user, action, outcome); created owner-only like every report.
 */
import { closeSync, writeSync } from 'node:fs';
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

type Destination = 'file' | 'pipe' | 'terminal';

/** A batch of rows as CSV (RFC 4180, CRLF); on a terminal with control and bidi characters shown inert (a file keeps them exact). */
function csvRows(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { record_delimiter: 'windows' });
}

/**
 * The report written as findings are found, a batch at a time: the header (and for Excel a BOM)
 * first, the rows as they come, and for .json the array's end last, laid out as
 * JSON.stringify(rows, null, 1) would lay it out. A file is created owner-only before the pass.
 */
export class FindingReportWriter {
  private rows = 0;
  private readonly format: 'csv' | 'json';
  private readonly to: Destination;
  private readonly fd: number | undefined;

  constructor(
    path: string,
    private readonly stdout?: NodeJS.WritableStream,
  ) {
    this.format = findingReportFormat(path);
    if (path === '-') {
      if (!stdout)
        throw new ReportError(path, 'The audit report cannot go to standard output here: name a file (.csv or .json).');
      this.to = (stdout as { isTTY?: boolean }).isTTY ? 'terminal' : 'pipe';
    } else {
      this.to = 'file';
      this.fd = openPrivateFile(path, 'the report', 'report-path');
    }
    this.put(this.format === 'json' ? '[' : (this.to === 'file' ? '\uFEFF' : '') + csvRows([[...FINDING_COLUMNS]]));
  }

  /** Rows for these findings, as they were found. */
  write(findings: readonly Finding[]): void {
    if (findings.length === 0) return;
    if (this.format === 'json') {
      let text = '';
      for (const f of findings)
        text += `${this.rows++ === 0 ? '' : ','}\n ${redact(JSON.stringify(row(f), null, 1)).replaceAll('\n', '\n ')}`;
      this.put(text);
      return;
    }
    const cell = (text: string) => (this.to === 'terminal' ? inertText(text) : text);
    this.rows += findings.length;
    this.put(csvRows(findings.map((f) => FINDING_COLUMNS.map((c) => cell(spreadsheetSafe(redact(row(f)[c] ?? '')))))));
  }

  /** Ends the report (the .json array) and closes the file. */
  close(): void {
    try {
      if (this.format === 'json') this.put(this.rows === 0 ? ']\n' : '\n]\n');
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
    }
  }

  private put(text: string): void {
    if (this.fd !== undefined) writeSync(this.fd, text);
    else this.stdout!.write(text);
  }
}
