/** Every IM virtual server with its load, totals, orphans and failure headroom, as `imctl servers` reports them. */
import type { Settings } from '../config/settings.js';
import { failureHeadroom, type Headroom } from '../core/headroom.js';
import type { DirectoryPort } from './directory-port.js';
import { takeInventory, type LoadedServer } from './inventory.js';

export interface ServerRow {
  name: string;
  host: string;
  dn: string;
  role: 'home' | 'router';
  users: number;
  capacity: number | null;
  /** Percent of capacity, one decimal. */
  utilisation: number | null;
  state: 'ok' | 'over' | 'router';
}

export interface ServerReport {
  servers: ServerRow[];
  totals: { homeServers: number; routers: number; users: number; capacity: number; orphaned: number };
  headroom: Headroom;
}

export async function serverReport(directory: DirectoryPort, settings: Settings): Promise<ServerReport> {
  const inventory = await takeInventory(directory, settings);
  const home = inventory.servers.filter((s) => s.hostsUsers);
  return {
    servers: inventory.servers.map(rowOf),
    totals: {
      homeServers: home.length,
      routers: inventory.servers.length - home.length,
      users: home.reduce((sum, s) => sum + s.users, 0),
      capacity: home.reduce((sum, s) => sum + s.capacity, 0),
      orphaned: inventory.orphaned,
    },
    headroom: failureHeadroom(home.map((s) => ({ key: s.dn, name: s.name, capacity: s.capacity, load: s.users }))),
  };
}

function rowOf(s: LoadedServer): ServerRow {
  return {
    name: s.name,
    host: s.host,
    dn: s.dn,
    role: s.hostsUsers ? 'home' : 'router',
    users: s.users,
    capacity: s.hostsUsers ? s.capacity : null,
    utilisation: s.hostsUsers && s.capacity > 0 ? Math.round((s.users / s.capacity) * 1000) / 10 : null,
    state: !s.hostsUsers ? 'router' : s.users > s.capacity ? 'over' : 'ok',
  };
}
