/** Home servers and routers: every msExchProtocolCfgIMVirtualServer in the Configuration partition. */
import { firstRdnValue, splitDn } from '../core/escape.js';
import type { ImServer } from '../core/im-model.js';
import type { LdapConnection } from './connection.js';

export const IM_SERVER_CLASS = 'msExchProtocolCfgIMVirtualServer';

export async function discoverServers(directory: LdapConnection): Promise<ImServer[]> {
  // Found by class, never by a fixed DN: the IM container's RDN is not documented.
  const entries = await directory.searchAll(directory.rootDse.configurationNamingContext, {
    filter: `(objectClass=${IM_SERVER_CLASS})`,
    attributes: ['cn', 'msExchIMServerName', 'msExchIMHostName', 'msExchIMServerHostsUsers'],
    buffers: ['msExchIMHostName'],
  });
  return entries
    .map((entry) => {
      const cn = entry.get('cn') ?? firstRdnValue(entry.dn);
      const host = (entry.buffer('msExchIMHostName')?.toString('utf8') ?? '').replace(/\0+$/, '').trim().toLowerCase();
      return {
        dn: entry.dn,
        name: entry.get('msExchIMServerName') ?? exchangeServerName(entry.dn) ?? cn,
        cn,
        host,
        hostsUsers: (entry.get('msExchIMServerHostsUsers') ?? 'TRUE').toUpperCase() === 'TRUE',
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `CN=IM VS,CN=InstMsg,CN=Protocols,CN=EXCH1,...` → `EXCH1`: the Exchange server above the protocol container. */
function exchangeServerName(dn: string): string | undefined {
  const rdns = splitDn(dn);
  const protocols = rdns.findIndex((rdn) => rdn.trim().toLowerCase() === 'cn=protocols');
  const server = protocols >= 0 ? rdns[protocols + 1] : undefined;
  return server ? firstRdnValue(server) : undefined;
}
