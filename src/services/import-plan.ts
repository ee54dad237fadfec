/**
 * `imctl import`'s planning: the whole file checked — syntax as it streams, then every user and
 * server resolved and every row planned as enable/disable/move plan theirs — before anything is
 * written. What is wrong is collected here (the problems shown, every invalid row by line); the
 * command decides whether to refuse the file and renders it.
 */
import { ProblemList, type ImportRow, type RowProblem } from '../core/import-rows.js';
import type { DirectoryPort } from './directory-port.js';
import { importFileRows, type ImportFileOptions, type ImportStats } from './import-file.js';
import { planProvisioning } from './provisioning.js';
import type { Settings } from '../config/settings.js';
import type { Target } from './write-run.js';

/** Past this many problems the file is not worth checking further: it is the wrong file, or wrongly saved. */
export const MAX_PROBLEMS = 1000;

/** How many problems are listed; the rest are counted. */
const SHOWN_PROBLEMS = 50;

export interface ImportCheck {
  /** The rows whose syntax is valid, in file order. */
  rows: ImportRow[];
  /** The problems to show (capped) and their count. */
  problems: ProblemList;
  /** Every invalid row, by line: the syntax pass's and, once planned, the directory's. */
  invalid: Map<number, RowProblem>;
  /** Checking stopped at MAX_PROBLEMS. */
  tooMany: boolean;
  stats: ImportStats;
}

/** Read and check the file's syntax, streaming; stop at MAX_PROBLEMS. */
export async function checkImportFile(path: string, options: ImportFileOptions): Promise<ImportCheck> {
  const check: ImportCheck = {
    rows: [],
    problems: new ProblemList(SHOWN_PROBLEMS),
    invalid: new Map(),
    tooMany: false,
    stats: { bytesRead: 0, records: 0, rows: 0, problems: 0 },
  };
  for await (const item of importFileRows(path, check.stats, options)) {
    if ('reason' in item) {
      check.problems.add(item);
      check.invalid.set(item.line, item);
      if (check.invalid.size >= MAX_PROBLEMS) {
        check.tooMany = true;
        break;
      }
    } else check.rows.push(item);
  }
  return check;
}

/**
 * A file refused as it is — past the problem limit, or after a broken header or structure — is
 * not planned: no connection, no directory search for its rows.
 */
export function refusedUnread(check: ImportCheck): boolean {
  return check.tooMany || check.problems.incomplete;
}

export interface ImportPlan {
  /** What to write, and (with --skip-invalid) the rows the syntax pass rejected, as failed targets by line. */
  targets: Target[];
  /** Rows the directory rejected (unknown user, server…): also in the check's problems. */
  rejected: number;
  notices: string[];
}

/** Resolve and plan every valid row; rows the directory rejects join the check's problems. */
export async function planImport(
  directory: DirectoryPort,
  settings: Settings,
  check: ImportCheck,
  options: { skipInvalid?: boolean | undefined },
): Promise<ImportPlan> {
  // An ImportRow is a ProvisionRequest already; no second copy of every row.
  const plan = await planProvisioning(directory, settings, check.rows, { allOrNothing: !options.skipInvalid });
  for (const problem of plan.rejected) {
    const row = { line: problem.line!, user: problem.name, reason: problem.reason };
    check.problems.add(row);
    check.invalid.set(row.line, row);
  }
  const rowLines = new Set(check.rows.map((r) => r.line));
  const targets: Target[] = [...plan.targets];
  // A repeat of a name refused before it was looked up is the same account as its first line:
  // the report says which (its dn), as it does for a repeat spelt differently and found later.
  const dnAt = new Map(plan.targets.flatMap((t) => (t.line !== undefined && t.dn ? [[t.line, t.dn] as const] : [])));
  for (const problem of check.invalid.values()) {
    if (rowLines.has(problem.line)) continue;
    const dn = problem.sameAs === undefined ? undefined : dnAt.get(problem.sameAs);
    targets.push({
      line: problem.line,
      name: problem.user ?? '',
      action: 'invalid',
      ...(dn ? { dn } : {}),
      plan: { kind: 'failed', reason: problem.reason },
    });
  }
  // The results, the report and the journal follow the file's lines, the refused rows among the others.
  targets.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { targets, rejected: plan.rejected.length, notices: plan.notices };
}

/** The invalid rows of a refused file, in the vocabulary of command-line batches (docs/json.md). */
export function invalidRows(check: ImportCheck): { line: number; user: string | null; reason: string }[] {
  return [...check.invalid.values()]
    .sort((a, b) => a.line - b.line)
    .map((p) => ({ line: p.line, user: p.user ?? null, reason: p.reason }));
}
