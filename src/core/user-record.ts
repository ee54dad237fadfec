/** A user as imctl sees it: identity, account state and the four IM values. */
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
}

/** How a name given on the command line or in a CSV names a user. */
export type UserRefKind = 'dn' | 'upn-or-mail' | 'sam';

export function classifyUserRef(name: string, looksLikeDn: (s: string) => boolean): UserRefKind {
  if (looksLikeDn(name)) return 'dn';
  if (name.includes('@')) return 'upn-or-mail';
  return 'sam';
}

/** `DOMAIN\jdoe` names the sAMAccountName jdoe. */
export function stripNetbiosDomain(name: string): string {
  const slash = name.indexOf('\\');
  return slash > 0 && !name.includes('=') ? name.slice(slash + 1) : name;
}
