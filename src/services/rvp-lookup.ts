/**
 * The `_rvp._tcp` SRV lookups of `resolve` and `audit`, on the DNS server the settings name
 * (--dns-server) or else the system's: the application's one way to src/dns/.
 */
import type { SrvRecord } from '../core/srv.js';
import { createResolver } from '../dns/resolver.js';

export interface SrvLookup {
  /** The server(s) asked, for messages. */
  readonly server: string;
  /** The SRV records for a name, or null when it has none. */
  srv(name: string): Promise<SrvRecord[] | null>;
}

export function srvLookup(dnsServers: readonly string[] | undefined): SrvLookup {
  return createResolver({ servers: dnsServers });
}
