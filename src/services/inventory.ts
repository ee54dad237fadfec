/**
 * The state of the IM service as the read commands, enable and rebalance all need it: every
 * server, its load (counted without fetching values) and capacity, and the orphans.
 */
import { capacityFor, checkServerCapacities } from '../config/server-capacity.js';
import type { Settings } from '../config/settings.js';
import { activeWindowWarning, type LoadKind } from '../core/activity.js';
import type { ImServer } from '../core/im-model.js';
import type { DirectoryPort, HomedCounts } from './directory-port.js';
import { assertServersReadable } from './organisation.js';

/** A server with how many users it homes and how many it should (0 for routers). */
export interface LoadedServer extends ImServer {
  users: number;
  /** Its active users, when they were counted (--load active, or asked for). */
  active?: number | undefined;
  /** What counts against capacity under the settings' load: `users` or `active` (absent: `users`). */
  load?: number | undefined;
  capacity: number;
}

export interface Inventory {
  servers: LoadedServer[];
  /** Users pointing at a router or at no existing server. */
  orphaned: number;
  /** What `load` counts. */
  loadKind: LoadKind;
  /** Only when active users were counted: the moment, window and the domain's update interval. */
  activity?:
    { now: number; activeDays: number; syncDays: number; orphaned: number; warning: string | undefined } | undefined;
}

export interface InventoryOptions {
  /** Count active users: default only under --load active; true for imctl servers (it shows both), false where the caller reads every user's activity itself. */
  active?: boolean;
  now?: number;
  /** Counts the caller already has from reading every homed user of the domain: no second count. */
  homed?: HomedCounts;
}

export async function takeInventory(
  directory: DirectoryPort,
  settings: Settings,
  known?: Promise<ImServer[]>,
  options: InventoryOptions = {},
): Promise<Inventory> {
  const servers = await (known ?? directory.servers());
  checkServerCapacities(settings, servers);
  const dns = servers.map((s) => s.dn);
  const countActive = options.active ?? settings.load === 'active';
  const now = options.now ?? Date.now();
  const [{ perServer, missing, missingServers }, active, syncDays] = await Promise.all([
    options.homed ?? directory.countHomed(dns),
    countActive ? directory.countActive(dns, now, settings.activeDays) : undefined,
    countActive ? directory.logonSyncDays() : undefined,
  ]);
  await assertServersReadable(directory, missingServers);
  const loads = servers.map((server) => {
    const users = perServer.get(server.dn.toLowerCase()) ?? 0;
    const activeHere = active?.perServer.get(server.dn.toLowerCase());
    return {
      ...server,
      users,
      active: activeHere,
      load: settings.load === 'active' ? (activeHere ?? 0) : users,
      capacity: server.hostsUsers ? capacityFor(settings, [server.name, server.cn, server.host]) : 0,
    };
  });
  const onRouters = (pick: (s: LoadedServer) => number) =>
    loads.filter((s) => !s.hostsUsers).reduce((sum, s) => sum + pick(s), 0);
  return {
    servers: loads,
    orphaned: onRouters((s) => s.users) + missing,
    loadKind: settings.load,
    activity:
      active && syncDays !== undefined
        ? {
            now,
            activeDays: settings.activeDays,
            syncDays,
            orphaned: onRouters((s) => s.active ?? 0) + active.missing,
            warning: activeWindowWarning(settings.activeDays, syncDays),
          }
        : undefined,
  };
}
