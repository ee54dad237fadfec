/**
 * `imctl audit` for people: the findings per kind — how many, how many a repair option fixes and
 * which option, a few examples — fitted to the terminal, and the counts per server (idle seats,
 * inactive users), before or after the repairs.
 */
import type { AuditReport } from '../services/audit.js';
import type { Output } from './output.js';
import { renderTable } from './table.js';
import { count, plural } from '../core/words.js';

const fmt = count;

/** `print`: where the lines go (stderr when stdout carries `--report -`). */
export function renderAudit(
  out: Output,
  report: AuditReport,
  dnsServer: string | undefined,
  print: (text: string) => void = (text) => out.print(text),
): void {
  const c = out.color;
  print(
    `Audit of ${plural(report.users, 'IM user')} under ${report.baseDn} on ${report.dc}; ${plural(report.servers.length, 'IM server')}; DNS ${report.dnsChecked ? `via ${dnsServer}` : 'not checked (--no-dns)'}.`,
  );
  // With --no-dns the _rvp row would read "0" for a check never made (the header says DNS was not checked).
  const shown = report.summary.filter((row) => row.kind !== 'dns' || report.dnsChecked);
  const rows = shown.map((row) => [
    row.informational ? c.dim(row.title) : row.title,
    row.count === 0 ? c.green('0') : row.informational ? c.dim(fmt(row.count)) : c.yellow(fmt(row.count)),
    // Which option repairs them: --fix does only the certain repairs; idle seats and case are asked for by name.
    row.fixable > 0 && row.fixWith ? `${fmt(row.fixable)} ${row.fixWith}` : '',
    row.examples.join('\n'),
  ]);
  print(
    renderTable(c, ['Finding', 'Count', 'Fixed by', 'Examples'], rows, ['left', 'right', 'left', 'left'], {
      width: out.columns,
      // A narrow terminal cuts the examples (every finding is whole in --report and --json), then wraps the titles.
      shrink: [
        { column: 3, min: 16, mode: 'truncate' },
        { column: 0, min: 14, mode: 'wrap' },
      ],
    }),
  );
  if (renderServerCounts(out, report.servers, report.activity.activeDays, undefined, print))
    print(c.dim(report.activity.note));
  if (report.problems === 0) print(c.green('Clean: nothing to repair.'));
}

/** Idle seats and inactive users per server; `when` says they are counted after the repairs. True when inactive users were listed. */
export function renderServerCounts(
  out: Output,
  servers: AuditReport['servers'],
  activeDays: number,
  when: 'after the repairs' | undefined,
  print: (text: string) => void = (text) => out.print(text),
): boolean {
  const label = when ? ` ${when}` : '';
  const idle = servers.filter((s) => s.idleSeats > 0);
  if (idle.length > 0)
    print(`Idle seats per server${label}: ${idle.map((s) => `${s.name} ${fmt(s.idleSeats)}`).join(', ')}.`);
  else if (when) print(`Idle seats${label}: none.`);
  const inactive = servers.filter((s) => s.inactive > 0);
  if (inactive.length > 0) {
    print(
      `Inactive homed users per server${label} (disabled, expired, or no logon within ${activeDays} days): ${inactive.map((s) => `${s.name} ${fmt(s.inactive)} of ${fmt(s.users)}`).join(', ')}.`,
    );
  }
  return inactive.length > 0;
}
