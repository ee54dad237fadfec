/**
 * RVP addressing: how a client turns `user@domain` into the URL it talks to. It looks up the SRV
 * record `_rvp._tcp.<domain>` and uses `http://<target>[:port]/instmsg/aliases/<user>`; with no SRV
 * record, `http://<domain>/instmsg/aliases/<user>` (the value stored as msExchIMMetaPhysicalURL).
 * Pure: the lookup itself is src/dns/resolver.ts.
 */
import { UsageError } from './errors.js';
import { dnsNameProblem, metaPhysicalUrl } from './im-model.js';
import { isServiceUnavailable, orderSrvForDisplay, type SrvRecord } from './srv.js';

export interface ImAddress {
  /** The alias, lower-case. */
  user: string;
  /** The IM domain, lower-case, without a trailing dot. */
  domain: string;
  /** `user@domain`, lower-case. */
  address: string;
}

/**
 * Characters that cannot stand in the path of an RVP URL as written (Exchange writes the alias
 * unescaped into msExchIMMetaPhysicalURL), besides spaces, control characters and "@".
 */
const URL_BREAKING = /[/?#%\\"<>]/;

/** Parses and validates `user@domain`; everything is lower-cased. Throws a UsageError saying what is wrong. */
export function parseImAddress(input: string): ImAddress {
  const fail = (why: string): never => {
    throw new UsageError(
      `"${input}" is not an IM address: ${why}. Write it as user@domain, e.g. jdoe@im.example.com.`,
      'im-address',
    );
  };
  const text = input.trim();
  if (text === '') fail('it is empty');
  const parts = text.split('@');
  if (parts.length === 1) fail('it has no "@"');
  if (parts.length > 2) fail('it has more than one "@"');
  const [user = '', domain = ''] = parts;
  if (user === '') fail('the user part before "@" is empty');
  if (domain === '') fail('the domain after "@" is empty');
  if (/[\s\u0000-\u001f\u007f]/.test(text)) fail('it contains a space or a control character');
  const breaking = URL_BREAKING.exec(user);
  if (breaking) fail(`the user part contains "${breaking[0]}", which cannot appear in an RVP URL`);
  if (domain.endsWith('.')) fail('the domain ends with a dot');
  const problem = dnsNameProblem(domain);
  if (problem) fail(`the domain is not a valid DNS name (${problem})`);
  if (/^\d+$/.test(domain.slice(domain.lastIndexOf('.') + 1))) {
    fail('the domain looks like an IP address; an IM domain is a DNS name');
  }
  const lowerUser = user.toLowerCase();
  const lowerDomain = domain.toLowerCase();
  return { user: lowerUser, domain: lowerDomain, address: `${lowerUser}@${lowerDomain}` };
}

/** The SRV name an RVP client looks up for a domain. */
export function srvName(domain: string): string {
  return `_rvp._tcp.${domain.toLowerCase()}`;
}

/** `http://<target>[:port]/instmsg/aliases/<user>`; port 80 is left out. */
export function rvpUrl(target: string, port: number, user: string): string {
  const host = target.toLowerCase().replace(/\.$/, '');
  return `http://${host}${port === 80 ? '' : `:${port}`}/instmsg/aliases/${user.toLowerCase()}`;
}

/** With no SRV record: the domain itself (the same value as msExchIMMetaPhysicalURL). */
export function fallbackUrl(domain: string, user: string): string {
  return metaPhysicalUrl(user, domain);
}

/** What `imctl resolve` reports for an address, given the SRV answer (null: no such record). */
export type RvpResolution =
  | { kind: 'srv'; address: ImAddress; srvName: string; targets: Array<SrvRecord & { url: string }> }
  | { kind: 'fallback'; address: ImAddress; srvName: string; url: string }
  | { kind: 'unavailable'; address: ImAddress; srvName: string };

/**
 * From the SRV answer to the URL(s) a client would use. Targets are in display order (priority,
 * then weight descending, then name); a client picks among equal priorities by weighted chance
 * (orderSrv). A lone "." target means the domain declares it runs no RVP service: no fallback.
 */
export function resolveRvp(address: ImAddress, records: readonly SrvRecord[] | null): RvpResolution {
  const name = srvName(address.domain);
  if (records === null || records.length === 0) {
    return { kind: 'fallback', address, srvName: name, url: fallbackUrl(address.domain, address.user) };
  }
  if (isServiceUnavailable(records)) return { kind: 'unavailable', address, srvName: name };
  return {
    kind: 'srv',
    address,
    srvName: name,
    targets: orderSrvForDisplay(records).map((r) => ({ ...r, url: rvpUrl(r.name, r.port, address.user) })),
  };
}
