/** Every IM virtual server with its load, totals, orphans and failure headroom, as `imctl servers` reports them. */
import type { Settings } from '../config/settings.js';
import { LOGON_LAG_NOTE, type LoadKind } from '../core/activity.js';
import { failureHeadroom, type Headroom } from '../core/headroom.js';
import type { DirectoryPort } from './directory-port.js';
import { takeInventory, type LoadedServer } from './inventory.js';

export interface ServerRow {
  name: string;
  host: string;
  dn: string;
  role: 'home' | 'router';
  users: number;
  /** Active users homed here (enabled, unexpired, logged on within the window). */
  active: number;
  capacity: number | null;
  /** Percent of capacity used by the chosen load, one decimal. */
  utilisation: number | null;
  state: 'ok' | 'over' | 'router';
}

export interface ServerReport {
  /** What utilisation, state and headroom count: homed users or active users. */
  load: LoadKind;
  /** How active was decided, and the caveat that goes with the figure. */
  activity: { activeDays: number; since: string; logonSyncDays: number; note: string; warning?: string };
  servers: ServerRow[];
  totals: {
    homeServers: number;
    routers: number;
    users: number;
    active: number;
    capacity: number;
    orphaned: number;
    activeOrphaned: number;
  };
  headroom: Headroom;
}

export async function serverReport(directory: DirectoryPort, settings: Settings): Promise<ServerReport> {
  // Both figures always: the active count is value-less searches the DC filters, one per server.
  const inventory = await takeInventory(directory, settings, undefined, { active: true });
  const activity = inventory.activity!;
  const home = inventory.servers.filter((s) => s.hostsUsers);
  const load = (s: LoadedServer) => s.load ?? s.users;
  return {
    load: inventory.loadKind,
    activity: {
      activeDays: activity.activeDays,
      since: new Date(activity.now - activity.activeDays * 86_400_000).toISOString(),
      logonSyncDays: activity.syncDays,
      note: LOGON_LAG_NOTE,
      ...(activity.warning ? { warning: activity.warning } : {}),
    },
    servers: inventory.servers.map((s) => rowOf(s, load(s))),
    totals: {
      homeServers: home.length,
      routers: inventory.servers.length - home.length,
      users: home.reduce((sum, s) => sum + s.users, 0),
      active: home.reduce((sum, s) => sum + (s.active ?? 0), 0),
      capacity: home.reduce((sum, s) => sum + s.capacity, 0),
      orphaned: inventory.orphaned,
      activeOrphaned: activity.orphaned,
    },
    headroom: failureHeadroom(home.map((s) => ({ key: s.dn, name: s.name, capacity: s.capacity, load: load(s) }))),
  };
}

function rowOf(s: LoadedServer, load: number): ServerRow {
  return {
    name: s.name,
    host: s.host,
    dn: s.dn,
    role: s.hostsUsers ? 'home' : 'router',
    users: s.users,
    active: s.active ?? 0,
    capacity: s.hostsUsers ? s.capacity : null,
    utilisation: s.hostsUsers && s.capacity > 0 ? Math.round((load / s.capacity) * 1000) / 10 : null,
    state: !s.hostsUsers ? 'router' : load > s.capacity ? 'over' : 'ok',
  };
}
