/**
 * The AD DC locator, as Windows clients do it: SRV `_ldap._tcp.<domain>`, tried in RFC 2782
 * order. Each DC is reached at the address DNS gave for it while TLS verifies the DC's own name,
 * and StartTLS is used on the advertised port (389) unless cleartext was explicitly allowed —
 * or unless Kerberos signs in with no CA configured: then, as Windows tools do, the SASL security
 * layer seals every message on 389 and no certificate is needed.
 */
import { UsageError } from '../core/errors.js';
import { dnsNameProblem } from '../core/im-model.js';
import { domainStartTls, type Settings } from '../config/settings.js';
import { createResolver, locateServices } from '../dns/resolver.js';
import type { Endpoint } from './endpoints.js';

export async function locateDomainControllers(
  domain: string,
  settings: Settings,
  log: (message: string) => void,
): Promise<Endpoint[]> {
  const problem = dnsNameProblem(domain);
  if (problem) throw new UsageError(`--domain "${domain}" is not a DNS name: ${problem}.`, 'bad-domain');
  const resolver = createResolver({ server: settings.dnsServer });
  const name = `_ldap._tcp.${domain.toLowerCase().replace(/\.$/, '')}`;
  const targets = await locateServices(resolver, name, Math.random, { withAddresses: true });
  if (targets === null || targets.length === 0) {
    throw new UsageError(
      `DNS (${resolver.server}) has no domain controllers for ${domain} (no SRV record ${name}): check --domain and --dns-server, or give --url.`,
      'no-dc-record',
    );
  }
  const startTls = domainStartTls(settings);
  const endpoints: Endpoint[] = targets.map((t) => {
    const address = t.addresses?.[0];
    const hostPart = address ? (address.includes(':') ? `[${address}]` : address) : t.host;
    return { url: `ldap://${hostPart}:${t.port}`, host: t.host.replace(/\.$/, ''), startTls };
  });
  log(`DCs for ${domain} by ${name}: ${endpoints.map((e) => `${e.host} (${e.url})`).join(', ')}`);
  return endpoints;
}
