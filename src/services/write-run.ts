/**
 * The one write path shared by enable, disable, move, import, rebalance and undo. Given planned
 * targets, it writes the plan as LDIF (--ldif), asks before changing several users on a
 * terminal, records a journal, applies the writes pipelined, and reports every target's outcome
 * as it settles (stdout, --json, --report) — streaming, so 100,000 targets need no more memory
 * than the window of writes in flight. Failures become the contract's exit codes.
 */
import { closeSync, constants, createWriteStream, fchmodSync, fstatSync, ftruncateSync, openSync, type WriteStream } from 'node:fs';
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { DirectoryError, ImctlError, Interrupted, PartialFailure, UsageError } from '../core/errors.js';
import { IM_ATTRIBUTES, type ImState } from '../core/im-model.js';
import { LDIF_HEADER, ldifModifyRecord } from '../core/ldif.js';
import type { Outcome, UserPlan } from '../core/provision.js';
import type { Directory } from '../directory/connection.js';
import { applyWrites, type WriteTask } from '../directory/writer.js';
import { Journal } from '../journal/journal.js';
import type { ReportWriter } from '../io/report.js';
import { safeJson } from '../ui/output.js';
import { startProgress } from '../ui/progress.js';

export interface Target {
  /** CSV line, when the target came from a file. */
  line?: number | undefined;
  /** The name as the admin gave it. */
  name: string;
  action: string;
  dn?: string | undefined;
  guid?: string | undefined;
  plan: UserPlan;
  /** A short description of the change for humans, e.g. "on im-east". */
  summary?: string | undefined;
}

type WriteTarget = Target & { plan: Extract<UserPlan, { kind: 'write' }>; dn: string };

export interface TargetResult {
  line?: number | undefined;
  user: string;
  dn: string | null;
  action: string;
  outcome: Outcome;
  reason: string | null;
  /** What the change is, for people: "on im-south", "to im-west". */
  change?: string | undefined;
  before?: ImState | undefined;
  after?: ImState | undefined;
}

export interface RunSummary {
  changed: number;
  unchanged: number;
  failed: number;
  planned: number;
}

export interface WriteRunOptions extends WriteFlags {
  command: string;
  /** Merged into the --json document (e.g. rebalance's plan). */
  jsonExtra?: Record<string, unknown>;
  /** For the wizard: answer the confirmation here instead of prompting. */
  confirm?: (question: string) => Promise<boolean>;
  /** For the wizard: see every result as it settles. */
  onResult?: (result: TargetResult) => void;
  /** Results printed one per line up to this many targets; beyond it only failures (default 50). */
  detailLimit?: number;
}

/** Targets come from a function so a large run can be walked twice (count, then write) without holding them. */
export type TargetSource = () => Iterable<Target>;

const MAX_FAILURES_PRINTED = 100;

