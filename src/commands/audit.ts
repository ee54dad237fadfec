/**
 * `imctl audit`: first contact with an existing directory. Reads (src/services/audit.ts), renders
 * a summary per finding kind (src/ui/audit-view.ts), writes `--report FILE` (the findings as they are found; with a repair
 * flag, each repair's outcome), and with --fix / --normalize-case / --disable-idle hands the certain repairs
 * to the one write path. Exit 0 clean, 3 findings remain.
 */
import { MAX_ACTIVE_DAYS, idleWindowWarning } from '../core/activity.js';
import { FindingsRemain } from '../core/audit.js';
import { UsageError } from '../core/errors.js';
import {
  findingsRemaining,
  planAuditRepairs,
  runAudit,
  serversAfterRepairs,
  type AuditRun,
} from '../services/audit.js';
import { checkFindingReportPath, checkReportPath, openFindingReport } from '../services/output-files.js';
import { srvLookup } from '../services/rvp-lookup.js';
import type { Target } from '../services/write-run.js';
import { renderAudit, renderServerCounts } from '../ui/audit-view.js';
import { withSpinner } from '../ui/progress.js';
import type { Context } from './command-context.js';
import { checkStdoutOutputs, runWrite } from './write-command.js';
import { plural } from '../core/words.js';

export interface AuditCommandOptions {
  fix?: boolean;
  normalizeCase?: boolean;
  /** true, or DAYS as given (`--disable-idle 180`). */
  disableIdle?: boolean | string;
  /** commander's --no-dns: false when given. */
  dns?: boolean;
  report?: string;
  dryRun?: boolean;
  yes?: boolean;
  ldif?: string;
}

export async function auditCommand(context: Context, options: AuditCommandOptions): Promise<void> {
  const { out } = context;
  const repairing = !!(options.fix || options.normalizeCase || options.disableIdle);
  if (!repairing && (options.dryRun || options.yes || options.ldif !== undefined)) {
    throw new UsageError(
      '--dry-run, --yes and --ldif apply to repairs: add --fix, --normalize-case or --disable-idle.',
      'write-flags-without-fix',
    );
  }
  // --report - is the findings as CSV on stdout, as --ldif - is LDIF there: one of them, or --json.
  checkStdoutOutputs(
    [
      options.ldif === '-' ? '--ldif -' : undefined,
      options.report === '-' ? '--report -' : undefined,
      out.json ? '--json' : undefined,
    ],
    '--report findings.csv',
  );
  // Repairing, the report is the write run's: one row per repair with its outcome (a ticket wants
  // what was done); reading only, it is the findings.
  if (options.report && !repairing) checkFindingReportPath(options.report);
  if (options.report && repairing) checkReportPath(options.report);

  const idleDays = typeof options.disableIdle === 'string' ? wholeDays(options.disableIdle) : undefined;
  const directory = await context.directory();
  // A window shorter than lastLogonTimestamp's lag clears seats of people who logged on lately.
  const idleWarning = idleDays === undefined ? undefined : idleWindowWarning(idleDays, await directory.logonSyncDays());
  if (idleWarning) out.warn(idleWarning);
  const resolver = options.dns === false ? undefined : srvLookup(context.settings.dnsServer);
  const repairs = {
    fix: !!options.fix,
    normalizeCase: !!options.normalizeCase,
    disableIdle: !!options.disableIdle,
    idleDays,
  };
  const reportOnStdout = options.report === '-';
  // Reading only, the findings are written as they are found (--report rows, --json's list) and
  // never held: a domain of 100,000 users is audited in bounded memory. Repairing keeps them.
  const findingReport =
    options.report && !repairing ? openFindingReport(options.report, out.streams.stdout) : undefined;
  const document = out.json && !repairing ? out.jsonList('findings') : undefined;
  let run: AuditRun;
  const whileStreaming = context.whileStreaming ?? ((work) => work());
  try {
    run = await whileStreaming(() =>
      withSpinner(
        out,
        'Reading every IM user',
        runAudit(directory, context.settings, {
          lookupSrv: resolver ? (name) => resolver.srv(name) : undefined,
          repairs: repairing ? repairs : undefined,
          onFindings: async (findings) => {
            findingReport?.write(findings);
            await document?.write(findings);
          },
        }),
      ),
    );
  } finally {
    findingReport?.close();
  }
  const { report } = run;
  const found = report.summary.reduce((sum, row) => sum + row.count, 0);
  // With stdout taken by a report or LDIF, the lines for people go to stderr.
  const print =
    reportOnStdout || options.ldif === '-' ? (text: string) => out.info(text) : (text: string) => out.print(text);
  if (findingReport && !reportOnStdout) out.info(`Report: ${options.report} (${plural(found, 'finding')})`);

  let written: Target[] = [];
  let serversNow: ReturnType<typeof serversAfterRepairs> | undefined;
  if (!repairing) {
    if (document) document.close({ ...report });
    else renderAudit(out, report, resolver?.server, print);
  } else {
    if (!out.json) renderAudit(out, report, resolver?.server, print);
    const targets = planAuditRepairs(run, repairs);
    if (!out.json)
      print(
        targets.length > 0
          ? `Repairs: ${plural(targets.length, 'user')}.`
          : 'Nothing to repair with the options given.',
      );
    // The write path prints the one --json document, with the audit inside it. A failed write throws (exit 3).
    await runWrite(context, directory, targets, {
      dryRun: options.dryRun,
      yes: options.yes,
      ldif: options.ldif,
      report: options.report,
      command: 'audit',
      jsonExtra: { audit: { ...report, findings: run.findings } },
    });
    if (!options.dryRun && options.ldif === undefined) written = targets;
    // The counts per server as they are now, not as the audit found them.
    if (written.length > 0) serversNow = serversAfterRepairs(run, written);
    if (serversNow && !out.json)
      renderServerCounts(out, serversNow, context.settings.activeDays, 'after the repairs', print);
  }
  // What a fresh audit would find: a server cleared of idle seats is no longer over capacity.
  const remaining = repairing
    ? findingsRemaining(report, run.findings, written, repairs, serversNow).length
    : report.problems;
  if (remaining > 0) {
    const repaired = report.problems - remaining;
    const n = (value: number) => value.toLocaleString('en-US');
    throw new FindingsRemain(
      `${plural(remaining, 'finding')} ${remaining === 1 ? 'remains' : 'remain'}${repaired > 0 ? ` after ${n(repaired)} repaired` : ''}.${repairing ? '' : ' "imctl audit --fix" repairs what is certain; see --help.'}`,
    );
  }
}

function wholeDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_ACTIVE_DAYS) {
    throw new UsageError(
      `--disable-idle DAYS must be a whole number of days from 1 to ${MAX_ACTIVE_DAYS}, not ${JSON.stringify(value.slice(0, 20))}.`,
      'usage',
    );
  }
  return Number(value);
}
