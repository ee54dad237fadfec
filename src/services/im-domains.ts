/**
 * The IM domains to offer when enabling: the configured default, the domains the selected users
 * already have, the domains in use (from a bounded sample of msExchIMAddress values — one small
 * search, not a scan of every user), and Microsoft's recommendation `im.<SMTP domain>`.
 */
import { splitAddress } from '../core/im-model.js';
import type { UserRecord } from '../core/user-record.js';
import type { DirectoryPort } from './directory-port.js';

/** Addresses sampled to find the domains in use. */
export const DOMAIN_SAMPLE = 500;

export interface ImDomainOption {
  domain: string;
  configured: boolean;
  /** Addresses in the sample with this domain. */
  inUse: number;
  /** Selected users whose address already has this domain. */
  ofSelected: number;
  /** Derived from the users' mail domain (im. + SMTP domain), not seen in use. */
  recommended: boolean;
}

export async function sampleImDomains(
  directory: DirectoryPort,
  sample = DOMAIN_SAMPLE,
): Promise<{ counts: Map<string, number>; sampled: number }> {
  const addresses = await directory.imAddressSample(sample);
  const counts = new Map<string, number>();
  for (const address of addresses) {
    const domain = splitAddress(address)?.imDomain;
    if (domain) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  return { counts, sampled: addresses.length };
}

/** Pure: merge the sources, configured default first, then by use. */
export function imDomainOptions(
  configured: string | undefined,
  inUse: ReadonlyMap<string, number>,
  users: readonly UserRecord[],
): ImDomainOption[] {
  const options = new Map<string, ImDomainOption>();
  const get = (domain: string) => {
    const key = domain.toLowerCase();
    let option = options.get(key);
    if (!option) {
      option = { domain: key, configured: false, inUse: 0, ofSelected: 0, recommended: false };
      options.set(key, option);
    }
    return option;
  };
  if (configured) get(configured).configured = true;
  for (const [domain, count] of inUse) get(domain).inUse += count;
  for (const user of users) {
    const domain = splitAddress(user.im.msExchIMAddress)?.imDomain;
    if (domain) get(domain).ofSelected++;
  }
  for (const user of users) {
    const mailDomain = (user.mail ?? user.userPrincipalName)?.split('@')[1]?.toLowerCase();
    if (!mailDomain) continue;
    const recommended = `im.${mailDomain}`;
    if (!options.has(recommended) && !mailDomain.startsWith('im.')) get(recommended).recommended = true;
    break;
  }
  return [...options.values()].sort(
    (a, b) =>
      Number(b.configured) - Number(a.configured) ||
      b.ofSelected - a.ofSelected ||
      b.inUse - a.inUse ||
      Number(a.recommended) - Number(b.recommended) ||
      a.domain.localeCompare(b.domain),
  );
}
