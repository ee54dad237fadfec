/** Home servers and routers: every msExchProtocolCfgIMVirtualServer in the Configuration partition. */
import { firstRdnValue } from '../core/escape.js';
import type { ImServer } from '../core/im-model.js';
import { exchangeServerName, isDeletedObjectDn } from '../core/server-ref.js';
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

/**
 * Server DNs users point at that name no deleted object and yet cannot be read: a DC keeps a
 * reference to a live object (Samba refuses one to an object that does not exist; a deleted
 * server's users point at its tombstone), so an unreadable one is hidden from the bind account.
 */
export async function unreadableServers(directory: LdapConnection, serverDns: readonly string[]): Promise<string[]> {
  const live = serverDns.filter((dn) => !isDeletedObjectDn(dn));
  const readable = await Promise.all(
    live.map((dn) =>
      // Samba returns a denied object's DN with no attribute: only a value read shows it is readable.
      directory.readEntry(dn, { attributes: ['objectClass'] }).then(
        (entry) => entry?.get('objectClass') !== undefined,
        (error: unknown) => {
          if ((error as { code?: number }).code === 50) return false;
          throw error;
        },
      ),
    ),
  );
  return live.filter((_, i) => !readable[i]);
}
