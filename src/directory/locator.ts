/**
 * The AD DC locator, as Windows clients do it: SRV `_ldap._tcp.<domain>`, tried in RFC 2782
 * order — after, when a site is set (`--site`), the DCs AD registers for that site
 * (`_ldap._tcp.<site>._sites.dc._msdcs.<domain>`), so that a branch office binds to its own DCs
 * and fails over to the rest of the domain. Each DC is reached at the address DNS gave for it while TLS verifies the DC's own name,
 * and StartTLS is used on the advertised port (389) unless cleartext was explicitly allowed —
 * or unless Kerberos signs in with no CA configured: then, as Windows tools do, the SASL security
 * layer seals every message on 389 and no certificate is needed.
 *
 * DNS is not protected: a spoofed SRV answer can name any host. Who may receive a password is
 * therefore decided here (docs/security.md, "A DC found through DNS"):
 * - Kerberos: any target — the DC must prove it holds the realm's key for `ldap/<target>`.
 * - A password (simple bind): only a target that is the domain or lies under it, reached over TLS
 *   whose certificate must chain to the CA the admin named (`--ca-file`): never the system trust
 *   store, where any publicly trusted certificate for the spoofed name would pass. A target outside
 *   the domain is left out with a warning. Without a CA the admin must name the DC (`--url`).
 */
import { UsageError } from '../core/errors.js';
import { dnsNameProblem } from '../core/im-model.js';
import { domainStartTls, type Settings } from '../config/settings.js';
import { createResolver, locateServices, type DnsResolver, type ServiceTarget } from '../dns/resolver.js';
import type { Endpoint } from './endpoints.js';

export async function locateDomainControllers(
  domain: string,
  settings: Settings,
  log: (message: string) => void,
  warn: (message: string) => void,
): Promise<Endpoint[]> {
  const problem = dnsNameProblem(domain);
  if (problem) throw new UsageError(`--domain "${domain}" is not a DNS name: ${problem}.`, 'bad-domain');
  const resolver = createResolver({ servers: settings.dnsServer });
  const name = `_ldap._tcp.${domain.toLowerCase().replace(/\.$/, '')}`;
  const inSite = await siteTargets(resolver, domain, settings.site, log);
  const domainWide = await locateServices(resolver, name, Math.random, { withAddresses: true });
  const targets = mergeTargets(inSite, domainWide);
  if (targets === null || targets.length === 0) {
    throw new UsageError(
      `DNS (${resolver.server}) has no domain controllers for ${domain} (no SRV record ${name}): check --domain and --dns-server, or give --url.`,
      'no-dc-record',
    );
  }
  const password = settings.auth !== 'kerberos';
  if (password && !settings.caFile) {
    throw new UsageError(
      `--domain finds DCs by DNS, which anyone on the network can spoof: imctl sends a password only to a DC whose certificate chains to a CA you name. Give --ca-file (your enterprise CA), name the DC with --url, or use --auth kerberos (the DC proves itself).`,
      'dc-not-vouched',
    );
  }
  if (password && settings.allowCleartext && !settings.startTls) {
    throw new UsageError(
      `--domain with --allow-cleartext would send the password in clear to whatever host DNS names: add --starttls, or name the DC with --url.`,
      'dc-not-vouched',
    );
  }
  const zone = domain.toLowerCase().replace(/\.$/, '');
  const inDomain = (host: string) => {
    const name = host.toLowerCase().replace(/\.$/, '');
    return name === zone || name.endsWith(`.${zone}`);
  };
  const outside = password ? targets.filter((t) => !inDomain(t.host)) : [];
  if (outside.length > 0) {
    const hosts = outside.map((t) => t.host.replace(/\.$/, '')).join(', ');
    if (outside.length === targets.length)
      throw new UsageError(
        `DNS names only DCs outside ${domain} for ${name} (${hosts}): imctl sends a password only to a host under the domain. If these are your DCs, name one with --url.`,
        'dc-not-vouched',
      );
    warn(
      `Leaving out ${hosts}: DNS names ${outside.length === 1 ? 'it' : 'them'} for ${name}, but ${outside.length === 1 ? 'it is' : 'they are'} not under ${domain}, and imctl sends a password only to a host under the domain.`,
    );
  }
  const startTls = domainStartTls(settings);
  const endpoints: Endpoint[] = targets
    .filter((t) => !outside.includes(t))
    .map((t) => {
      const address = t.addresses?.[0];
      const hostPart = address ? (address.includes(':') ? `[${address}]` : address) : t.host;
      return { url: `ldap://${hostPart}:${t.port}`, host: t.host.replace(/\.$/, ''), startTls };
    });
  log(`DCs for ${domain} by ${name}: ${endpoints.map((e) => `${e.host} (${e.url})`).join(', ')}`);
  return endpoints;
}

/** The site's own DCs (`_ldap._tcp.<site>._sites.dc._msdcs.<domain>`), or null without a site or a record. */
async function siteTargets(
  resolver: DnsResolver,
  domain: string,
  site: string | undefined,
  log: (message: string) => void,
): Promise<ServiceTarget[] | null> {
  if (!site) return null;
  const name = `_ldap._tcp.${site.toLowerCase()}._sites.dc._msdcs.${domain.toLowerCase().replace(/\.$/, '')}`;
  const problem = dnsNameProblem(`${site}.${domain}`);
  if (problem) throw new UsageError(`--site "${site}" is not a name DNS can hold: ${problem}.`, 'bad-site');
  const found = await locateServices(resolver, name, Math.random, { withAddresses: true });
  if (!found?.length) log(`No DCs registered for the site ${site} (${name}): every DC of the domain.`);
  return found;
}

/** The site's DCs first, then the rest of the domain's (each host once); null when neither has a record. */
function mergeTargets(first: ServiceTarget[] | null, rest: ServiceTarget[] | null): ServiceTarget[] | null {
  if (first === null && rest === null) return null;
  const seen = new Set((first ?? []).map((t) => t.host.toLowerCase()));
  return [...(first ?? []), ...(rest ?? []).filter((t) => !seen.has(t.host.toLowerCase()))];
}
