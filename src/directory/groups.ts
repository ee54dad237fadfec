/**
 * Groups for `imctl sync`: a group named by DN, sAMAccountName or cn, and the users that belong
 * to it. Nesting is resolved by the DC with the in-chain matching rule (LDAP_MATCHING_RULE_IN_CHAIN,
 * 1.2.840.113556.1.4.1941) on the groups: one search returns every group nested in the named ones,
 * each once (cycles are legal in AD). The users are then asked for by plain `memberOf` equality on
 * any of those groups, or `primaryGroupID` = any of their RIDs (primary members are never in
 * `member`). No `member` value of a 20,000-member group is fetched (no range retrieval).
 *
 * Why not the in-chain rule on the user side, `(memberOf:1.2.840.113556.1.4.1941:=G)` under the OU:
 * Samba evaluates it entry by entry with no index; on the lab, 5,000 users under load took 89 s in
 * one run and hit Samba's 120 s search limit ("Indexed and full searches both failed", LDAP error 3)
 * in the next, while the same 5,000 users by memberOf equality are an ordinary filtered search.
 * The chain is walked once per group instead of once per user.
 */
import { canonicalDn, escapeFilterValue, looksLikeDn } from '../core/escape.js';
import { ridOfSid, type GroupRecord, type GroupResolution } from '../core/group-record.js';
import type { UserRecord } from '../core/user-record.js';
import type { LdapConnection } from './connection.js';
import type { DirEntry } from './entry.js';
import { IM_USER_FILTER, USER_ATTRIBUTES, USER_FILTER, toUserRecord } from './users.js';

const GROUP_FILTER = '(objectCategory=group)';
const GROUP_ATTRIBUTES = ['sAMAccountName', 'objectSid', 'objectClass'];
const IN_CHAIN = '1.2.840.113556.1.4.1941';
/** Terms per OR-filter, as name resolution batches them: well under AD's request size limits. */
const TERMS_PER_SEARCH = 100;

function toGroup(entry: DirEntry): GroupRecord | undefined {
  const rid = ridOfSid(entry.buffer('objectSid'));
  return rid === undefined ? undefined : { dn: entry.dn, sAMAccountName: entry.get('sAMAccountName') ?? '', rid };
}

const isGroup = (entry: DirEntry) => entry.all('objectClass').some((c) => c.toLowerCase() === 'group');

async function resolveGroup(directory: LdapConnection, name: string): Promise<GroupResolution> {
  const domain = directory.rootDse.defaultNamingContext;
  if (looksLikeDn(name)) {
    const entry = await directory.readEntry(name, { attributes: GROUP_ATTRIBUTES, buffers: ['objectSid'] });
    if (!entry) return { problem: 'unknown' };
    const group = isGroup(entry) ? toGroup(entry) : undefined;
    return group ? { group } : { problem: 'not-a-group' };
  }
  const value = escapeFilterValue(name);
  const found = await directory.searchAll(domain, {
    filter: `(&${GROUP_FILTER}(|(sAMAccountName=${value})(cn=${value})))`,
    attributes: GROUP_ATTRIBUTES,
    buffers: ['objectSid'],
  });
  const groups = found.flatMap((entry) => toGroup(entry) ?? []);
  if (groups.length === 1) return { group: groups[0]! };
  if (groups.length > 1) return { problem: 'ambiguous', candidates: groups.map((g) => g.dn) };
  // Not a group by that name: say so plainly when it names another object (a user, a computer).
  const other = await directory.searchAll(domain, {
    filter: `(|(sAMAccountName=${value})(cn=${value}))`,
    attributes: ['1.1'],
    sizeLimit: 1,
  });
  return other.length > 0 ? { problem: 'not-a-group' } : { problem: 'unknown' };
}

export async function resolveGroups(
  directory: LdapConnection,
  names: readonly string[],
): Promise<Map<string, GroupResolution>> {
  const resolved = new Map<string, GroupResolution>();
  for (const name of names) resolved.set(name, await resolveGroup(directory, name));
  return resolved;
}

/** `terms` OR-ed in filters of at most TERMS_PER_SEARCH, under `base`, each entry visited once (by DN). */
async function searchAnyOf(
  directory: LdapConnection,
  base: string,
  scope: string,
  terms: readonly string[],
  spec: { attributes: string[]; buffers: string[] },
): Promise<DirEntry[]> {
  const seen = new Map<string, DirEntry>();
  for (let i = 0; i < terms.length; i += TERMS_PER_SEARCH) {
    const anyOf = terms.slice(i, i + TERMS_PER_SEARCH).join('');
    const entries = await directory.searchAll(base, { ...spec, filter: `(&${scope}(|${anyOf}))` });
    for (const entry of entries) seen.set(canonicalDn(entry.dn), entry);
  }
  return [...seen.values()];
}

const inChain = (group: GroupRecord) => `(memberOf:${IN_CHAIN}:=${escapeFilterValue(group.dn)})`;

export async function groupMembers(
  directory: LdapConnection,
  groups: readonly GroupRecord[],
  scopeDn: string,
): Promise<UserRecord[]> {
  if (groups.length === 0) return [];
  // Every group nested in the named ones, anywhere in the domain: their members and primary members belong too.
  const nested = await searchAnyOf(
    directory,
    directory.rootDse.defaultNamingContext,
    GROUP_FILTER,
    groups.map(inChain),
    { attributes: ['objectSid'], buffers: ['objectSid'] },
  );
  const groupDns = new Map(groups.map((g) => [canonicalDn(g.dn), g.dn]));
  const rids = new Set(groups.map((g) => g.rid));
  for (const entry of nested) {
    groupDns.set(canonicalDn(entry.dn), entry.dn);
    const rid = ridOfSid(entry.buffer('objectSid'));
    if (rid !== undefined) rids.add(rid);
  }
  const terms = [
    ...[...groupDns.values()].map((dn) => `(memberOf=${escapeFilterValue(dn)})`),
    ...[...rids].sort((a, b) => a - b).map((rid) => `(primaryGroupID=${rid})`),
  ];
  const entries = await searchAnyOf(directory, scopeDn, USER_FILTER, terms, {
    attributes: USER_ATTRIBUTES,
    buffers: ['objectGUID'],
  });
  return entries.map(toUserRecord);
}

export async function imUsersUnder(directory: LdapConnection, scopeDn: string): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  await directory.forEachEntry(
    scopeDn,
    { filter: IM_USER_FILTER, attributes: USER_ATTRIBUTES, buffers: ['objectGUID'] },
    (entry) => users.push(toUserRecord(entry)),
    () => (users.length = 0),
  );
  return users;
}
