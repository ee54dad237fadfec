/** `imctl move USER… --to SERVER`: re-home users; only the home and the private URL change. */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { planUser } from '../core/provision.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import { discoverServers } from '../directory/servers.js';
import { assertUsableHome, resolveNamed } from '../services/targets.js';
import { executeTargets, type Target } from '../services/write-run.js';

export interface MoveOptions extends WriteFlags {
  to: string;
}

export async function moveCommand(context: Context, names: string[], options: MoveOptions): Promise<void> {
  const directory = await context.directory();
  const [servers, named] = await Promise.all([discoverServers(directory), resolveNamed(directory, names)]);
  const server = findServer(servers, options.to, 'home');
  assertUsableHome(server);
  const byDn = serversByDn(servers);
  const targets: Target[] = named.map((n) =>
    'user' in n
      ? { name: n.name, dn: n.user.dn, guid: n.user.guid, action: 'move', summary: `to ${server.name}`, plan: planUser(n.user, { action: 'move', server }, byDn) }
      : { name: n.name, action: 'move', plan: { kind: 'failed', reason: n.problem } },
  );
  await executeTargets(context, directory, targets, { ...options, command: 'move' });
}
