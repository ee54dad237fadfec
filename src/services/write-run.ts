/**
 * The one write path shared by enable, disable, move, import, rebalance, undo and the wizard.
 * Given planned targets (each planned once), it writes the plan as LDIF, asks before changing
 * several users, records a journal, applies the writes pipelined through the directory port,
 * and hands every target's outcome to the sink the command gave it as it settles. Failures
 * become the contract's exit codes. It prints nothing itself.
 */
import { DirectoryError, ImctlError, Interrupted, PartialFailure } from '../core/errors.js';
import type { ImState } from '../core/im-model.js';
import { LDIF_HEADER, ldifModifyRecord } from '../core/ldif.js';
import type { Outcome, UserPlan } from '../core/provision.js';
import { Journal } from '../journal/journal.js';
import type { AppContext } from './app-context.js';
import type { DirectoryPort, WriteTask } from './directory-port.js';
import { count, plural } from '../core/words.js';

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
  /** Writes never sent because the run stopped first (Ctrl-C, the DC gone): untouched. */
  notStarted: number;
}

/** Where a run's outcomes go: handed in by the command (a listing, streamed JSON, a report). */
export interface ResultSink {
  /** Before the first result: how many targets and how many of them write. */
  start(total: number, writes: number): void | Promise<void>;
  result(result: TargetResult): void;
  /** The journal for this run was opened (writes are about to start). */
  journalOpened(path: string): void;
  /** Writes settled so far, of `writes`. */
  progress(done: number, failed: number): void;
  /** After the last result (also when the run fails). */
  finish(summary: RunSummary, journal: string | undefined): Promise<void>;
}

/** Where `--ldif` sends the plan. */
export interface LdifSink {
  write(text: string): Promise<void>;
  close(changes: number): Promise<void>;
}

export interface WriteRunOptions {
  /** The command's name, for the journal and the results. */
  command: string;
  /** Plan only: report `planned`, write nothing. */
  dryRun?: boolean | undefined;
  /** Write the plan as LDIF change records instead of applying it. */
  ldif?: LdifSink | undefined;
  /** Asked before changing more than one user; no function means no question (--yes, off a terminal). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** A server's name from its DN (null when no server has it), for the confirmation's split by server. */
  serverName?: ((dn: string) => string | null) | undefined;
  /** The file the targets came from, for the journal. */
  input?: string | undefined;
  sink: ResultSink;
}

export interface RunResult {
  summary: RunSummary;
  journal?: string;
}

