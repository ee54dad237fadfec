/**
 * `imctl import FILE.csv`: bulk provisioning. The whole file is checked and planned first
 * (src/services/import-plan.ts); a file with invalid rows is refused with them listed, unless
 * --skip-invalid; then the rows go through the shared write path (pipelined compare-and-set
 * modifies, journal, report).
 */
import { UsageError } from '../core/errors.js';
import { reportInvalidRows } from '../services/import-file.js';
import {
  checkImportFile,
  invalidRows,
  MAX_PROBLEMS,
  planImport,
  refusedUnread,
  type ImportCheck,
  type ImportPlan,
} from '../services/import-plan.js';
import { infoFitted } from '../ui/wrap.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';
import { count, plural } from '../core/words.js';

export interface ImportOptions extends WriteFlags {
  skipInvalid?: boolean;
  delimiter?: string;
  strict?: boolean;
}

export async function importCommand(context: Context, file: string, options: ImportOptions): Promise<void> {
  checkWriteFlags(options, context.settings.json);
  const whilePlanning = context.whilePlanning ?? ((work) => work());
  // The writes run outside: V8's memory sizing costs GC time, and the plan is small next to the file.
  const { check, plan, directory } = await whilePlanning(async () => {
    const check = await checkFile(context, file, options);
    const directory = refusedUnread(check) ? undefined : await context.directory();
    const plan: ImportPlan = directory
      ? await planImport(directory, context.settings, check, options)
      : { targets: [], rejected: 0, notices: [] };
    return { check, plan, directory };
  });
  for (const notice of plan.notices) context.out.warn(notice);
  await refuseInvalidRows(context, file, options, check, plan);
  await runWrite(context, directory!, plan.targets, { ...options, command: 'import', input: fileLabel(file) });
}

/** The syntax pass, with what it read past said before anything connects. */
async function checkFile(context: Context, file: string, options: ImportOptions): Promise<ImportCheck> {
  const { out } = context;
  // "-" is standard input, as --ldif - is standard output.
  const check = await checkImportFile(fileLabel(file), {
    delimiter: options.delimiter,
    strict: options.strict,
    input: file === '-' ? out.streams.stdin : undefined,
  });
  const { stats } = check;
  if (stats.ignoredColumns) {
    out.warn(
      `${fileLabel(file)}: ignoring column${stats.ignoredColumns.length === 1 ? '' : 's'} ${stats.ignoredColumns.map((c) => `"${c.name}"${c.hint ? ` (did you mean "${c.hint}"?)` : ''}`).join(', ')}: imctl reads only user, action, server and im_domain (--strict refuses other columns).`,
    );
  }
  out.debug(
    `${fileLabel(file)}: ${plural(stats.bytesRead, 'byte')}, ${plural(stats.records, 'record')}: ${count(stats.rows)} valid, ${count(stats.problems)} with problems in the syntax pass`,
  );
  return check;
}

/** List the problems; refuse the file (exit 2, nothing written) unless --skip-invalid may go ahead. */
async function refuseInvalidRows(
  context: Context,
  file: string,
  options: ImportOptions,
  check: ImportCheck,
  plan: ImportPlan,
): Promise<void> {
  const { out } = context;
  const { problems, tooMany } = check;
  if (problems.count === 0) return;
  for (const line of problems.format()) infoFitted(out, `  ${line}`);
  if (problems.incomplete)
    out.info('  (checking stopped at the first structural error; lines after it were not checked)');
  if (tooMany)
    out.info(
      `  (checking stopped after the first ${MAX_PROBLEMS.toLocaleString('en-US')} problems; lines after line ${[...check.invalid.keys()].at(-1)} were not checked: is this the right file?)`,
    );
  if (!options.skipInvalid || problems.incomplete || tooMany) {
    if (options.report) await reportInvalidRows(options.report, check.rows, check.invalid, out.streams.stdout);
    throw new UsageError(
      `${fileLabel(file)}: ${tooMany ? `at least ${plural(problems.count, 'invalid row')}` : plural(problems.count, 'invalid row')}; nothing was written. Fix them${problems.incomplete || tooMany ? '' : ', or pass --skip-invalid to import the valid rows'}.`,
      'invalid-rows',
      // --json: the rows themselves, in the vocabulary of command-line batches (docs/json.md).
      { problems: invalidRows(check) },
    );
  }
  out.warn(
    `--skip-invalid: ${plural(problems.count, 'invalid row')} will be reported as failed; ${check.rows.length - plan.rejected === 1 ? 'the other row goes' : `the other ${plural(check.rows.length - plan.rejected, 'row')} go`} ahead.`,
  );
}

/** How a message names the CSV: "-" is standard input, as --ldif - is standard output. */
function fileLabel(file: string): string {
  return file === '-' ? 'standard input' : file;
}
