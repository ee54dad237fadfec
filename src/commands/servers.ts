/** `imctl servers`: every IM virtual server with its load, then totals, orphans and failure headroom. */
import { rememberServerNames } from '../completion/server-cache.js';
import { hostHome } from '../platform/paths.js';
import { serverReport } from '../services/server-report.js';
import { renderTable, showsBars, utilisation, utilisationBar } from '../ui/table.js';
import type { Context } from './command-context.js';
import { plural } from '../core/words.js';

export async function serversCommand(context: Context): Promise<void> {
  const { out } = context;
  const report = await serverReport(await context.directory(), context.settings);
  // Home server names for shell completion: a Tab reads this file and never connects.
  const refused = rememberServerNames(
    report.servers.filter((s) => s.role === 'home').map((s) => s.name),
    hostHome(context.env),
  );
  for (const name of refused) {
    out.warn(
      `Home server name ${JSON.stringify(name)} holds characters a shell could act on: shell completion will not offer it (type it, quoted).`,
    );
  }
  if (out.json) {
    out.printJson(report);
    return;
  }
  const { servers, totals, headroom, load, activity } = report;
  if (activity.warning) out.warn(activity.warning);
  const c = out.color;
  const fmt = (n: number) => n.toLocaleString('en-US');
  // On a colour terminal a bar per server shows the load against the capacity line.
  const bars = showsBars(c);
  out.print(
    renderTable(
      c,
      ['Server', 'Host', 'Role', 'Users', 'Active', 'Capacity', 'Use', ...(bars ? ['Load'] : []), 'State'],
      servers.map((s) => [
        s.name,
        s.host,
        s.role === 'home' ? 'home' : c.dim('router'),
        fmt(s.users),
        fmt(s.active),
        s.capacity !== null ? fmt(s.capacity) : '-',
        s.capacity !== null ? utilisation(c, load === 'active' ? s.active : s.users, s.capacity) : '-',
        ...(bars
          ? [s.capacity !== null ? utilisationBar(c, load === 'active' ? s.active : s.users, s.capacity) : '']
          : []),
        s.state === 'over' ? c.red.bold('over') : s.state === 'ok' ? c.green('ok') : c.dim('router'),
      ]),
      ['left', 'left', 'left', 'right', 'right', 'right', 'right', ...(bars ? ['left' as const] : []), 'left'],
      // On a narrow terminal the bar goes first (Use says the same), then the host name is cut (--json has it whole).
      { width: out.columns, drop: bars ? [7] : [], shrink: [{ column: 1, min: 8, mode: 'truncate' }] },
    ),
  );
  out.print(
    `${plural(totals.users, 'user')} on ${plural(totals.homeServers, 'home server')} (capacity ${fmt(totals.capacity)}), ${fmt(totals.active)} of them active; ${plural(totals.routers, 'router')}.`,
  );
  out.print(
    c.dim(
      `Use and State count ${load === 'active' ? `active users (--load active): logged on within ${activity.activeDays} days` : 'every homed user (--load homed; --load active counts only active users)'}. ${activity.note}`,
    ),
  );
  if (totals.orphaned > 0) {
    out.print(
      c.yellow(
        `${plural(totals.orphaned, 'orphaned user')} ${totals.orphaned === 1 ? 'points' : 'point'} at a router or a missing server: see "imctl users --orphaned"; "imctl rebalance" re-homes them.`,
      ),
    );
  }
  const over = servers.filter((s) => s.state === 'over');
  if (over.length > 0)
    out.print(
      c.red(
        `${over.map((s) => s.name).join(', ')} over capacity: "imctl rebalance${load === 'active' ? ' --load active' : ''}" plans the fewest moves.`,
      ),
    );
  if (headroom.worst === null) {
    out.print('Failure headroom: fewer than two home servers, so losing one loses its users.');
  } else if (headroom.survivesAnySingleFailure) {
    out.print(c.green('Failure headroom: the users of any one home server would fit on the others.'));
  } else {
    const w = headroom.worst;
    out.print(
      c.yellow(
        `Failure headroom: if ${w.name} failed, its ${fmt(w.load)} ${load === 'active' ? 'active ' : ''}users would not fit on the others (short by ${fmt(w.shortBy)}). Moving users cannot fix this; only more capacity can.`,
      ),
    );
  }
}