export async function executeTargets(
  context: Context,
  directory: Directory,
  source: TargetSource | Target[],
  options: WriteRunOptions,
): Promise<{ summary: RunSummary; journal?: string }> {
  const { out } = context;
  const targets: TargetSource = Array.isArray(source) ? () => source : source;
  const planOnly = !!options.dryRun || options.ldif !== undefined;

  let total = 0;
  let writeCount = 0;
  for (const target of targets()) {
    total++;
    if (target.plan.kind === 'write') writeCount++;
  }

  if (!planOnly && writeCount > 1 && !options.yes && out.interactive) {
    const question = `Change ${writeCount} users on ${directory.endpoint.host}?`;
    const ok = options.confirm ? await options.confirm(question) : await askConfirm(question);
    if (!ok) throw new Interrupted('Nothing was written.');
  }

  const sink = await openSinks(context, options, total);
  const emit = (target: Target, outcome: Outcome, reason: string | null, plan?: WriteTarget['plan']) =>
    sink.emit({ line: target.line, user: target.name, dn: target.dn ?? null, action: target.action, outcome, reason, change: target.summary, before: plan?.before, after: plan?.after });

  let journal: Journal | undefined;
  let fatal: ImctlError | undefined;
  /** Writes whose outcome the DC could not confirm before the run stopped. */
  let inDoubt = 0;
  try {
    if (options.ldif !== undefined) await writeLdif(context, options.ldif, targets, writeCount);
    // Everything that needs no write is settled first, in input order.
    for (const target of targets()) {
      if (target.plan.kind === 'unchanged') emit(target, 'unchanged', null);
      else if (target.plan.kind === 'failed') emit(target, 'failed', target.plan.reason);
      else if (planOnly) emit(target, 'planned', null, target.plan);
    }
    if (!planOnly && writeCount > 0) {
      journal = Journal.open(options.command, directory.endpoint.host, context.env);
      out.info(`Journal: ${journal.path}`);
      const progress = startProgress(out, writeCount, options.command);
      let done = 0;
      let failed = 0;
      const tasks = function* () {
        for (const target of targets()) {
          if (target.plan.kind !== 'write') continue;
          const write = target as WriteTarget;
          yield { target: write, dn: write.dn, before: write.plan.before, after: write.plan.after, ops: write.plan.ops } satisfies WriteTask & { target: WriteTarget };
        }
      };
      // Keyed by DN: a target source may build fresh objects on every walk.
      const settled = new Set<string>();
      try {
        await applyWrites(directory, tasks(), { concurrency: context.settings.concurrency, signal: context.signal }, (task, result) => {
          settled.add(task.dn);
          done++;
          if (result.outcome === 'changed') {
            journal!.record({ dn: task.dn, guid: task.target.guid ?? '', before: task.before, after: task.after, server: directory.endpoint.host /* issue 16 */ });
            emit(task.target, 'changed', null, task.target.plan);
          } else if (result.outcome === 'unknown') {
            // Sent, never answered, and the DC could not be asked: the entry is as before or as after.
            // The journal records it (marked unconfirmed) so that undo can still put it back.
            inDoubt++;
            failed++;
            journal!.record({ dn: task.dn, guid: task.target.guid ?? '', before: task.before, after: task.after, server: directory.endpoint.host /* issue 16 */ }, 'unconfirmed');
            emit(task.target, 'failed', `in doubt: the change was sent but the connection was lost before the DC answered, and the DC could not be asked afterwards (${result.reason.replace(/\.$/, '')}); the entry is either unchanged or fully changed — a re-run settles it`);
          } else {
            failed++;
            emit(task.target, 'failed', result.reason);
          }
          progress.update(done, failed);
        });
      } catch (error) {
        // The run cannot go on (the DC is gone, the bind no longer works): every write not settled
        // is reported as not done, so the report and a re-run know exactly what is left.
        fatal = error instanceof ImctlError ? error : new DirectoryError(String((error as Error)?.message ?? error), 'unexpected');
      } finally {
        progress.stop();
        await journal.close();
      }
      if (fatal || context.signal.aborted) {
        const reason = fatal ? `not done: ${fatal.message}` : 'not done: the run was interrupted';
        for (const target of targets()) {
          if (target.plan.kind === 'write' && !settled.has(target.dn!)) emit(target, 'failed', reason);
        }
      }
    }
  } finally {
    await sink.close(journal?.path);
  }

  const summary = sink.summary;
  if (fatal) {
    if (summary.changed === 0 && inDoubt === 0) throw fatal;
    const doubt = inDoubt > 0 ? ` (${inDoubt} of them in doubt: sent, but the DC could not confirm them; the journal records them so undo can still revert them)` : '';
    throw new PartialFailure(`${fatal.message} ${summary.changed} change(s) were made first (journal ${journal?.path}); ${summary.failed} target(s) are not done${doubt}. Re-run the same command when the DC is back: done targets report "unchanged".`);
  }
  if (context.signal.aborted) {
    throw new Interrupted(`Interrupted: ${summary.changed} changed before stopping${journal ? `; the journal ${journal.path} records them` : ''}. Re-run to finish: done targets report "unchanged".`);
  }
  if (summary.failed > 0) {
    throw new PartialFailure(`${summary.failed} of ${total} target(s) failed; the rest were done. Fix the reasons and re-run: done targets report "unchanged".`);
  }
  return { summary, ...(journal ? { journal: journal.path } : {}) };
}

async function askConfirm(message: string): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: false }, { output: process.stderr });
}

async function writeLdif(context: Context, path: string, targets: TargetSource, count: number): Promise<void> {
  const stream: NodeJS.WritableStream = path === '-' ? context.out.streams.stdout : createWriteStream(path, { fd: openPrivateFile(path) });
  const write = (text: string) => new Promise<void>((resolve, reject) => (stream.write(text, (error) => (error ? reject(error) : resolve()))));
  await write(LDIF_HEADER);
  for (const t of targets()) {
    if (t.plan.kind === 'write') await write(ldifModifyRecord(t.dn!, t.plan.ops, `${t.action} ${t.name}${t.summary ? `: ${t.summary}` : ''}`));
  }
  if (path !== '-') {
    await new Promise<void>((resolve, reject) => {
      (stream as WriteStream).on('error', reject);
      stream.end(() => resolve());
    });
    context.out.info(`LDIF for ${count} change(s) written to ${path} (apply with: ldapmodify -f ${path}).`);
  }
}

