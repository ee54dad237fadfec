/** The rebalance plan for people: a per-server before/after table and one line about the moves (or the plan as JSON). */
import { LOGON_LAG_NOTE } from '../core/activity.js';
import type { PlanResult, ServerLoad } from '../core/rebalance.js';
import { rebalancePlanJson } from '../services/rebalance-plan.js';
import type { Output } from './output.js';
import { printFitted } from './wrap.js';
import { renderTable, showsBars, utilisation, utilisationBar } from './table.js';
import { count, percent, plural } from '../core/words.js';

/** The per-server before/after table and a one-line account of the moves (or the plan as JSON). */
export function renderRebalancePlan(
  out: Output,
  plan: PlanResult,
  names: (dn: string | null) => string,
  even: boolean,
): void {
  if (out.json) {
    out.printJson(rebalancePlanJson(plan, names));
    return;
  }
  const c = out.color;
  // On a colour terminal, a bar before and after shows each server against its capacity line.
  const bars = showsBars(c);
  if (plan.load.some((l) => l.idle)) {
    renderActivePlan(out, plan, bars);
  } else {
    renderHomedPlan(out, plan, bars);
  }
  const [summary, held] = planSummary(plan, even);
  printFitted(out, summary);
  if (held) printFitted(out, c.yellow(held));
}

/** --load active: homed and active before and after; Use and Change are the active load's. */
function renderActivePlan(out: Output, plan: PlanResult, bars: boolean): void {
  const c = out.color;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const homed = (l: ServerLoad, when: 'before' | 'after') => l[when] + l.idle![when];
  const headers = [
    'Server',
    'Capacity',
    'Homed',
    'Active',
    'Use',
    ...(bars ? ['Load before'] : []),
    'Homed after',
    'Active after',
    'Use',
    ...(bars ? ['Load after'] : []),
    'Change',
  ];
  out.print(
    renderTable(
      c,
      headers,
      plan.load.map((l) => [
        l.name,
        fmt(l.capacity),
        fmt(homed(l, 'before')),
        fmt(l.before),
        utilisation(c, l.before, l.capacity),
        ...(bars ? [utilisationBar(c, l.before, l.capacity)] : []),
        fmt(homed(l, 'after')),
        fmt(l.after),
        utilisation(c, l.after, l.capacity),
        ...(bars ? [utilisationBar(c, l.after, l.capacity)] : []),
        change(out, l.after - l.before),
      ]),
      [
        'left',
        'right',
        'right',
        'right',
        'right',
        ...(bars ? ['left' as const] : []),
        'right',
        'right',
        'right',
        ...(bars ? ['left' as const] : []),
        'right',
      ],
      { width: out.columns, drop: barsFirst(headers), shrink: [{ column: 0, min: 8, mode: 'truncate' }] },
    ),
  );
  const idle = plan.moves.filter((m) => m.idle).length;
  printFitted(
    out,
    c.dim(
      `Capacity counts active users (--load active); inactive users stay where they are${idle > 0 ? `, except ${plural(idle, 'inactive user')} orphaned or on a drained server, who must move` : ''}. ${LOGON_LAG_NOTE}`,
    ),
  );
}

/**
 * A narrow terminal loses the bars first (Use says the same), the later one first: found by name,
 * so a column added to a table cannot shift the drop onto Change (issue 30, bug 4).
 */
export function barsFirst(headers: readonly string[]): number[] {
  return ['Load after', 'Load before'].map((name) => headers.indexOf(name)).filter((i) => i >= 0);
}

function change(out: Output, delta: number): string {
  return delta === 0 ? '' : delta > 0 ? out.color.green(`+${delta}`) : out.color.yellow(`${delta}`);
}

function renderHomedPlan(out: Output, plan: PlanResult, bars: boolean): void {
  const c = out.color;
  const headers = [
    'Server',
    'Capacity',
    'Before',
    'Use',
    ...(bars ? ['Load before'] : []),
    'After',
    'Use',
    ...(bars ? ['Load after'] : []),
    'Change',
  ];
  out.print(
    renderTable(
      c,
      headers,
      plan.load.map((l) => [
        l.name,
        l.capacity.toLocaleString('en-US'),
        l.before.toLocaleString('en-US'),
        utilisation(c, l.before, l.capacity),
        ...(bars ? [utilisationBar(c, l.before, l.capacity)] : []),
        l.after.toLocaleString('en-US'),
        utilisation(c, l.after, l.capacity),
        ...(bars ? [utilisationBar(c, l.after, l.capacity)] : []),
        change(out, l.after - l.before),
      ]),
      [
        'left',
        'right',
        'right',
        'right',
        ...(bars ? ['left' as const] : []),
        'right',
        'right',
        ...(bars ? ['left' as const] : []),
        'right',
      ],
      { width: out.columns, drop: barsFirst(headers), shrink: [{ column: 0, min: 8, mode: 'truncate' }] },
    ),
  );
}

/** The plan in one sentence — true also when --max-moves held moves back — and what was held back. */
export function planSummary(
  plan: Pick<PlanResult, 'moves' | 'deferred' | 'minimalMoves' | 'load'>,
  even: boolean,
): [string, string?] {
  const n = count;
  const reasons = new Map<string, number>();
  for (const m of plan.moves) reasons.set(m.reason, (reasons.get(m.reason) ?? 0) + 1);
  const why = [...reasons].map(([reason, count]) => `${n(count)} ${reason}`).join(', ');
  const goal = even
    ? 'bring every home server within one user of its fair share'
    : 'bring every home server within capacity';
  const moves = `${plural(plan.moves.length, 'move')}${why ? ` (${why})` : ''}`;
  // "0 moves: the fewest that…" says nothing true: there is nothing to do.
  if (plan.moves.length === 0 && plan.deferred === 0)
    return [
      `No move is needed: ${even ? 'every home server is within one user of its fair share' : 'every home server is within capacity'} already.`,
    ];
  if (plan.deferred === 0) return [`${moves}: the fewest that ${goal}.`];
  const over = plan.load
    .filter((l) => l.after > l.capacity)
    .map((l) => `${l.name} (${l.capacity > 0 ? percent(l.after, l.capacity) : plural(l.after, 'user')})`);
  return [
    `${moves}: the first ${n(plan.moves.length)} of the ${n(plan.minimalMoves)} that ${goal}${over.length > 0 ? `; after them ${over.join(', ')} ${over.length === 1 ? 'is' : 'are'} still over` : ''}.`,
    `--max-moves held back ${plural(plan.deferred, 'move')}: run again after this window to finish.`,
  ];
}
