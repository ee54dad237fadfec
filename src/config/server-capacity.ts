/** Per-server capacities from the config file ("servers"): which one a server gets, and that each names a server. */
import { UsageError } from '../core/errors.js';
import type { Settings } from './settings.js';

/** Capacity of one server: per-server config by name, else the global capacity. */
export function capacityFor(
  settings: Pick<Settings, 'capacity' | 'serverCapacity' | 'sources'>,
  names: string[],
): number {
  if (settings.sources.capacity !== 'flag') {
    for (const name of names) {
      const own = settings.serverCapacity[name.toLowerCase()];
      if (own !== undefined) return own;
    }
  }
  return settings.capacity;
}

/**
 * The config file's per-server capacities must name servers that exist: a typo ("im-eats") would
 * otherwise leave that server at the global capacity without a word.
 */
export function checkServerCapacities(
  settings: Pick<Settings, 'serverCapacity' | 'configFile'>,
  servers: readonly { name: string; cn: string; host: string }[],
): void {
  const known = new Set(servers.flatMap((s) => [s.name, s.cn, s.host].filter(Boolean).map((n) => n.toLowerCase())));
  const unknown = Object.keys(settings.serverCapacity).filter((name) => !known.has(name));
  if (unknown.length === 0) return;
  const names = unknown.map((n) => JSON.stringify(n.length > 64 ? `${n.slice(0, 64)}…` : n)).join(', ');
  throw new UsageError(
    `The config file ${settings.configFile ?? ''} sets a capacity for ${unknown.length === 1 ? 'a server that does not exist' : 'servers that do not exist'}: ${names} (the servers are ${servers.map((s) => s.name).join(', ')}). Correct the name in "servers".`,
    'config',
  );
}
