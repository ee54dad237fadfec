/** `imctl enable USER…`: write the four IM attributes; with no --server, the home server with the most room. */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { UsageError } from '../core/errors.js';
import { dnsNameProblem } from '../core/im-model.js';
import { findServer } from '../core/server-ref.js';
import { discoverServers } from '../directory/servers.js';
import { takeInventory } from '../services/inventory.js';
import { enableTargets } from '../services/plans.js';
import { resolveNamed } from '../services/targets.js';
import { executeTargets } from '../services/write-run.js';

export interface EnableOptions extends WriteFlags {
  server?: string;
}

function requireImDomain(context: Context): string {
  const imDomain = context.settings.imDomain;
  if (!imDomain) throw new UsageError('No IM domain: give --im-domain (Microsoft recommends im.<your SMTP domain>), IMCTL_IM_DOMAIN or "imDomain" in the config file.', 'no-im-domain');
  const problem = dnsNameProblem(imDomain);
  if (problem) throw new UsageError(`The IM domain "${imDomain}" is not a DNS name: ${problem}.`, 'bad-im-domain');
  return imDomain;
}

export async function enableCommand(context: Context, names: string[], options: EnableOptions): Promise<void> {
  const imDomain = requireImDomain(context);
  const directory = await context.directory();
  // Loads cost a search over every homed user; only placement (no --server) needs them.
  const servers = options.server
    ? discoverServers(directory).then((found) => found.map((s) => ({ ...s, users: 0, capacity: 0 })))
    : takeInventory(directory, context.settings).then((inventory) => inventory.servers);
  const [loads, named] = await Promise.all([servers, resolveNamed(directory, names)]);
  const chosen = options.server ? findServer(loads, options.server, 'home') : undefined;
  const targets = enableTargets(named, loads, { server: chosen, imDomain });
  await executeTargets(context, directory, targets, { ...options, command: 'enable' });
}
