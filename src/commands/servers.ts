/** `imctl servers`: every IM virtual server with its load, then totals, orphans and failure headroom. */
import type { Context } from '../cli/context.js';
import { rememberServerNames } from '../completion/server-cache.js';
import { failureHeadroom } from '../core/rebalance.js';
import { hostHome } from '../platform/paths.js';
import { takeInventory } from '../services/inventory.js';
import { renderTable, utilisation } from '../ui/table.js';

export async function serversCommand(context: Context): Promise<void> {
  const { out } = context;
  const directory = await context.directory();
  const inventory = await takeInventory(directory, context.settings);
  const home = inventory.servers.filter((s) => s.hostsUsers);
  rememberServerNames(home.map((s) => s.name), hostHome(context.env)); // names for shell completion (issue 14)
  const headroom = failureHeadroom(home.map((s) => ({ key: s.dn, name: s.name, capacity: s.capacity, load: s.users })));

  const rows = inventory.servers.map((s) => ({
    name: s.name,
    host: s.host,
    dn: s.dn,
    role: s.hostsUsers ? 'home' : 'router',
    users: s.users,
    capacity: s.hostsUsers ? s.capacity : null,
    utilisation: s.hostsUsers && s.capacity > 0 ? Math.round((s.users / s.capacity) * 1000) / 10 : null,
    state: !s.hostsUsers ? 'router' : s.users > s.capacity ? 'over' : 'ok',
  }));
  const totals = {
    homeServers: home.length,
    routers: inventory.servers.length - home.length,
    users: home.reduce((sum, s) => sum + s.users, 0),
    capacity: home.reduce((sum, s) => sum + s.capacity, 0),
    orphaned: inventory.orphaned,
  };

  if (out.json) {
    out.printJson({ servers: rows, totals, headroom });
    return;
  }
  const c = out.color;
  out.print(
    renderTable(
      c,
      ['Server', 'Host', 'Role', 'Users', 'Capacity', 'Use', 'State'],
      inventory.servers.map((s, i) => [
        s.name,
        s.host,
        s.hostsUsers ? 'home' : c.dim('router'),
        s.users.toLocaleString('en-US'),
        s.hostsUsers ? s.capacity.toLocaleString('en-US') : '-',
        s.hostsUsers ? utilisation(c, s.users, s.capacity) : '-',
        rows[i]!.state === 'over' ? c.red.bold('over') : rows[i]!.state === 'ok' ? c.green('ok') : c.dim('router'),
      ]),
      ['left', 'left', 'left', 'right', 'right', 'right', 'left'],
    ),
  );
  out.print(
    `${totals.users.toLocaleString('en-US')} users on ${totals.homeServers} home servers (capacity ${totals.capacity.toLocaleString('en-US')}); ${totals.routers} router(s).`,
  );
  if (totals.orphaned > 0) {
    out.print(c.yellow(`${totals.orphaned} orphaned user(s) point at a router or a missing server: see "imctl users --orphaned"; "imctl rebalance" re-homes them.`));
  }
  const over = rows.filter((r) => r.state === 'over');
  if (over.length > 0) out.print(c.red(`${over.map((r) => r.name).join(', ')} over capacity: "imctl rebalance" plans the fewest moves.`));
  if (headroom.worst === null) {
    out.print('Failure headroom: fewer than two home servers, so losing one loses its users.');
  } else if (headroom.survivesAnySingleFailure) {
    out.print(c.green('Failure headroom: the users of any one home server would fit on the others.'));
  } else {
    const w = headroom.worst;
    out.print(
      c.yellow(
        `Failure headroom: if ${w.name} failed, its ${w.load.toLocaleString('en-US')} users would not fit on the others (short by ${w.shortBy.toLocaleString('en-US')}). Moving users cannot fix this; only more capacity can.`,
      ),
    );
  }
}
