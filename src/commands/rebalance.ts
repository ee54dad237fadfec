/**
 * `imctl rebalance`: plan — and with --apply carry out — the fewest moves that bring every home
 * server within capacity, through the same compare-and-set write path as `move`.
 */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { UsageError } from '../core/errors.js';
import { planUser } from '../core/provision.js';
import { planRebalance, type PlanResult } from '../core/rebalance.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import type { UserRecord } from '../core/user-record.js';
import { takeInventory } from '../services/inventory.js';
import { loadHomedUsers } from '../services/homed-users.js';
import { assertUsableHome } from '../services/targets.js';
import { executeTargets, type Target } from '../services/write-run.js';
import { renderTable, utilisation } from '../ui/table.js';

export interface RebalanceOptions extends WriteFlags {
  even?: boolean;
  drain?: string[];
  exclude?: string[];
  maxMoves?: number;
  apply?: boolean;
}

export async function rebalanceCommand(context: Context, options: RebalanceOptions): Promise<void> {
  const { out } = context;
  const directory = await context.directory();
  const [inventory, homed] = await Promise.all([takeInventory(directory, context.settings), loadHomedUsers(directory)]);
  const home = inventory.servers.filter((s) => s.hostsUsers);
  const drain = new Set((options.drain ?? []).map((name) => findServer(inventory.servers, name, 'home').dn));
  const exclude = new Set((options.exclude ?? []).map((name) => findServer(inventory.servers, name, 'home').dn));

  const usersByDn = new Map<string, UserRecord>();
  const homeKeys = new Set(home.map((s) => s.dn.toLowerCase()));
  const orphans: string[] = [];
  for (const [serverKey, users] of homed) {
    for (const user of users) usersByDn.set(user.dn, user);
    if (!homeKeys.has(serverKey)) orphans.push(...users.map((u) => u.dn));
  }
  const plan = planRebalance({
    servers: home.map((s) => ({
      key: s.dn,
      name: s.name,
      capacity: s.capacity,
      users: (homed.get(s.dn.toLowerCase()) ?? []).map((u) => u.dn),
      receive: !exclude.has(s.dn),
      drain: drain.has(s.dn),
    })),
    orphans,
    even: !!options.even,
    ...(options.maxMoves !== undefined ? { maxMoves: options.maxMoves } : {}),
  });

  const byDn = serversByDn(inventory.servers);
  const names = (dn: string | null) => (dn ? byDn.get(dn.toLowerCase())?.name ?? dn : '(orphan)');
  if (!plan.feasible) {
    const message = `No plan fits: the home servers are short of ${plan.shortfall.toLocaleString('en-US')} user(s) of capacity for the ${plan.minimalMoves.toLocaleString('en-US')} that must move. Add capacity (--capacity, servers.<name>.capacity) or a home server; nothing was written.`;
    if (out.json) out.printJson({ feasible: false, shortfall: plan.shortfall, mustMove: plan.minimalMoves, servers: plan.load });
    throw new UsageError(message, 'infeasible');
  }

  const writing = !!options.apply || options.ldif !== undefined;
  // With --json and writes, the plan travels inside the one JSON document the write run prints.
  if (!(out.json && writing) && options.ldif !== '-') renderPlan(context, plan, names, !!options.even);
  if (!writing) {
    if (!out.json) out.print(plan.moves.length > 0 ? out.color.dim('Nothing written: add --apply to carry out this plan (or --ldif FILE for ldapmodify).') : 'Every home server is within capacity: nothing to do.');
    return;
  }
  const targets: Target[] = plan.moves.map((move) => {
    const user = usersByDn.get(move.user)!;
    const server = byDn.get(move.to.toLowerCase())!;
    assertUsableHome(server);
    return {
      name: user.sAMAccountName || user.dn,
      dn: user.dn,
      guid: user.guid,
      action: 'move',
      summary: `${names(move.from)} → ${server.name} (${move.reason})`,
      plan: planUser(user, { action: 'move', server }, byDn),
    };
  });
  await executeTargets(context, directory, targets, { ...options, command: 'rebalance', jsonExtra: { plan: planJson(plan, names) } });
}

function planJson(plan: PlanResult, names: (dn: string | null) => string) {
  return {
    feasible: true,
    moves: plan.moves.length,
    minimalMoves: plan.minimalMoves,
    deferred: plan.deferred,
    servers: plan.load.map((l) => ({ name: l.name, dn: l.key, capacity: l.capacity, before: l.before, after: l.after })),
    plan: plan.moves.map((m) => ({ user: m.user, from: m.from ? names(m.from) : null, to: names(m.to), reason: m.reason })),
  };
}

function renderPlan(context: Context, plan: PlanResult, names: (dn: string | null) => string, even: boolean): void {
  const { out } = context;
  if (out.json) {
    out.printJson(planJson(plan, names));
    return;
  }
  const c = out.color;
  out.print(
    renderTable(
      c,
      ['Server', 'Capacity', 'Before', 'Use', 'After', 'Use', 'Change'],
      plan.load.map((l) => [
        l.name,
        l.capacity.toLocaleString('en-US'),
        l.before.toLocaleString('en-US'),
        utilisation(c, l.before, l.capacity),
        l.after.toLocaleString('en-US'),
        utilisation(c, l.after, l.capacity),
        l.after === l.before ? '' : l.after > l.before ? c.green(`+${l.after - l.before}`) : c.yellow(`${l.after - l.before}`),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  const reasons = new Map<string, number>();
  for (const m of plan.moves) reasons.set(m.reason, (reasons.get(m.reason) ?? 0) + 1);
  const why = [...reasons].map(([reason, n]) => `${n} ${reason}`).join(', ');
  const goal = even ? 'bring every home server within one user of its fair share' : 'bring every home server within capacity';
  out.print(`${plan.moves.length.toLocaleString('en-US')} move(s)${why ? ` (${why})` : ''}: the fewest that ${goal}.`);
  if (plan.deferred > 0) out.print(c.yellow(`--max-moves held back ${plan.deferred} move(s): run again after this window to finish.`));
}
