/**
 * An account that may not read the Exchange organisation finds no IM server, and every homed
 * user then looks orphaned: servers would list none, rebalance would re-home them all, show would
 * call each home server missing. Where users point at server DNs that cannot be read, the run
 * stops instead (exit 1), before anything is written or cached.
 */
import { DirectoryError } from '../core/errors.js';
import { canonicalDn } from '../core/escape.js';
import { matchServers } from '../core/server-ref.js';
import type { ImServer } from '../core/im-model.js';
import type { DirectoryPort } from './directory-port.js';

/** Throws when any of these DNs (users' home servers that no server found has) is hidden from the bind account. */
export async function assertServersReadable(directory: DirectoryPort, pointedAt: readonly string[]): Promise<void> {
  if (pointedAt.length === 0) return;
  const hidden = await directory.unreadableServers(pointedAt);
  if (hidden.length === 0) return;
  const example = hidden[0]!;
  const at = example.search(/CN=Microsoft Exchange,/i);
  const organisation = at >= 0 ? example.slice(at) : 'the Exchange organisation in the Configuration partition';
  throw new DirectoryError(
    `Users are homed on ${hidden.length === 1 ? 'an IM server' : `${hidden.length} IM servers`} that ${directory.boundAs ?? 'the bind account'} cannot read (${example}): it probably cannot read ${organisation}. Grant it read access there, or bind as an account that has it; nothing was written.`,
    'unreadable-servers',
  );
}

/**
 * Before a server name that none of `servers` has is called unknown (enable --server, move --to, an
 * import's server column, users --server, sync --server): where users point at servers the account
 * cannot read, the name is most likely one of those, and the run stops as every read does. Costs one
 * search for the users homed on none of `servers`, on that path only.
 */
export async function assertServerNamesReadable(
  directory: DirectoryPort,
  servers: readonly ImServer[],
  names: Iterable<string | undefined>,
): Promise<void> {
  // A file of 20,000 rows names a handful of servers: each is looked up once.
  if (![...new Set(names)].some((name) => name !== undefined && matchServers(servers, name).length === 0)) return;
  // Only where users point matters here, not how many each server holds: the orphan scan alone.
  await assertServersReadable(directory, await directory.homesElsewhere(servers.map((s) => s.dn)));
}

/** The same check for users already read: their home DNs that none of `servers` has. */
export async function assertHomesReadable(
  directory: DirectoryPort,
  servers: readonly ImServer[],
  homes: Iterable<string | undefined>,
): Promise<void> {
  const known = new Set(servers.map((s) => canonicalDn(s.dn)));
  const missing = new Map<string, string>();
  for (const home of homes) {
    if (home === undefined) continue;
    const key = canonicalDn(home);
    if (!known.has(key) && !missing.has(key)) missing.set(key, home);
  }
  await assertServersReadable(directory, [...missing.values()]);
}
