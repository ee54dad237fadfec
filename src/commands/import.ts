/**
 * `imctl import FILE.csv`: bulk provisioning. The whole file is validated — syntax, users and
 * servers resolved with a few paged searches — before anything is written; then the rows go
 * through the shared write path (pipelined compare-and-set modifies, journal, report).
 */
import { setFlagsFromString } from 'node:v8';
import { UsageError } from '../core/errors.js';
import { ProblemList, type ImportRow, type RowProblem } from '../core/import-rows.js';
import { importFileRows, reportInvalidRows, type ImportStats } from '../services/import-file.js';
import { planProvisioning } from '../services/provisioning.js';
import type { Target } from '../services/write-run.js';
import type { Context } from './context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';

export interface ImportOptions extends WriteFlags {
  skipInvalid?: boolean;
  delimiter?: string;
  strict?: boolean;
}

/** Past this many problems the file is not worth checking further: it is the wrong file, or wrongly saved. */
export const MAX_PROBLEMS = 1000;

export async function importCommand(context: Context, file: string, options: ImportOptions): Promise<void> {
  const { out } = context;
  checkWriteFlags(options, context.settings.json);
  // V8 grows its heap far past what an import keeps alive while it parses a big file and
  // LDAP pages (100,000 rows: 4 MB live, 110 MB RSS after the syntax pass). Sizing the heap for
  // memory rather than speed cut the peak RSS of a 100,000-row dry run from 245 to 139 MB. It costs
  // GC time, so it is on only until the plan is made: the writes run with V8's defaults.
  setFlagsFromString('--optimize-for-size');

  // 1. Read and check the file's syntax, streaming.
  const rows: ImportRow[] = [];
  const problems = new ProblemList(50);
  const invalid = new Map<number, RowProblem>();
  const stats: ImportStats = { bytesRead: 0, records: 0, rows: 0, problems: 0 };
  // "-" is standard input, as --ldif - is standard output.
  const path = file === '-' ? 'standard input' : file;
  let tooMany = false;
  for await (const item of importFileRows(path, stats, { delimiter: options.delimiter, strict: options.strict, input: file === '-' ? out.streams.stdin : undefined })) {
    if ('reason' in item) {
      problems.add(item);
      invalid.set(item.line, item);
      if (invalid.size >= MAX_PROBLEMS) {
        tooMany = true;
        break;
      }
    } else rows.push(item);
  }
  if (stats.ignoredColumns) {
    out.warn(
      `${file}: ignoring column${stats.ignoredColumns.length === 1 ? '' : 's'} ${stats.ignoredColumns.map((c) => `"${c.name}"${c.hint ? ` (did you mean "${c.hint}"?)` : ''}`).join(', ')}: imctl reads only user, action, server and im_domain (--strict refuses other columns).`,
    );
  }
  out.debug(`${file}: ${stats.bytesRead} bytes, ${stats.records} record(s): ${stats.rows} valid, ${stats.problems} with problems in the syntax pass`);

  // 2. Resolve every user and server and plan every row, as enable/disable/move do.
  // Past the problem limit, or after a broken header or structure, the file is refused as it is:
  // no connection, no directory search for its rows.
  const directory = tooMany || problems.incomplete ? undefined : await context.directory();
  // An ImportRow is a ProvisionRequest already; no second copy of every row.
  const plan = directory ? await planProvisioning(directory, context.settings, rows, { allOrNothing: !options.skipInvalid }) : { rejected: [], notices: [], targets: [] };
  for (const problem of plan.rejected) {
    const row = { line: problem.line!, user: problem.name, reason: problem.reason };
    problems.add(row);
    invalid.set(row.line, row);
  }
  for (const notice of plan.notices) out.warn(notice);

  if (problems.count > 0) {
    for (const line of problems.format()) out.info(`  ${line}`);
    if (problems.incomplete) out.info('  (checking stopped at the first structural error; lines after it were not checked)');
    if (tooMany) out.info(`  (checking stopped after the first ${MAX_PROBLEMS.toLocaleString('en-US')} problems; lines after line ${[...invalid.keys()].at(-1)} were not checked: is this the right file?)`);
    if (!options.skipInvalid || problems.incomplete || tooMany) {
      if (options.report) await reportInvalidRows(options.report, rows, invalid, out.streams.stdout);
      throw new UsageError(
        `${file}: ${tooMany ? `at least ${problems.count.toLocaleString('en-US')}` : problems.count} invalid row(s); nothing was written. Fix them${problems.incomplete || tooMany ? '' : ', or pass --skip-invalid to import the valid rows'}.`,
        'invalid-rows',
        // --json: the rows themselves, in the vocabulary of command-line batches (docs/json.md).
        { problems: [...invalid.values()].sort((a, b) => a.line - b.line).map((p) => ({ line: p.line, user: p.user ?? null, reason: p.reason })) },
      );
    }
    out.warn(`--skip-invalid: ${problems.count} invalid row(s) will be reported as failed; the other ${rows.length - plan.rejected.length} row(s) go ahead.`);
  }

  // 3. Rows the syntax pass rejected (--skip-invalid) are reported too, by line.
  const rowLines = new Set(rows.map((r) => r.line));
  const targets: Target[] = [...plan.targets];
  for (const problem of invalid.values()) {
    if (!rowLines.has(problem.line)) targets.push({ line: problem.line, name: problem.user ?? '', action: 'invalid', plan: { kind: 'failed', reason: problem.reason } });
  }
  setFlagsFromString('--no-optimize-for-size');
  await runWrite(context, directory!, targets, { ...options, command: 'import' });
}
