/** IM-enabled users with their home server, as `imctl users` lists them: paged, attribute-minimal, sorted. */
import { findServer, serversByDn } from '../core/server-ref.js';
import type { DirectoryPort } from './directory-port.js';
import { assertHomesReadable } from './organisation.js';

export interface UserListOptions {
  server?: string | undefined;
  orphaned?: boolean | undefined;
  limit?: number | undefined;
  /** Only the active (true) or inactive (false) users at `now` (src/core/activity.ts); the DC filters. */
  activity?: { active: boolean; now: number; activeDays: number } | undefined;
}

export interface UserRow {
  sAMAccountName: string;
  displayName: string | null;
  imAddress: string | null;
  homeServer: string | null;
  homeServerDn: string;
  orphaned: 'missing-server' | 'router' | null;
  dn: string;
}

export async function listUsers(
  directory: DirectoryPort,
  options: UserListOptions,
): Promise<{ total: number; users: UserRow[] }> {
  // Without --server the listing does not wait for the servers: both searches overlap.
  const serversRead = directory.servers();
  const server = options.server ? findServer(await serversRead, options.server) : undefined;
  const [servers, users] = await Promise.all([serversRead, directory.imUsers(server?.dn, options.activity)]);
  await assertHomesReadable(
    directory,
    servers,
    users.map((u) => u.im.msExchIMVirtualServer),
  );
  const byDn = serversByDn(servers);
  let rows: UserRow[] = users.map((u) => {
    const home = byDn.get(u.im.msExchIMVirtualServer!.toLowerCase());
    return {
      sAMAccountName: u.sAMAccountName,
      displayName: u.displayName ?? null,
      imAddress: u.im.msExchIMAddress ?? null,
      homeServer: home?.name ?? null,
      homeServerDn: u.im.msExchIMVirtualServer!,
      orphaned: !home ? 'missing-server' : !home.hostsUsers ? 'router' : null,
      dn: u.dn,
    };
  });
  if (options.orphaned) rows = rows.filter((r) => r.orphaned !== null);
  rows.sort((a, b) => a.sAMAccountName.localeCompare(b.sAMAccountName));
  const total = rows.length;
  return { total, users: options.limit !== undefined ? rows.slice(0, options.limit) : rows };
}
