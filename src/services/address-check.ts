/** `imctl resolve --check`: whether the directory agrees with DNS about an IM address — its user, its home, the SRV targets. */
import type { RvpResolution } from '../core/rvp.js';
import { serversByDn } from '../core/server-ref.js';
import type { DirectoryPort } from './directory-port.js';
import { assertHomesReadable } from './organisation.js';

export interface CheckResult {
  /** The user object that has the address (docs/json.md: "user" is only ever a name as typed). */
  account: {
    dn: string;
    sAMAccountName: string;
    homeServer: string | null;
    homeServerRole: 'home' | 'router' | 'missing';
  } | null;
  targets: { host: string; server: string | null; role: 'home' | 'router' | null }[];
  problems: string[];
}

export async function checkAddress(directory: DirectoryPort, resolution: RvpResolution): Promise<CheckResult> {
  const [servers, users] = await Promise.all([
    directory.servers(),
    directory.usersByImAddress(resolution.address.address),
  ]);
  const byDn = serversByDn(servers);
  const problems: string[] = [];
  let user: CheckResult['account'] = null;
  if (users.length === 0)
    problems.push(`no user in ${directory.baseDn} has the IM address ${resolution.address.address}`);
  else {
    if (users.length > 1) problems.push(`${users.length} users share the IM address ${resolution.address.address}`);
    const record = users[0]!;
    await assertHomesReadable(directory, servers, [record.im.msExchIMVirtualServer]);
    const home = record.im.msExchIMVirtualServer ? byDn.get(record.im.msExchIMVirtualServer.toLowerCase()) : undefined;
    user = {
      dn: record.dn,
      sAMAccountName: record.sAMAccountName,
      homeServer: home?.name ?? null,
      homeServerRole: !home ? 'missing' : home.hostsUsers ? 'home' : 'router',
    };
    if (user.homeServerRole !== 'home')
      problems.push(
        `the user's home server is ${user.homeServerRole === 'router' ? 'a router' : 'missing'}: run "imctl rebalance" to re-home orphans`,
      );
  }
  const hosts =
    resolution.kind === 'srv'
      ? resolution.targets.map((t) => t.name.toLowerCase().replace(/\.$/, ''))
      : resolution.kind === 'fallback'
        ? [resolution.address.domain]
        : [];
  const targets = hosts.map((host) => {
    const server = servers.find((s) => s.host === host);
    return {
      host,
      server: server?.name ?? null,
      role: server ? (server.hostsUsers ? ('home' as const) : ('router' as const)) : null,
    };
  });
  for (const t of targets) if (!t.server) problems.push(`${t.host} is not the host of any IM server in the directory`);
  return { account: user, targets, problems };
}
