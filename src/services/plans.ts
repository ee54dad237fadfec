/**
 * From resolved users and the admin's answers to the targets the write path applies: the one
 * place that turns "enable these on that server" (and disable, move) into per-user plans, shared
 * by the scripted commands and the wizard.
 */
import { UsageError } from '../core/errors.js';
import { isImEnabled, type ImServer } from '../core/im-model.js';
import { placeByMostRoom } from '../core/placement.js';
import { planUser } from '../core/provision.js';
import { serversByDn } from '../core/server-ref.js';
import type { ServerLoad } from './inventory.js';
import { assertUsableHome, type Named } from './targets.js';
import type { Target } from './write-run.js';

export interface EnableChoice {
  /** The home server; undefined = each newcomer to the home server with the most room, counting this batch. */
  server?: ImServer | undefined;
  imDomain: string;
}

export function enableTargets(named: readonly Named[], servers: readonly ServerLoad[], choice: EnableChoice): Target[] {
  const byDn = serversByDn(servers);
  const { server: chosen, imDomain } = choice;
  if (chosen) assertUsableHome(chosen);
  const newcomers = named.filter((n) => 'user' in n && !isImEnabled(n.user.im));
  let placements: string[] = [];
  if (!chosen && newcomers.length > 0) {
    const candidates = servers.filter((s) => s.hostsUsers);
    if (candidates.length === 0) throw new UsageError('There is no home server to enable users on (only routers, or no IM servers at all).', 'no-home-server');
    candidates.forEach(assertUsableHome);
    placements = placeByMostRoom(candidates.map((s) => ({ key: s.dn, name: s.name, capacity: s.capacity, load: s.users })), newcomers.length);
  }

  let next = 0;
  return named.map((n): Target => {
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
}

export function disableTargets(named: readonly Named[]): Target[] {
  return named.map((n): Target =>
    'user' in n
      ? { name: n.name, dn: n.user.dn, guid: n.user.guid, action: 'disable', plan: planUser(n.user, { action: 'disable' }, new Map()) }
      : { name: n.name, action: 'disable', plan: { kind: 'failed', reason: n.problem } },
  );
}

export function moveTargets(named: readonly Named[], server: ImServer, servers: readonly ImServer[]): Target[] {
  assertUsableHome(server);
  const byDn = serversByDn(servers);
  return named.map((n): Target =>
    'user' in n
      ? { name: n.name, dn: n.user.dn, guid: n.user.guid, action: 'move', summary: `to ${server.name}`, plan: planUser(n.user, { action: 'move', server }, byDn) }
      : { name: n.name, action: 'move', plan: { kind: 'failed', reason: n.problem } },
  );
}
