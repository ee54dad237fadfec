/** `imctl enable USER…`: write the four IM attributes; with no --server, the home server with the most room. */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { UsageError } from '../core/errors.js';
import { dnsNameProblem, isImEnabled, type ImServer } from '../core/im-model.js';
import { placeByMostRoom } from '../core/placement.js';
import { planUser } from '../core/provision.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import { takeInventory } from '../services/inventory.js';
import { assertUsableHome, resolveNamed } from '../services/targets.js';
import { executeTargets, type Target } from '../services/write-run.js';

export interface EnableOptions extends WriteFlags {
  server?: string;
}

export function requireImDomain(context: Context): string {
  const imDomain = context.settings.imDomain;
  if (!imDomain) throw new UsageError('No IM domain: give --im-domain (Microsoft recommends im.<your SMTP domain>), IMCTL_IM_DOMAIN or "imDomain" in the config file.', 'no-im-domain');
  const problem = dnsNameProblem(imDomain);
  if (problem) throw new UsageError(`The IM domain "${imDomain}" is not a DNS name: ${problem}.`, 'bad-im-domain');
  return imDomain;
}

export async function enableCommand(context: Context, names: string[], options: EnableOptions): Promise<void> {
  const imDomain = requireImDomain(context);
  const directory = await context.directory();
  const [inventory, named] = await Promise.all([takeInventory(directory, context.settings), resolveNamed(directory, names)]);
  const servers: ImServer[] = inventory.servers;
  const byDn = serversByDn(servers);

  const chosen = options.server ? findServer(servers, options.server, 'home') : undefined;
  if (chosen) assertUsableHome(chosen);
  const newcomers = named.filter((n) => 'user' in n && !isImEnabled(n.user.im));
  let placements: string[] = [];
  if (!chosen && newcomers.length > 0) {
    const candidates = inventory.servers.filter((s) => s.hostsUsers);
    if (candidates.length === 0) throw new UsageError('There is no home server to enable users on (only routers, or no IM servers at all).', 'no-home-server');
    candidates.forEach(assertUsableHome);
    placements = placeByMostRoom(candidates.map((s) => ({ key: s.dn, name: s.name, capacity: s.capacity, load: s.users })), newcomers.length);
  }

  let next = 0;
  const targets: Target[] = named.map((n) => {
    if (!('user' in n)) return { name: n.name, action: 'enable', plan: { kind: 'failed', reason: n.problem } };
    // A user enabled already keeps its home; only newcomers are placed.
    const current = n.user.im.msExchIMVirtualServer ? byDn.get(n.user.im.msExchIMVirtualServer.toLowerCase()) : undefined;
    const server = chosen ?? (isImEnabled(n.user.im) ? current : byDn.get(placements[next++]!.toLowerCase()));
    if (!server) {
      return { name: n.name, dn: n.user.dn, guid: n.user.guid, action: 'enable', plan: { kind: 'failed', reason: 'already IM-enabled on a server that does not exist; use "imctl move" to re-home it' } };
    }
    return {
      name: n.name,
      dn: n.user.dn,
      guid: n.user.guid,
      action: 'enable',
      summary: `on ${server.name}`,
      plan: planUser(n.user, { action: 'enable', server, imDomain }, byDn),
    };
  });
  await executeTargets(context, directory, targets, { ...options, command: 'enable' });
}
