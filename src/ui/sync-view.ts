/** The sync plan for people: enables per home server, removals, users right already, and the skipped with their reasons. */
import type { SyncPlan } from '../services/sync-plan.js';
import type { Output } from './output.js';
import { renderTable } from './table.js';

/** Skipped users named one per line up to this many; beyond it, counted per reason. */
const SKIPPED_SHOWN = 20;

export function renderSyncPlan(out: Output, plan: SyncPlan, print: (text: string) => void): void {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const groups = plan.groups.map((g) => g.sAMAccountName || g.dn).join(', ');
  print(`Sync of ${groups} under ${plan.ou}:`);
  const rows: (string | number)[][] = [...plan.adds]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([server, n]) => [`enable on ${server}`, fmt(n)]);
  rows.push(['disable (not in the groups)', fmt(plan.removals)], ['right already (no write)', fmt(plan.unchanged)]);
  rows.push(['skipped', fmt(plan.skipped.length)]);
  print(renderTable(out.color, ['Change', 'Users'], rows, ['left', 'right']));
  const byReason = new Map<string, number>();
  for (const s of plan.skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  if (plan.skipped.length <= SKIPPED_SHOWN) for (const s of plan.skipped) print(`  skipped ${s.user}: ${s.reason}`);
  else for (const [reason, n] of byReason) print(`  skipped ${fmt(n)}: ${reason}`);
}
