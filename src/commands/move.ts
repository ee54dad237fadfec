/** `imctl move USER… --to SERVER`: re-home users; only the home and the private URL change. */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { findServer } from '../core/server-ref.js';
import { discoverServers } from '../directory/servers.js';
import { moveTargets } from '../services/plans.js';
import { resolveNamed } from '../services/targets.js';
import { executeTargets } from '../services/write-run.js';

export interface MoveOptions extends WriteFlags {
  to: string;
}

export async function moveCommand(context: Context, names: string[], options: MoveOptions): Promise<void> {
  const directory = await context.directory();
  const [servers, named] = await Promise.all([discoverServers(directory), resolveNamed(directory, names)]);
  const server = findServer(servers, options.to, 'home');
  const targets = moveTargets(named, server, servers);
  await executeTargets(context, directory, targets, { ...options, command: 'move' });
}
