/** `imctl users`: IM-enabled users with their home server, paged and attribute-minimal. */
import type { Context } from '../cli/context.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import { discoverServers } from '../directory/servers.js';
import { listImUsers } from '../directory/users.js';
import { renderTable } from '../ui/table.js';

export interface UsersOptions {
  server?: string;
  orphaned?: boolean;
  limit?: number;
}

export async function usersCommand(context: Context, options: UsersOptions): Promise<void> {
  const { out } = context;
  const directory = await context.directory();
  const servers = await discoverServers(directory);
  const byDn = serversByDn(servers);
  const server = options.server ? findServer(servers, options.server) : undefined;

  let users = await listImUsers(directory, server ? { serverDn: server.dn } : {});
  if (options.orphaned) {
    users = users.filter((u) => {
      const home = byDn.get(u.im.msExchIMVirtualServer!.toLowerCase());
      return !home || !home.hostsUsers;
    });
  }
  users.sort((a, b) => a.sAMAccountName.localeCompare(b.sAMAccountName));
  const total = users.length;
  if (options.limit !== undefined) users = users.slice(0, options.limit);

  const rows = users.map((u) => {
    const home = byDn.get(u.im.msExchIMVirtualServer!.toLowerCase());
    return {
      sAMAccountName: u.sAMAccountName,
      displayName: u.displayName ?? null,
      imAddress: u.im.msExchIMAddress ?? null,
      server: home?.name ?? null,
      serverDn: u.im.msExchIMVirtualServer!,
      orphaned: !home ? 'missing-server' : !home.hostsUsers ? 'router' : null,
      dn: u.dn,
    };
  });
  if (out.json) {
    out.printJson({ total, shown: rows.length, users: rows });
    return;
  }
  const c = out.color;
  out.print(
    renderTable(
      c,
      ['sAMAccountName', 'Display name', 'IM address', 'Home server'],
      rows.map((r) => [
        r.sAMAccountName,
        r.displayName ?? '',
        r.imAddress ?? c.yellow('(none)'),
        r.orphaned === 'router' ? c.yellow(`${r.server} (router!)`) : r.orphaned ? c.yellow('(missing server)') : r.server!,
      ]),
    ),
  );
  out.print(rows.length < total ? `${rows.length} of ${total.toLocaleString('en-US')} users shown (--limit).` : `${total.toLocaleString('en-US')} users.`);
}
