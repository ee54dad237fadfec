/** A user as imctl sees it: identity, account state and the four IM values. */
import { quoted } from './errors.js';
import type { ImState } from './im-model.js';

export interface UserRecord {
  dn: string;
  /** objectGUID as lower-case hex: the stable key (DNs change on rename). */
  guid: string;
  sAMAccountName: string;
  userPrincipalName?: string | undefined;
  mail?: string | undefined;
  mailNickname?: string | undefined;
  displayName?: string | undefined;
  /** userAccountControl bit 0x2. */
  accountDisabled: boolean;
  im: ImState;
  /** Only when read for the active load: accountExpires (ms since 1970; undefined = never). */
  expiresAt?: number | undefined;
  /** Only when read for the active load: lastLogonTimestamp (ms since 1970; undefined = never). */
  lastLogonAt?: number | undefined;
}

/**
 * A homed user as a rebalance plans with it: where it is homed (msExchIMVirtualServer as stored)
 * and, when read for the active load, what decides whether it is active. No name, no IM values:
 * the users the plan moves are read whole afterwards.
 */
export interface HomedUser {
  dn: string;
  guid: string;
  homeServer: string;
  accountDisabled?: boolean | undefined;
  expiresAt?: number | undefined;
  lastLogonAt?: number | undefined;
}

/** How a name given on the command line or in a CSV names a user. */
export type UserRefKind = 'dn' | 'upn-or-mail' | 'sam';

export function classifyUserRef(name: string, looksLikeDn: (s: string) => boolean): UserRefKind {
  if (looksLikeDn(name)) return 'dn';
  if (name.includes('@')) return 'upn-or-mail';
  return 'sam';
}

/**
 * What a name with `@` may be: a UPN, a mail address, or an IM address (`jdoe@im.example.com`,
 * the name an IM user knows a colleague by). Each attribute with what a person calls it.
 */
export const AT_NAME_ATTRIBUTES = ['userPrincipalName', 'mail', 'msExchIMAddress'] as const;
const AT_NAME_WORDS = { userPrincipalName: 'UPN', mail: 'mail', msExchIMAddress: 'IM address' } as const;

/** The user's values a name with `@` is compared against (case-insensitively: reading is lenient). */
export function atNamesOf(user: UserRecord): string[] {
  return [user.userPrincipalName, user.mail, user.im.msExchIMAddress].filter((v): v is string => !!v);
}

/** Which of a user's UPN, mail and IM address `name` is, in words ("UPN and IM address"). */
function carriedAs(name: string, user: UserRecord): string {
  const lower = name.toLowerCase();
  const values = {
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    msExchIMAddress: user.im.msExchIMAddress,
  };
  const words = AT_NAME_ATTRIBUTES.filter((a) => values[a]?.toLowerCase() === lower).map((a) => AT_NAME_WORDS[a]);
  return words.join(' and ');
}

/** `DOMAIN\jdoe` names the sAMAccountName jdoe. */
export function stripNetbiosDomain(name: string): string {
  const slash = name.indexOf('\\');
  return slash > 0 && !name.includes('=') ? name.slice(slash + 1) : name;
}

/**
 * Whether the DOMAIN of `DOMAIN\jdoe` names this domain: its NetBIOS name, or — as Windows accepts
 * too — its DNS name (`corp.example.com\jdoe`), read from the naming context's DC= components.
 */
export function isOwnDomainPrefix(prefix: string, netbios: string, domainDn: string): boolean {
  const dnsName = domainDn
    .split(',')
    .map((rdn) => /^\s*DC=(.*)$/i.exec(rdn)?.[1]?.trim())
    .filter((label) => label !== undefined)
    .join('.');
  const wanted = prefix.toLowerCase().replace(/\.$/, '');
  return wanted === netbios.toLowerCase() || (dnsName !== '' && wanted === dnsName.toLowerCase());
}

/** The DOMAIN of `DOMAIN\jdoe` (a sAMAccountName cannot hold a backslash), else undefined. */
export function netbiosDomainOf(name: string): string | undefined {
  const slash = name.indexOf('\\');
  return slash > 0 && !name.includes('=') ? name.slice(0, slash) : undefined;
}

/**
 * objectGUID bytes (hex) → the string form AD accepts in `<GUID=…>` DNs: the first three groups
 * are little-endian. (A binary `(objectGUID=\\xx…)` filter is not portable through every client.)
 */
export function guidString(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length !== 16) throw new Error(`not an objectGUID: ${hex}`);
  const part = (start: number, end: number, reverse: boolean) => {
    const slice = Buffer.from(bytes.subarray(start, end));
    return (reverse ? slice.reverse() : slice).toString('hex');
  };
  return [part(0, 4, true), part(4, 6, true), part(6, 8, true), part(8, 10, false), part(10, 16, false)].join('-');
}

/** What a name resolved to: exactly one user, or why not. */
export type Resolution =
  | { user: UserRecord }
  | { problem: 'unknown' }
  | { problem: 'ambiguous'; candidates: UserRecord[] }
  /** `OTHERDOM\jdoe` where this domain's NetBIOS name is not OTHERDOM: never the local jdoe. */
  | { problem: 'other-domain'; domain: string; ours: string };

export function describeResolutionProblem(name: string, resolution: Exclude<Resolution, { user: UserRecord }>): string {
  if (resolution.problem === 'unknown')
    return name.includes('@') && !name.includes('=')
      ? `no user has ${quoted(name)} as UPN, mail or IM address (give a DN, user@domain, mail, IM address or sAMAccountName)`
      : `no user is named ${quoted(name)} (give a DN, user@domain, mail, IM address or sAMAccountName)`;
  if (resolution.problem === 'other-domain')
    return `${quoted(name)} names a user of the domain ${quoted(resolution.domain)}, and this is ${quoted(resolution.ours)}: connect to that domain's DCs, or give the user without the domain`;
  // For a name with @, each candidate says what carries it: two users may share it as UPN and IM address.
  const how = (u: UserRecord) => (name.includes('@') ? carriedAs(name, u) : '');
  const shown = resolution.candidates
    .slice(0, 5)
    .map((u) => `${u.sAMAccountName} (${u.dn}${how(u) ? `; ${how(u)}` : ''})`);
  const more = resolution.candidates.length > 5 ? ` and ${resolution.candidates.length - 5} more` : '';
  return `${quoted(name)} is ambiguous; candidates: ${shown.join('; ')}${more}. Name one by DN or sAMAccountName`;
}
