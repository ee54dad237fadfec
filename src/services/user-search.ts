/**
 * Finding users as a person would, for the wizard's search-as-you-type: part of a display name
 * or cn, or the start of an account name, UPN or mail. Every word typed must match somewhere, so
 * "doe jo" finds "Doe, John" (the directory adapter builds and escapes the filter). The exact
 * name (sAMAccountName, UPN, mail or DN, as `imctl enable` resolves it) is looked up too and
 * always listed first, so a size-limited answer never hides the user the admin named.
 */
import { firstRdnValue, looksLikeDn } from '../core/escape.js';
import type { ImServer } from '../core/im-model.js';
import { stripNetbiosDomain, type UserRecord } from '../core/user-record.js';
import type { DirectoryPort } from './directory-port.js';

/** Matches listed per keystroke; more than this says "type more". */
export const SEARCH_LIMIT = 20;
/** Words of a term that take part in the search (a bound on the filter's size). */
const MAX_WORDS = 4;

/** The words of a search term as the directory matches them (`LAB\jdoe` → `jdoe`). */
export function searchWords(term: string): string[] {
  return term
    .trim()
    .split(/[\s,;]+/)
    .map((word) => stripNetbiosDomain(word))
    .filter((word) => word.length > 0)
    .slice(0, MAX_WORDS);
}

export interface UserSearchResult {
  users: UserRecord[];
  /** More users match than were listed: the admin should type more. */
  more: boolean;
}

export async function searchUsers(
  directory: DirectoryPort,
  term: string,
  limit = SEARCH_LIMIT,
): Promise<UserSearchResult> {
  const trimmed = term.trim();
  if (trimmed.length === 0) return { users: [], more: false };
  const [exact, found] = await Promise.all([
    directory.resolveUsers([trimmed], { interactive: true }).then((resolved) => resolved.get(trimmed)),
    looksLikeDn(trimmed) ? Promise.resolve([]) : directory.searchUsers(searchWords(trimmed), limit),
  ]);
  const more = found.length > limit;
  const exactUsers = !exact
    ? []
    : 'user' in exact
      ? [exact.user]
      : exact.problem === 'ambiguous'
        ? exact.candidates
        : [];
  const seen = new Set(exactUsers.map((u) => u.dn.toLowerCase()));
  const rest = found.filter((u) => !seen.has(u.dn.toLowerCase())).sort(byRelevance(trimmed));
  return { users: [...exactUsers, ...rest].slice(0, Math.max(limit, exactUsers.length)), more };
}

/** Account-name matches first, then mail, then names that start with the term, then the rest; by name within each. */
function byRelevance(term: string): (a: UserRecord, b: UserRecord) => number {
  const t = stripNetbiosDomain(term).toLowerCase();
  const rank = (u: UserRecord): number => {
    const sam = u.sAMAccountName.toLowerCase();
    if (sam === t) return 0;
    if (sam.startsWith(t)) return 1;
    if ([u.mail, u.userPrincipalName].some((v) => v?.toLowerCase().startsWith(t))) return 2;
    if (displayNameOf(u).toLowerCase().startsWith(t)) return 3;
    return 4;
  };
  return (a, b) => rank(a) - rank(b) || displayNameOf(a).localeCompare(displayNameOf(b)) || a.dn.localeCompare(b.dn);
}

/** What a person calls the user: displayName, else the cn from the DN, else the account name. */
export function displayNameOf(user: UserRecord): string {
  return user.displayName ?? (firstRdnValue(user.dn) || user.sAMAccountName);
}

/** `Doe, John (jdoe)`. */
export function userLabel(user: UserRecord): string {
  const name = displayNameOf(user);
  return name.toLowerCase() === user.sAMAccountName.toLowerCase()
    ? user.sAMAccountName
    : `${name} (${user.sAMAccountName})`;
}

/** `jdoe@lab.example · IM on im-east · account disabled`: what the admin needs to tell matches apart. */
export function userDetails(user: UserRecord, serversByDn: ReadonlyMap<string, ImServer>): string {
  const parts: string[] = [];
  if (user.mail ?? user.userPrincipalName) parts.push((user.mail ?? user.userPrincipalName)!);
  const home = user.im.msExchIMVirtualServer;
  if (home) {
    const server = serversByDn.get(home.toLowerCase());
    parts.push(`IM ${user.im.msExchIMAddress ?? '(no address)'} on ${server ? server.name : 'a missing server'}`);
  } else if (user.im.msExchIMAddress) {
    parts.push(`IM ${user.im.msExchIMAddress} (no home server)`);
  } else {
    parts.push('IM off');
  }
  if (user.accountDisabled) parts.push('account disabled');
  return parts.join(' · ');
}
