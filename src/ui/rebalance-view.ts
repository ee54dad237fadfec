/** The rebalance plan for people: a per-server before/after table and one line about the moves (or the plan as JSON). */
import type { PlanResult } from '../core/rebalance.js';
import { rebalancePlanJson } from '../services/rebalance-plan.js';
import type { Output } from './output.js';
import { renderTable, showsBars, utilisation, utilisationBar } from './table.js';

/** The per-server before/after table and a one-line account of the moves (or the plan as JSON). */
export function renderRebalancePlan(out: Output, plan: PlanResult, names: (dn: string | null) => string, even: boolean): void {
  if (out.json) {
    out.printJson(rebalancePlanJson(plan, names));
    return;
  }
  const c = out.color;
  // On a colour terminal, a bar before and after shows each server against its capacity line.
  const bars = showsBars(c);
  out.print(
    renderTable(
      c,
      ['Server', 'Capacity', 'Before', 'Use', ...(bars ? ['Load before'] : []), 'After', 'Use', ...(bars ? ['Load after'] : []), 'Change'],
      plan.load.map((l) => [
        l.name,
        l.capacity.toLocaleString('en-US'),
        l.before.toLocaleString('en-US'),
        utilisation(c, l.before, l.capacity),
        ...(bars ? [utilisationBar(c, l.before, l.capacity)] : []),
        l.after.toLocaleString('en-US'),
        utilisation(c, l.after, l.capacity),
        ...(bars ? [utilisationBar(c, l.after, l.capacity)] : []),
        l.after === l.before ? '' : l.after > l.before ? c.green(`+${l.after - l.before}`) : c.yellow(`${l.after - l.before}`),
      ]),
      ['left', 'right', 'right', 'right', ...(bars ? ['left' as const] : []), 'right', 'right', ...(bars ? ['left' as const] : []), 'right'],
    ),
  );
  const [summary, held] = planSummary(plan, even);
  out.print(summary!);
  if (held) out.print(c.yellow(held));
}

/** The plan in one sentence — true also when --max-moves held moves back — and what was held back. */
export function planSummary(plan: Pick<PlanResult, 'moves' | 'deferred' | 'minimalMoves' | 'load'>, even: boolean): [string, string?] {
  const n = (value: number) => value.toLocaleString('en-US');
  const reasons = new Map<string, number>();
  for (const m of plan.moves) reasons.set(m.reason, (reasons.get(m.reason) ?? 0) + 1);
  const why = [...reasons].map(([reason, count]) => `${n(count)} ${reason}`).join(', ');
  const goal = even ? 'bring every home server within one user of its fair share' : 'bring every home server within capacity';
  const moves = `${n(plan.moves.length)} move(s)${why ? ` (${why})` : ''}`;
  if (plan.deferred === 0) return [`${moves}: the fewest that ${goal}.`];
  const over = plan.load.filter((l) => l.after > l.capacity).map((l) => `${l.name} (${l.capacity > 0 ? `${Math.round((l.after / l.capacity) * 100)} %` : `${n(l.after)} users`})`);
  return [
    `${moves}: the first ${n(plan.moves.length)} of the ${n(plan.minimalMoves)} that ${goal}${over.length > 0 ? `; after them ${over.join(', ')} ${over.length === 1 ? 'is' : 'are'} still over` : ''}.`,
    `--max-moves held back ${n(plan.deferred)} move(s): run again after this window to finish.`,
  ];
}
