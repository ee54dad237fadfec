/**
 * What planProvisioning says besides its targets (provisioning.ts): a receiving server the batch
 * pushes over capacity, with the loads of just those servers, and IM given to disabled accounts.
 */
import { capacityFor, checkServerCapacities } from '../config/server-capacity.js';
import type { Settings } from '../config/settings.js';
import { quoted } from '../core/errors.js';
import type { ImServer } from '../core/im-model.js';
import { count, percent, plural } from '../core/words.js';
import type { DirectoryPort } from './directory-port.js';

const n = count;

/**
 * The load of just the servers receiving users, for the over-capacity notice: counting only them
 * (no orphan scan, no other server) keeps a move into one server from paying for a count of the
 * whole domain (on the lab, 5.5 s of a 10.4 s import of 1,500 moves). Under --load active,
 * newcomers count as active, as placement counts them. None is returned when none can end over.
 */
export async function loadsOf(
  directory: DirectoryPort,
  settings: Settings,
  servers: readonly ImServer[],
  incoming: ReadonlyMap<string, number>,
): Promise<{ dn: string; name: string; users: number; load: number; capacity: number }[]> {
  // Every server: a per-server capacity in the config must name one that exists, receiving or not.
  checkServerCapacities(settings, servers);
  const receiving = servers.filter((s) => incoming.has(s.dn.toLowerCase()));
  const capacity = (server: ImServer) => capacityFor(settings, [server.name, server.cn, server.host]);
  // A domain with fewer accounts than any receiving server has room for cannot push one over:
  // one base read (the RID bound, shared with name resolution) instead of a count.
  const atMost = await directory.usersAtMost();
  if (atMost !== undefined && receiving.every((s) => atMost + incoming.get(s.dn.toLowerCase())! <= capacity(s)))
    return [];
  const dns = receiving.map((s) => s.dn);
  const counts = await directory.countOn(
    dns,
    settings.load === 'active' ? { now: Date.now(), activeDays: settings.activeDays } : undefined,
  );
  return receiving.map((server) => {
    const load = counts.get(server.dn.toLowerCase()) ?? 0;
    return {
      dn: server.dn,
      name: server.name,
      users: load,
      load,
      capacity: capacity(server),
    };
  });
}

/** A receiving server the batch would push over its capacity, one notice each. */
export function capacityNotices(
  settings: Settings,
  loads: readonly { dn: string; name: string; users: number; load?: number | undefined; capacity: number }[],
  incoming: ReadonlyMap<string, number>,
): string[] {
  const notices: string[] = [];
  for (const server of loads) {
    const more = incoming.get(server.dn.toLowerCase());
    const load = server.load ?? server.users;
    if (more === undefined || load + more <= server.capacity) continue;
    const what = settings.load === 'active' ? 'active users' : 'users';
    notices.push(
      `${server.name} holds ${n(load)} of ${n(server.capacity)} ${what} (${percent(load, server.capacity)}); with ${plural(more, 'more user')} it would hold ${n(load + more)} (${percent(load + more, server.capacity)}), over capacity. "imctl servers" shows where there is room.`,
    );
  }
  return notices;
}

/** IM given to disabled accounts: a seat nobody can use. */
export function disabledAccountsNotice(disabledAccounts: readonly string[]): string {
  return `${
    disabledAccounts.length === 1
      ? `The account ${quoted(disabledAccounts[0]!)} is`
      : `${disabledAccounts.length} accounts (${disabledAccounts
          .slice(0, 5)
          .map((a) => quoted(a))
          .join(', ')}${disabledAccounts.length > 5 ? ', …' : ''}) are`
  } disabled: IM gives ${disabledAccounts.length === 1 ? 'it' : 'them'} a seat nobody can use (an idle seat, as "imctl audit" counts them).`;
}
