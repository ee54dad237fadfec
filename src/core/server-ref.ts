/**
 * Naming a server: by msExchIMServerName, cn, host name or DN, case-insensitively.
 * Several matches (every virtual server's cn is often "IM Virtual Server") is an error that
 * lists them.
 */
import { UsageError, quoted } from './errors.js';
import { canonicalDn, firstRdnValue, splitDn } from './escape.js';
import type { ImServer } from './im-model.js';
import { didYouMean } from './suggest.js';

export function matchServers(servers: readonly ImServer[], name: string): ImServer[] {
  const wanted = name.trim().toLowerCase();
  const byDn = servers.filter((s) => canonicalDn(s.dn) === canonicalDn(name));
  if (byDn.length > 0) return byDn;
  const byName = servers.filter((s) => s.name.toLowerCase() === wanted);
  if (byName.length > 0) return byName;
  const byHost = servers.filter((s) => s.host === wanted.replace(/\.$/, ''));
  if (byHost.length > 0) return byHost;
  const byCn = servers.filter((s) => s.cn.toLowerCase() === wanted);
  if (byCn.length > 0) return byCn;
  // The Exchange server the virtual server belongs to (EXCH4), as Exchange System Manager shows it.
  return servers.filter((s) => exchangeServerName(s.dn)?.toLowerCase() === wanted);
}

/** `CN=IM VS,CN=InstMsg,CN=Protocols,CN=EXCH1,...` → `EXCH1`: the Exchange server above the protocol container. */
export function exchangeServerName(dn: string): string | undefined {
  const rdns = splitDn(dn);
  const protocols = rdns.findIndex((rdn) => rdn.trim().toLowerCase() === 'cn=protocols');
  const server = protocols >= 0 ? rdns[protocols + 1] : undefined;
  return server ? firstRdnValue(server) : undefined;
}

/** The one server a name means, or a usage error saying why not. */
export function findServer(servers: readonly ImServer[], name: string, purpose: 'home' | 'any' = 'any'): ImServer {
  const matches = matchServers(servers, name);
  if (matches.length === 0) {
    // None at all: an empty organisation, or one the bind account may not read (it sees no server objects).
    const known =
      servers.map((s) => s.name).join(', ') ||
      'none found (there are none, or the bind account cannot read the Exchange organisation in the Configuration partition)';
    throw new UsageError(
      `No IM server is named ${quoted(name)}.${didYouMean(
        name,
        servers.flatMap((s) => [s.name, s.cn, s.host]),
      )} Known: ${known}. Run "imctl servers" to list them.`,
      'unknown-server',
    );
  }
  if (matches.length > 1) {
    throw new UsageError(
      `${quoted(name)} names ${matches.length} servers: ${matches.map((s) => `${s.name} (${s.host})`).join(', ')}. Use its name or host.`,
      'ambiguous-server',
    );
  }
  const server = matches[0]!;
  if (purpose === 'home' && !server.hostsUsers) {
    throw new UsageError(`${server.name} is a router, not a home server: users cannot be homed on it.`, 'router');
  }
  return server;
}

/** Index by lower-cased DN, for looking up what a user's msExchIMVirtualServer points at. */
export function serversByDn(servers: readonly ImServer[]): Map<string, ImServer> {
  return new Map(servers.map((s) => [s.dn.toLowerCase(), s]));
}

/**
 * A DN that names a deleted object: its RDN carries the tombstone mark ("\0ADEL:<guid>", as
 * `\0A` escaped or the raw newline) or it sits in a Deleted Objects container. A user's home
 * server deleted in AD points there (the DC follows the object); a pointer to a live DN that
 * cannot be read is something else — a server the bind account may not see.
 */
export function isDeletedObjectDn(dn: string): boolean {
  return /(\\0A|\n)DEL:/i.test(dn) || /(^|,)\s*CN=Deleted Objects\s*,/i.test(dn);
}
