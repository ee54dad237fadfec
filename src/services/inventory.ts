/**
 * The state of the IM service as the read commands, enable and rebalance all need it: every
 * server, its load (counted without fetching values) and capacity, and the orphans.
 */
import { capacityFor, checkServerCapacities, type Settings } from '../config/settings.js';
import type { ImServer } from '../core/im-model.js';
import type { DirectoryPort } from './directory-port.js';

/** A server with how many users it homes and how many it should (0 for routers). */
export interface LoadedServer extends ImServer {
  users: number;
  capacity: number;
}

export interface Inventory {
  servers: LoadedServer[];
  /** Users pointing at a router or at no existing server. */
  orphaned: number;
}

export async function takeInventory(directory: DirectoryPort, settings: Settings, known?: Promise<ImServer[]>): Promise<Inventory> {
  const servers = await (known ?? directory.servers());
  checkServerCapacities(settings, servers);
  const { perServer, missing } = await directory.countHomed(servers.map((s) => s.dn));
  const loads = servers.map((server) => ({
    ...server,
    users: perServer.get(server.dn.toLowerCase()) ?? 0,
    capacity: server.hostsUsers ? capacityFor(settings, [server.name, server.cn, server.host]) : 0,
  }));
  const onRouters = loads.filter((s) => !s.hostsUsers).reduce((sum, s) => sum + s.users, 0);
  return { servers: loads, orphaned: onRouters + missing };
}
