/**
 * `imctl audit`: first contact with an existing directory. Reads (src/services/audit.ts), renders
 * a summary per finding kind, writes `--report FILE`, and with --fix / --normalize-case /
 * --disable-idle hands the certain repairs to the one write path. Exit 0 clean, 3 findings remain.
 */
import { MAX_ACTIVE_DAYS } from '../core/activity.js';
import { FindingsRemain } from '../core/audit.js';
import { UsageError } from '../core/errors.js';
import { findingsRemaining, planAuditRepairs, runAudit, type AuditReport } from '../services/audit.js';
import { checkFindingReportPath, saveFindingReport } from '../services/output-files.js';
import { srvLookup } from '../services/rvp-lookup.js';
import type { Target } from '../services/write-run.js';
import type { Output } from '../ui/output.js';
import { renderTable } from '../ui/table.js';
import type { Context } from './context.js';
import { runWrite } from './write-command.js';

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
    throw new UsageError('--dry-run, --yes and --ldif apply to repairs: add --fix, --normalize-case or --disable-idle.', 'write-flags-without-fix');
  }
  if (options.ldif === '-' && out.json) {
    throw new UsageError('--ldif - and --json would both print on stdout: keep one, and send the other to a file (e.g. --ldif repairs.ldif).', 'two-stdout-outputs');
  }
  if (options.report) checkFindingReportPath(options.report);

  const idleDays = typeof options.disableIdle === 'string' ? wholeDays(options.disableIdle) : undefined;
  const directory = await context.directory();
  const resolver = options.dns === false ? undefined : srvLookup(context.settings.dnsServer);
  const run = await runAudit(directory, context.settings, { lookupSrv: resolver ? (name) => resolver.srv(name) : undefined });
  const { report } = run;
  if (options.report) {
    saveFindingReport(options.report, report.findings);
    out.info(`Report: ${options.report} (${report.findings.length} finding(s))`);
  }

  const repairs = { fix: !!options.fix, normalizeCase: !!options.normalizeCase, disableIdle: !!options.disableIdle, idleDays };
  let written: Target[] = [];
  if (!repairing) {
    if (out.json) out.printJson(report);
    else renderAudit(out, report, resolver?.server);
  } else {
    if (!out.json) renderAudit(out, report, resolver?.server);
    const targets = planAuditRepairs(run, repairs);
    if (!out.json) out.print(targets.length > 0 ? `Repairs: ${targets.length} user(s).` : 'Nothing to repair with the options given.');
    // The write path prints the one --json document, with the audit inside it. A failed write throws (exit 3).
    await runWrite(context, directory, targets, { dryRun: options.dryRun, yes: options.yes, ldif: options.ldif, command: 'audit', jsonExtra: { audit: report } });
    if (!options.dryRun && options.ldif === undefined) written = targets;
  }
  const remaining = findingsRemaining(report, written, repairs);
  if (remaining.length > 0) {
    const repaired = report.problems - remaining.length;
    const n = (value: number) => value.toLocaleString('en-US');
    throw new FindingsRemain(`${n(remaining.length)} finding(s) remain${repaired > 0 ? ` after ${n(repaired)} repaired` : ''}.${repairing ? '' : ' "imctl audit --fix" repairs what is certain; see --help.'}`);
  }
}

function wholeDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_ACTIVE_DAYS) {
    throw new UsageError(`--disable-idle DAYS must be a whole number of days from 1 to ${MAX_ACTIVE_DAYS}, not ${JSON.stringify(value.slice(0, 20))}.`, 'usage');
  }
  return Number(value);
}

export function renderAudit(out: Output, report: AuditReport, dnsServer: string | undefined): void {
  const c = out.color;
  const fmt = (n: number) => n.toLocaleString('en-US');
  out.print(`Audit of ${fmt(report.users)} IM user(s) under ${report.baseDn} on ${report.dc}; ${report.servers.length} IM server(s); DNS ${report.dnsChecked ? `via ${dnsServer}` : 'not checked (--no-dns)'}.`);
  const rows = report.summary.map((row) => [
    row.informational ? c.dim(row.title) : row.title,
    row.count === 0 ? c.green('0') : row.informational ? c.dim(fmt(row.count)) : c.yellow(fmt(row.count)),
    row.fixable > 0 ? fmt(row.fixable) : '',
    row.examples.join('\n'),
  ]);
  out.print(renderTable(c, ['Finding', 'Count', 'Fixable', 'Examples'], rows, ['left', 'right', 'right', 'left']));
  const idle = report.servers.filter((s) => s.idleSeats > 0);
  if (idle.length > 0) out.print(`Idle seats per server: ${idle.map((s) => `${s.name} ${fmt(s.idleSeats)}`).join(', ')}.`);
  const inactive = report.servers.filter((s) => s.inactive > 0);
  if (inactive.length > 0) {
    out.print(`Inactive homed users per server (disabled, expired, or no logon within ${report.activity.activeDays} days): ${inactive.map((s) => `${s.name} ${fmt(s.inactive)} of ${fmt(s.users)}`).join(', ')}.`);
    out.print(c.dim(report.activity.note));
  }
  if (report.problems === 0) out.print(c.green('Clean: nothing to repair.'));
}