export async function executeTargets(
  app: AppContext,
  directory: DirectoryPort,
  targets: readonly Target[],
  options: WriteRunOptions,
): Promise<RunResult> {
  const planOnly = !!options.dryRun || options.ldif !== undefined;
  const writes = targets.filter((t): t is WriteTarget => t.plan.kind === 'write');

  if (!planOnly && writes.length > 1 && options.confirm) {
    if (!(await options.confirm(confirmQuestion(writes, directory.dcHost, options.serverName))))
      throw new Interrupted('Nothing was written.');
  }

  // Ctrl-C while names were resolved and the plan made: say plainly that nothing was written.
  if (app.signal.aborted) throw new Interrupted('Interrupted before any change was sent; nothing was written.');

  const { sink } = options;
  const summary: RunSummary = { changed: 0, unchanged: 0, failed: 0, planned: 0, notStarted: 0 };
  // Writes settle in any order; results reach the sink in target order (an import's line order).
  const order = new Map(targets.map((target, index) => [target, index]));
  const held = new Map<number, TargetResult>();
  let next = 0;
  const emit = (target: Target, outcome: Outcome, reason: string | null, plan?: WriteTarget['plan']) => {
    summary[outcome === 'not-started' ? 'notStarted' : outcome]++;
    held.set(order.get(target)!, {
      line: target.line,
      user: target.name,
      dn: target.dn ?? null,
      action: target.action,
      outcome,
      reason,
      change: target.summary,
      before: plan?.before,
      after: plan?.after,
    });
    for (let result = held.get(next); result !== undefined; result = held.get(next)) {
      held.delete(next++);
      sink.result(result);
    }
  };

  await sink.start(targets.length, writes.length);
  let journal: Journal | undefined;
  let fatal: ImctlError | undefined;
  /** Writes whose outcome the DC could not confirm before the run stopped. */
  let inDoubt = 0;
  try {
    if (options.ldif) await writeLdif(options.ldif, writes);
    // Everything that needs no write is settled first, in input order.
    for (const target of targets) {
      if (target.plan.kind === 'unchanged') emit(target, 'unchanged', null);
      else if (target.plan.kind === 'failed') emit(target, 'failed', target.plan.reason);
      else if (planOnly) emit(target, 'planned', null, target.plan);
    }
    if (!planOnly && writes.length > 0) {
      journal = Journal.open(
        options.command,
        { server: directory.dcHost, domain: directory.domainDn },
        app.env,
        directory.boundAs,
        { commandLine: app.commandLine, input: options.input },
      );
      sink.journalOpened(journal.path);
      const settled = new Set<WriteTarget>();
      let failed = 0;
      const tasks = writes.map(
        (target) =>
          ({
            target,
            dn: target.dn,
            before: target.plan.before,
            after: target.plan.after,
            ops: target.plan.ops,
          }) satisfies WriteTask & { target: WriteTarget },
      );
      try {
        await directory.write(tasks, { concurrency: app.settings.concurrency, signal: app.signal }, (task, result) => {
          settled.add(task.target);
          // The DC that took the write: after a failover mid-run it is not the one the run started on.
          const record = {
            dn: task.dn,
            guid: task.target.guid ?? '',
            before: task.before,
            after: task.after,
            server: directory.dcHost,
          };
          if (result.outcome === 'changed') {
            journal!.record(record);
            emit(task.target, 'changed', null, task.target.plan);
          } else if (result.outcome === 'unknown') {
            // Sent, never answered, and the DC could not be asked: the entry is as before or as after.
            // The journal records it (marked unconfirmed) so that undo can still put it back.
            inDoubt++;
            failed++;
            journal!.record(record, 'unconfirmed');
            emit(
              task.target,
              'failed',
              `in doubt: the change was sent but the connection was lost before the DC answered, and the DC could not be asked afterwards (${result.reason.replace(/\.$/, '')}); the entry is either unchanged or fully changed — a re-run settles it`,
            );
          } else {
            failed++;
            emit(task.target, 'failed', result.reason);
          }
          sink.progress(settled.size, failed);
        });
      } catch (error) {
        // The run cannot go on (the DC is gone, the bind no longer works): every write not settled
        // is reported as not done, so the report and a re-run know exactly what is left.
        fatal =
          error instanceof ImctlError
            ? error
            : new DirectoryError(String((error as Error)?.message ?? error), 'unexpected');
      } finally {
        // Writes not sent when the run stopped are not done (reported below as not started): the
        // journal's failed count, which history shows, has always counted them as not done.
        const unsettled = writes.length - settled.size;
        await journal.close({
          outcome: fatal ? 'stopped' : app.signal.aborted ? 'interrupted' : failed > 0 ? 'partial' : 'done',
          changed: summary.changed,
          unchanged: summary.unchanged,
          failed: summary.failed + (fatal || app.signal.aborted ? unsettled : 0),
        });
      }
      if (fatal || app.signal.aborted) {
        const reason = fatal ? `not started: ${fatal.message}` : 'not started: the run was interrupted first';
        for (const target of writes) if (!settled.has(target)) emit(target, 'not-started', reason);
      }
    }
  } finally {
    await sink.finish(summary, journal?.path);
  }

  if (fatal) {
    if (summary.changed === 0 && inDoubt === 0) throw fatal;
    const doubt =
      inDoubt > 0
        ? ` (${count(inDoubt)} of them in doubt: sent, but the DC could not confirm them; the journal records them so undo can still revert them)`
        : '';
    const notDone = summary.failed + summary.notStarted;
    const message = `${fatal.message} ${plural(summary.changed, 'change')} ${summary.changed === 1 ? 'was' : 'were'} made first (journal ${journal?.path}); ${plural(notDone, 'target')} ${notDone === 1 ? 'is' : 'are'} not done${doubt}. Re-run the same command when the DC is back: done targets report "unchanged".`;
    // Protection that failed (a Kerberos check, octets in clear) is tampering or a broken key, not a partial run: exit 1.
    if (fatal instanceof DirectoryError && (fatal.reason === 'sasl-layer' || fatal.reason === 'protocol-violation'))
      throw new DirectoryError(message, fatal.reason);
    throw new PartialFailure(message);
  }
  if (app.signal.aborted) {
    throw new Interrupted(
      `Interrupted: ${count(summary.changed)} changed before stopping${journal ? `; the journal ${journal.path} records them` : ''}${summary.notStarted > 0 ? `; ${count(summary.notStarted)} not started (untouched)` : ''}. Re-run to finish: done targets report "unchanged".`,
    );
  }
  if (summary.failed > 0) throw new PartialFailure(failureMessage(options, summary, targets.length));
  return { summary, ...(journal ? { journal: journal.path } : {}) };
}

