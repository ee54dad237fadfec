/**
 * `imctl resolve ADDRESS`: how an RVP client reaches `user@domain` — SRV `_rvp._tcp.<domain>`
 * in RFC 2782 order, else the domain itself — and, with --check, whether the directory agrees.
 */
import type { Context } from '../cli/context.js';
import { escapeFilterValue } from '../core/escape.js';
import { parseImAddress, resolveRvp, type RvpResolution } from '../core/rvp.js';
import { serversByDn } from '../core/server-ref.js';
import { createResolver } from '../dns/resolver.js';
import { discoverServers } from '../directory/servers.js';
import { USER_ATTRIBUTES, USER_FILTER, toUserRecord } from '../directory/users.js';
import { renderTable } from '../ui/table.js';

export interface ResolveOptions {
  check?: boolean;
}

interface CheckResult {
  user: { dn: string; sAMAccountName: string; homeServer: string | null; role: 'home' | 'router' | 'missing' } | null;
  targets: { host: string; server: string | null; role: 'home' | 'router' | null }[];
  problems: string[];
}

export async function resolveCommand(context: Context, input: string, options: ResolveOptions): Promise<void> {
  const { out } = context;
  const address = parseImAddress(input);
  const resolver = createResolver({ server: context.settings.dnsServer });
  const resolution = resolveRvp(address, await resolver.srv(`_rvp._tcp.${address.domain}`));
  const check = options.check ? await checkAgainstDirectory(context, resolution) : undefined;

  if (out.json) {
    out.printJson({ ...resolution, dnsServer: resolver.server, ...(check ? { check } : {}) });
    return;
  }
  const c = out.color;
  out.print(`${c.bold(address.address)} — SRV ${resolution.srvName} via ${resolver.server}`);
  if (resolution.kind === 'srv') {
    out.print(
      renderTable(
        c,
        ['Priority', 'Weight', 'Target', 'Port', 'RVP URL'],
        resolution.targets.map((t) => [t.priority, t.weight, t.name, t.port, t.url]),
        ['right', 'right', 'left', 'right', 'left'],
      ),
    );
    out.print(c.dim('Clients try the lowest priority first; among equal priorities they pick by weight.'));
  } else if (resolution.kind === 'fallback') {
    out.print(`No SRV record: clients use the domain itself.\n${resolution.url}`);
  } else {
    out.print(c.yellow(`The domain publishes "." for ${resolution.srvName}: it declares that it offers no RVP service.`));
  }
  if (check) {
    if (check.user) out.print(`Directory: ${check.user.sAMAccountName} is IM-enabled, homed on ${check.user.homeServer ?? 'a missing server'} (${check.user.role}).`);
    for (const t of check.targets) out.print(`SRV target ${t.host}: ${t.server ? `${t.server} (${t.role})` : c.yellow('not an IM server in this directory')}`);
    for (const p of check.problems) out.print(c.yellow(`! ${p}`));
    if (check.problems.length === 0) out.print(c.green('The directory and DNS agree.'));
  }
}

async function checkAgainstDirectory(context: Context, resolution: RvpResolution): Promise<CheckResult> {
  const directory = await context.directory();
  const [servers, entries] = await Promise.all([
    discoverServers(directory),
    directory.searchAll(directory.baseDn, { filter: `(&${USER_FILTER}(msExchIMAddress=${escapeFilterValue(resolution.address.address)}))`, attributes: USER_ATTRIBUTES, buffers: ['objectGUID'] }),
  ]);
  const byDn = serversByDn(servers);
  const problems: string[] = [];
  let user: CheckResult['user'] = null;
  if (entries.length === 0) problems.push(`no user in ${directory.baseDn} has the IM address ${resolution.address.address}`);
  else {
    if (entries.length > 1) problems.push(`${entries.length} users share the IM address ${resolution.address.address}`);
    const record = toUserRecord(entries[0]!);
    const home = record.im.msExchIMVirtualServer ? byDn.get(record.im.msExchIMVirtualServer.toLowerCase()) : undefined;
    user = { dn: record.dn, sAMAccountName: record.sAMAccountName, homeServer: home?.name ?? null, role: !home ? 'missing' : home.hostsUsers ? 'home' : 'router' };
    if (user.role !== 'home') problems.push(`the user's home server is ${user.role === 'router' ? 'a router' : 'missing'}: run "imctl rebalance" to re-home orphans`);
  }
  const hosts = resolution.kind === 'srv' ? resolution.targets.map((t) => t.name.toLowerCase().replace(/\.$/, '')) : resolution.kind === 'fallback' ? [resolution.address.domain] : [];
  const targets = hosts.map((host) => {
    const server = servers.find((s) => s.host === host);
    return { host, server: server?.name ?? null, role: server ? (server.hostsUsers ? ('home' as const) : ('router' as const)) : null };
  });
  for (const t of targets) if (!t.server) problems.push(`${t.host} is not the host of any IM server in the directory`);
  return { user, targets, problems };
}