/** Open `path` for writing, owner-only: created 0600, or an existing file made 0600 and emptied (the plan names accounts). */
function openPrivateFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600);
  } catch (error) {
    throw new UsageError(`Cannot write the LDIF to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'ldif-path');
  }
  try {
    if (fstatSync(fd).isFile()) {
      fchmodSync(fd, 0o600);
      ftruncateSync(fd, 0);
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw new UsageError(`Cannot make ${path} private (owner-only) for the LDIF: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another path.`, 'ldif-path');
  }
}

interface Sinks {
  emit(result: TargetResult): void;
  close(journal: string | undefined): Promise<void>;
  summary: RunSummary;
}

/** Where results go: the human listing, the streamed --json document, the --report file. */
async function openSinks(context: Context, options: WriteRunOptions, total: number): Promise<Sinks> {
  const { out } = context;
  const summary: RunSummary = { changed: 0, unchanged: 0, failed: 0, planned: 0 };
  let report: ReportWriter | undefined;
  if (options.report) {
    const { openReport, ReportError } = await import('../io/report.js');
    try {
      report = openReport(options.report);
    } catch (error) {
      if (error instanceof ReportError) throw new UsageError(error.message, 'report-path');
      throw error;
    }
  }
  // `--ldif -` owns stdout: then outcomes go to stderr and --json is not printed.
  const ldifOnStdout = options.ldif === '-';
  const print = ldifOnStdout ? (text: string) => out.info(text) : (text: string) => out.print(text);
  const json = out.json && !ldifOnStdout;
  const stdout = out.streams.stdout;
  let first = true;
  if (json) stdout.write(`{"command":${JSON.stringify(options.command)},"results":[`);
  const detailed = total <= (options.detailLimit ?? 50);
  let failuresPrinted = 0;
  const c = out.color;
  const paint: Record<Outcome, (s: string) => string> = { changed: c.green, unchanged: c.dim, failed: c.red, planned: c.cyan };

  return {
    summary,
    emit(result) {
      summary[result.outcome]++;
      options.onResult?.(result);
      report?.write({ line: result.line ?? 0, user: result.user, dn: result.dn ?? '', action: result.action, outcome: result.outcome, reason: result.reason ?? '' });
      if (json) {
        stdout.write(`${first ? '\n' : ',\n'}${safeJson(JSON.stringify(result))}`);
        first = false;
        return;
      }
      if (out.json) return;
      if (!detailed && result.outcome !== 'failed') return;
      if (result.outcome === 'failed' && ++failuresPrinted > MAX_FAILURES_PRINTED) return;
      const where = result.line ? `line ${result.line}: ` : '';
      const what = result.outcome === 'failed' ? result.reason ?? '' : result.outcome === 'planned' ? describePlan(result) : '';
      print(`${paint[result.outcome](result.outcome.padEnd(9))} ${where}${result.user}${what ? ` — ${what}` : ''}`);
    },
    async close(journal) {
      await report?.close();
      if (json) {
        const tail = { summary, journal: journal ?? null, ...options.jsonExtra };
        stdout.write(`\n],${safeJson(JSON.stringify(tail)).slice(1)}\n`);
        return;
      }
      if (out.json) return;
      if (failuresPrinted > MAX_FAILURES_PRINTED) print(c.red(`… and ${failuresPrinted - MAX_FAILURES_PRINTED} more failures${options.report ? ` (all in ${options.report})` : ' (use --report FILE for all)'}.`));
      print(
        `${options.command}: ${summary.changed} changed, ${summary.unchanged} unchanged, ${summary.failed} failed${summary.planned ? `, ${summary.planned} planned (nothing written)` : ''}.`,
      );
      if (options.report) out.info(`Report: ${options.report}`);
    },
  };
}

/** One line per planned change; every value is in --json and --ldif. */
function describePlan(result: TargetResult): string {
  const after = result.after ?? {};
  const cleared = IM_ATTRIBUTES.every((a) => after[a] === undefined);
  const what = cleared ? 'clear the four IM attributes' : `${result.action}${result.change ? ` ${result.change}` : ''} as ${after.msExchIMAddress ?? '(no address)'}`;
  return what;
}