/**
 * The question before changing several users, with what the change is: how many of each action,
 * and where they go (the server an enable or move puts users on, the one a disable takes them off).
 */
export function confirmQuestion(
  writes: readonly Pick<WriteTarget, 'action' | 'plan'>[],
  dcHost: string,
  serverName?: (dn: string) => string | null,
): string {
  const byAction = new Map<string, Map<string, number>>();
  for (const { action, plan } of writes) {
    const servers = byAction.get(action) ?? new Map<string, number>();
    byAction.set(action, servers);
    const dn = (action === 'disable' ? plan.before : plan.after).msExchIMVirtualServer;
    const where = dn && serverName ? (serverName(dn) ?? '') : '';
    const prefix = action === 'disable' ? 'off' : action === 'enable' ? 'on' : 'to';
    const key = where ? `${prefix} ${where}` : '';
    servers.set(key, (servers.get(key) ?? 0) + 1);
  }
  const parts = [...byAction].map(([action, servers]) => {
    const total = [...servers.values()].reduce((a, b) => a + b, 0);
    const named = [...servers].filter(([key]) => key !== '');
    const split = named.length > 0 ? ` (${named.map(([key, n]) => `${count(n)} ${key}`).join(', ')})` : '';
    return `${plural(total, action)}${split}`;
  });
  return `Change ${count(writes.length)} users on ${dcHost}: ${parts.join('; ')}?`;
}

async function writeLdif(ldif: LdifSink, writes: readonly WriteTarget[]): Promise<void> {
  await ldif.write(LDIF_HEADER);
  for (const t of writes)
    await ldif.write(ldifModifyRecord(t.dn, t.plan.ops, `${t.action} ${t.name}${t.summary ? `: ${t.summary}` : ''}`));
  await ldif.close(writes.length);
}

/** The closing sentence of a run with failed targets, true to what was (and was not) done. */
export function failureMessage(
  options: Pick<WriteRunOptions, 'command' | 'dryRun' | 'ldif'>,
  summary: RunSummary,
  total: number,
): string {
  const failed = `${count(summary.failed)} of ${plural(total, 'target')}`;
  const were = summary.failed === 1 ? 'was' : 'were';
  const rest = total - summary.failed;
  if (options.dryRun || options.ldif) {
    return `${failed} cannot be done as asked (see the reasons); nothing was written${options.ldif ? (rest > 0 ? ', and the LDIF holds only the others' : ', and the LDIF holds no change') : ''}.`;
  }
  if (options.command === 'undo') {
    return `${failed} ${were} not put back (see the reasons: an entry changed since the recorded run is left as it is now, which a re-run will not change)${rest > 0 ? `; the other ${plural(rest, 'target')} ${rest === 1 ? 'was' : 'were'} put back` : '; nothing was put back'}.`;
  }
  if (summary.changed === 0 && summary.unchanged === 0)
    return `${total === 1 ? 'The target' : `All ${plural(total, 'target')}`} failed; nothing was written. Fix the reasons and re-run.`;
  return `${failed} failed; the rest were done. Fix the reasons and re-run: done targets report "unchanged".`;
}
