/**
 * What a journal may put back. A journal is a file, and a file can be crafted: its "before" values
 * are written onto accounts with the admin's rights, so each is checked as enable checks what it
 * writes — a known IM server, a URL on that server's host, the address and URLs of the user's own
 * alias in an IM domain this directory uses (or the admin names). Pure: the caller reads the
 * servers, the domains in use and the user.
 */
import { canonicalDn } from './escape.js';
import { aliasOf, splitAddress, type ImServer, type ImState } from './im-model.js';
import { parseMetaUrl, parsePhysicalUrl } from './audit.js';

export interface RestoreContext {
  servers: readonly ImServer[];
  /** IM domains the admin may restore into: in use in the directory, configured, the entry's own (lower-case). */
  imDomains: ReadonlySet<string>;
}

/** Why `before` must not be written onto `user`, or undefined when it is what imctl itself could have written. */
export function restoreProblem(
  before: ImState,
  user: { sAMAccountName: string; mailNickname?: string | undefined },
  context: RestoreContext,
): string | undefined {
  const alias = aliasOf(user);
  const domainProblem = (domain: string) =>
    context.imDomains.has(domain)
      ? undefined
      : `its IM domain ${JSON.stringify(domain)} is not used in this directory (give --im-domain ${domain} if it is yours)`;
  const server =
    before.msExchIMVirtualServer === undefined
      ? undefined
      : context.servers.find((s) => canonicalDn(s.dn) === canonicalDn(before.msExchIMVirtualServer!));
  if (before.msExchIMVirtualServer !== undefined && !server)
    return 'its home server is not an IM virtual server of this directory';

  if (before.msExchIMAddress !== undefined) {
    const address = splitAddress(before.msExchIMAddress);
    if (!address || address.alias.toLowerCase() !== alias) return `its IM address is not ${alias}@<IM domain>`;
    const problem = domainProblem(address.imDomain.toLowerCase());
    if (problem) return problem;
  }
  if (before.msExchIMMetaPhysicalURL !== undefined) {
    const meta = parseMetaUrl(before.msExchIMMetaPhysicalURL);
    if (!meta || meta.alias !== alias) return `its public URL is not http://<IM domain>/instmsg/aliases/${alias}`;
    const problem = domainProblem(meta.imDomain);
    if (problem) return problem;
  }
  if (before.msExchIMPhysicalURL !== undefined) {
    const physical = parsePhysicalUrl(before.msExchIMPhysicalURL);
    if (!physical || physical.alias !== alias)
      return `its home-server URL is not http://<host>/instmsg/local/<IM domain>/instmsg/aliases/${alias}`;
    const hosts = server ? [server.host] : context.servers.map((s) => s.host);
    if (!hosts.includes(physical.host))
      return `its home-server URL points at ${physical.host}, which is ${server ? `not ${server.name}'s host (${server.host})` : 'no IM server of this directory'}`;
    const problem = domainProblem(physical.imDomain);
    if (problem) return problem;
  }
  return undefined;
}
