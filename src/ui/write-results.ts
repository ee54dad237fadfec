/**
 * Where a writing run's outcomes go, as the admin asked: one line per target on stdout (only
 * failures beyond 50 targets), one streamed JSON document with --json, a --report file, and a
 * progress bar on a terminal. Streaming: 100,000 outcomes need no more memory than one.
 */
import { UsageError } from '../core/errors.js';
import { IM_ATTRIBUTES } from '../core/im-model.js';
import type { Outcome } from '../core/provision.js';
import { openReport, ReportError, type ReportWriter } from '../io/report.js';
import type { ResultSink, RunSummary, TargetResult } from '../services/write-run.js';
import { safeJson, type Output } from './output.js';
import { startProgress, type Progress } from './progress.js';
import { infoFitted, printFitted } from './wrap.js';
import { count, plural } from '../core/words.js';

export interface ResultSinkOptions {
  command: string;
  /** --report FILE (.csv, .json or .jsonl), or `-`: CSV on stdout. */
  report?: string | undefined;
  /** `--ldif -` owns stdout (so does `--report -`): then outcomes go to stderr and no JSON is printed. */
  ldifOnStdout?: boolean;
  /** Merged into the --json document (e.g. rebalance's plan). */
  jsonExtra?: Record<string, unknown> | undefined;
  /** A server's name from its DN, for the report's home server columns (unknown DNs are left empty). */
  serverName?: ((dn: string) => string | null) | undefined;
}

/** Results printed one per line up to this many targets; beyond it only failures. */
const DETAIL_LIMIT = 50;
const MAX_FAILURES_PRINTED = 100;

/** Opens the report at once, so a bad report path is a usage error before anything is planned or written. */
export function openResultSink(out: Output, options: ResultSinkOptions): ResultSink {
  let report: ReportWriter | undefined;
  if (options.report) {
    try {
      report = openReport(options.report, out.writableFor('stdout'));
    } catch (error) {
      if (error instanceof ReportError) throw new UsageError(error.message, 'report-path');
      throw error;
    }
  }
  // `--ldif -` or `--report -` owns stdout: the lines for the admin go to stderr, and no JSON.
  const stdoutTaken = !!options.ldifOnStdout || options.report === '-';
  // Broken at words at a terminal, as the wizard's and show's lines are: a long reason hangs under the name.
  const print = stdoutTaken ? (text: string) => infoFitted(out, text) : (text: string) => printFitted(out, text);
  const json = out.json && !stdoutTaken;
  const reportName = options.report === '-' ? 'the report on stdout' : options.report;
  // Through the Output, so that a live progress bar is erased first and drawn again after.
  const toStdout = (text: string) => out.write('stdout', text);
  const c = out.color;
  const paint: Record<Outcome, (s: string) => string> = {
    changed: c.green,
    unchanged: c.dim,
    failed: c.red,
    planned: c.cyan,
    'not-started': c.yellow,
  };
  /**
   * The --json result last received, written once the next one (or the end) says what follows it:
   * every chunk then ends a line, so that a line on stderr (the journal's path, a warning, the
   * progress bar) never lands inside one on a terminal. The bytes are those of one document.
   */
  let held: string | undefined;
  let detailed = true;
  let total = 0;
  let failuresPrinted = 0;
  let progress: Progress | undefined;
  let writes = 0;

  return {
    start(targetCount, writeCount) {
      total = targetCount;
      detailed = targetCount <= DETAIL_LIMIT;
      writes = writeCount;
      if (json) toStdout(`{"command":${JSON.stringify(options.command)},"results":[\n`);
    },
    result(result: TargetResult) {
      const serverOf = (state: TargetResult['before']) => {
        const dn = state?.msExchIMVirtualServer;
        return dn ? (options.serverName?.(dn) ?? undefined) : undefined;
      };
      void report?.write({
        line: result.line ?? 0,
        user: result.user,
        dn: result.dn ?? '',
        action: result.action,
        outcome: result.outcome,
        reason: result.reason ?? '',
        fromHomeServer: serverOf(result.before),
        toHomeServer: serverOf(result.after),
      });
      if (json) {
        if (held !== undefined) toStdout(`${held},\n`);
        held = safeJson(JSON.stringify(result));
        return;
      }
      if (out.json) return;
      // Beyond the detail limit only failures get a line: targets never started (after Ctrl-C or a
      // lost DC) are counted by the summary, which says to re-run; --report and --json list them.
      const problem = result.outcome === 'failed';
      const untouched = result.outcome === 'not-started';
      if (!detailed && !problem) return;
      if (problem && ++failuresPrinted > MAX_FAILURES_PRINTED) return;
      const where = result.line ? `line ${result.line}: ` : '';
      const what =
        problem || untouched ? (result.reason ?? '') : result.outcome === 'planned' ? describePlan(result) : '';
      print(`${paint[result.outcome](result.outcome.padEnd(9))} ${where}${result.user}${what ? ` — ${what}` : ''}`);
    },
    journalOpened(path) {
      out.info(`Journal: ${path}`);
      progress = startProgress(out, writes, options.command);
    },
    progress(done, failed) {
      progress?.update(done, failed);
    },
    async finish(summary: RunSummary, journal) {
      progress?.stop();
      await report?.close();
      if (json) {
        const tail = { summary, journal: journal ?? null, ...options.jsonExtra };
        toStdout(`${held !== undefined ? `${held}\n` : ''}],${safeJson(JSON.stringify(tail)).slice(1)}\n`);
        return;
      }
      if (out.json) return;
      if (failuresPrinted > MAX_FAILURES_PRINTED)
        print(
          c.red(
            `… and ${plural(failuresPrinted - MAX_FAILURES_PRINTED, 'more failure')}${options.report ? ` (all in ${reportName})` : ' (use --report FILE for all)'}.`,
          ),
        );
      // Beyond DETAIL_LIMIT targets only failures were listed: say so, and where every line is.
      if (!detailed && total - summary.failed - summary.notStarted > 0)
        print(
          c.dim(
            `Only problems are listed beyond ${count(DETAIL_LIMIT)} targets: ${options.report ? `every target is in ${reportName}` : '--report FILE or --json has all'}.`,
          ),
        );
      print(
        `${options.command}: ${count(summary.changed)} changed, ${count(summary.unchanged)} unchanged, ${count(summary.failed)} failed${summary.notStarted ? `, ${count(summary.notStarted)} not started (untouched: re-run to do them)` : ''}${summary.planned ? `, ${count(summary.planned)} planned (nothing written)` : ''}.`,
      );
      if (options.report && options.report !== '-') out.info(`Report: ${options.report}`);
    },
  };
}

/** One line per planned change; every value is in --json and --ldif. */
function describePlan(result: TargetResult): string {
  const after = result.after ?? {};
  const cleared = IM_ATTRIBUTES.every((a) => after[a] === undefined);
  return cleared
    ? 'clear the four IM attributes'
    : `${result.action}${result.change ? ` ${result.change}` : ''} as ${after.msExchIMAddress ?? '(no address)'}`;
}
