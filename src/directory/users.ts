/**
 * Finding users: batched resolution of many names with few searches, listings by home server,
 * and counts that fetch no attribute values.
 */
import { filetimeToMs, logonSyncDays, logonTimeToMs } from '../core/activity.js';
import { canonicalDn, dnIsWithin, escapeFilterValue, looksLikeDn } from '../core/escape.js';
import { IM_ATTRIBUTES, type ImState } from '../core/im-model.js';
import type { HomedUser } from '../core/user-record.js';
import type { AuditUser } from '../core/audit.js';
import {
  AT_NAME_ATTRIBUTES,
  atNamesOf,
  classifyUserRef,
  guidString,
  isOwnDomainPrefix,
  netbiosDomainOf,
  stripNetbiosDomain,
  type Resolution,
  type UserRecord,
} from '../core/user-record.js';
import { LARGE_DOMAIN_USERS } from '../services/directory-port.js';
import type { LdapConnection, SearchSpec } from './connection.js';
import { resultCodeOf } from './errors.js';
import type { DirEntry } from './entry.js';

/** Normal user accounts (indexed in AD; cheaper than objectCategory/objectClass). */
export const USER_FILTER = '(sAMAccountType=805306368)';
export const USER_ATTRIBUTES = [
  'objectGUID',
  'sAMAccountName',
  'userPrincipalName',
  'mail',
  'mailNickname',
  'displayName',
  'userAccountControl',
  ...IM_ATTRIBUTES,
];
/** Names per OR-filter: keeps filters well under AD's request size limits. */
const NAMES_PER_SEARCH = 100;
/**
 * Filtered OR-searches or one paged scan of the scope? Both cost the DC about the same
 * per entry: measured on the lab as Samba's own CPU time, 0.27 ms per name in OR-searches of 100
 * (the same for batches of 25 or 50; 500 is worse) against 0.22 ms per user in a scan of the scope
 * with the same attributes (2,500 and 14,516 users alike). So the scan pays only once the batch
 * names more than SCAN_SHARE of the users the scope holds. Counting those users would cost as
 * much as the scan itself (a value-less count is no cheaper on Samba); what is cheap is an upper
 * bound: the RIDs the domain has handed out (usersUpperBound).
 */
const SCAN_SHARE = 0.22 / 0.27;

/**
 * At most how many users the domain holds, from one base read: the low half of the RID Manager's
 * rIDAvailablePool is the first RID not yet given to any DC, so every security principal ever
 * created (users, groups, computers, deleted ones) numbers below it. Undefined when the DC does
 * not publish it or the account may not read it: then the filtered searches are used.
 */
export async function usersUpperBound(directory: LdapConnection): Promise<number | undefined> {
  try {
    const entry = await directory.readEntry(`CN=RID Manager$,CN=System,${directory.rootDse.defaultNamingContext}`, {
      attributes: ['rIDAvailablePool'],
    });
    const pool = entry?.get('rIDAvailablePool');
    if (!pool || !/^\d+$/.test(pool)) return undefined;
    return Number(BigInt(pool) & 0xffffffffn);
  } catch {
    return undefined;
  }
}

/** Scan when the batch names more users than the filtered searches could fetch more cheaply. */
export function shouldScan(names: number, usersAtMost: number | undefined): boolean {
  return usersAtMost !== undefined && names > usersAtMost * SCAN_SHARE;
}

/** One shared answer for every name nobody carries: a 100,000-row file of unknowns makes one, not 100,000. */
const UNKNOWN: Resolution = Object.freeze({ problem: 'unknown' as const });

function imStateOf(entry: DirEntry): ImState {
  const im: ImState = {};
  for (const attribute of IM_ATTRIBUTES) {
    const value = entry.get(attribute);
    if (value !== undefined) im[attribute] = value;
  }
  return im;
}

export function toUserRecord(entry: DirEntry): UserRecord {
  const im = imStateOf(entry);
  const uac = Number(entry.get('userAccountControl') ?? '0');
  return {
    dn: entry.dn,
    guid: entry.buffer('objectGUID')?.toString('hex') ?? '',
    sAMAccountName: entry.get('sAMAccountName') ?? '',
    userPrincipalName: entry.get('userPrincipalName'),
    mail: entry.get('mail'),
    mailNickname: entry.get('mailNickname'),
    displayName: entry.get('displayName'),
    accountDisabled: (uac & 2) === 2,
    im,
  };
}

/** What `--load active` needs besides: fetched only then. */
export const ACTIVITY_ATTRIBUTES = ['userAccountControl', 'accountExpires', 'lastLogonTimestamp'];

/** What a name is compared against, lower-cased, per kind. */
function keysOf(user: UserRecord): { dn: string; sam: string; upnOrMail: string[] } {
  return {
    dn: canonicalDn(user.dn),
    sam: user.sAMAccountName.toLowerCase(),
    upnOrMail: atNamesOf(user).map((v) => v.toLowerCase()),
  };
}

function termFor(name: string): string {
  const kind = classifyUserRef(name, looksLikeDn);
  const value = escapeFilterValue(kind === 'sam' ? stripNetbiosDomain(name) : name);
  if (kind === 'dn') return `(distinguishedName=${value})`;
  if (kind === 'upn-or-mail') {
    // msExchIMAddress (indexed) compares case-sensitively: the value as typed, and as imctl writes it.
    const lower = escapeFilterValue(name.toLowerCase());
    const im = lower === value ? `(msExchIMAddress=${value})` : `(msExchIMAddress=${value})(msExchIMAddress=${lower})`;
    return `(userPrincipalName=${value})(mail=${value})${im}`;
  }
  return `(sAMAccountName=${value})`;
}

/** The key a name is looked up by, in the same form keysOf produces. */
function wantedKey(name: string): string {
  const kind = classifyUserRef(name, looksLikeDn);
  if (kind === 'dn') return `dn:${canonicalDn(name)}`;
  if (kind === 'sam') return `sam:${stripNetbiosDomain(name).toLowerCase()}`;
  return `at:${name.toLowerCase()}`;
}

/**
 * Resolve many names at once: OR-filters of up to 100 names, run concurrently on the one
 * connection, or a single paged scan when the batch names most of the directory. Each name must match
 * exactly one user.
 */
export async function resolveUsers(
  directory: LdapConnection,
  names: readonly string[],
  /** The bound, read once per run and shared with the capacity check (LdapDirectory.usersAtMost). */
  usersAtMost: () => Promise<number | undefined> = () => usersUpperBound(directory),
  /** A person waits on the answer (the wizard's search): SearchSpec.interactive. */
  interactive = false,
): Promise<Map<string, Resolution>> {
  const unique = [...new Set(names)];
  const candidates: UserRecord[] = [];
  // The bound costs one round trip: only worth it when the batch is more than one search.
  if (unique.length > NAMES_PER_SEARCH && shouldScan(unique.length, await usersAtMost())) {
    // One scan of every user, keeping only those named: memory follows the names, not the directory.
    const wanted = new Set(unique.map((name) => wantedKey(name)));
    const isWanted = (entry: DirEntry) => {
      const at = (attribute: string) => entry.get(attribute)?.toLowerCase();
      return (
        wanted.has(`sam:${at('sAMAccountName') ?? ''}`) ||
        wanted.has(`dn:${canonicalDn(entry.dn)}`) ||
        AT_NAME_ATTRIBUTES.some((attribute) => {
          const value = at(attribute);
          return !!value && wanted.has(`at:${value}`);
        })
      );
    };
    await directory.forEachEntry(
      directory.baseDn,
      { filter: USER_FILTER, attributes: USER_ATTRIBUTES, buffers: ['objectGUID'] },
      (entry) => {
        if (isWanted(entry)) candidates.push(toUserRecord(entry));
      },
      () => (candidates.length = 0),
    );
  } else {
    const batches: string[][] = [];
    for (let i = 0; i < unique.length; i += NAMES_PER_SEARCH) batches.push(unique.slice(i, i + NAMES_PER_SEARCH));
    // Each entry becomes a compact UserRecord as it arrives: raw entries never pile up.
    await Promise.all(
      batches.map((batch) => {
        const found: UserRecord[] = [];
        return directory
          .forEachEntry(
            directory.baseDn,
            {
              filter: `(&${USER_FILTER}(|${batch.map(termFor).join('')}))`,
              attributes: USER_ATTRIBUTES,
              buffers: ['objectGUID'],
              ...(interactive ? { interactive } : {}),
            },
            (entry) => found.push(toUserRecord(entry)),
            () => (found.length = 0),
          )
          .then(() => candidates.push(...found));
      }),
    );
  }
  const byDn = new Map<string, UserRecord[]>();
  const bySam = new Map<string, UserRecord[]>();
  const byUpnOrMail = new Map<string, UserRecord[]>();
  const push = (map: Map<string, UserRecord[]>, key: string, user: UserRecord) => {
    const list = map.get(key);
    if (!list) map.set(key, [user]);
    else if (!list.some((u) => u.dn === user.dn)) list.push(user);
  };
  for (const user of candidates) {
    const keys = keysOf(user);
    push(byDn, keys.dn, user);
    push(bySam, keys.sam, user);
    for (const key of keys.upnOrMail) push(byUpnOrMail, key, user);
  }
  const resolved = new Map<string, Resolution>();
  // DOMAIN\user: only this domain's NetBIOS name may stand there (one read, only when one is given).
  const ours = unique.some((name) => classifyUserRef(name, looksLikeDn) === 'sam' && netbiosDomainOf(name))
    ? await netbiosName(directory)
    : undefined;
  for (const name of unique) {
    const kind = classifyUserRef(name, looksLikeDn);
    const domain = kind === 'sam' ? netbiosDomainOf(name) : undefined;
    if (
      domain !== undefined &&
      ours !== undefined &&
      !isOwnDomainPrefix(domain, ours, directory.rootDse.defaultNamingContext)
    ) {
      resolved.set(name, { problem: 'other-domain', domain, ours });
      continue;
    }
    const matches =
      kind === 'dn'
        ? byDn.get(canonicalDn(name))
        : kind === 'sam'
          ? bySam.get(stripNetbiosDomain(name).toLowerCase())
          : byUpnOrMail.get(name.toLowerCase());
    if (!matches || matches.length === 0) resolved.set(name, UNKNOWN);
    else if (matches.length > 1) resolved.set(name, { problem: 'ambiguous', candidates: matches });
    else resolved.set(name, { user: matches[0]! });
  }
  return resolved;
}

/** The domain's NetBIOS name: nETBIOSName of its crossRef in CN=Partitions (the RootDSE does not carry it). */
export async function netbiosName(directory: LdapConnection): Promise<string | undefined> {
  const { configurationNamingContext, defaultNamingContext } = directory.rootDse;
  const [crossRef] = await directory.searchAll(`CN=Partitions,${configurationNamingContext}`, {
    scope: 'one',
    filter: `(&(objectClass=crossRef)(nCName=${escapeFilterValue(defaultNamingContext)})(nETBIOSName=*))`,
    attributes: ['nETBIOSName'],
  });
  return crossRef?.get('nETBIOSName');
}

/** Users of a paged search as compact records, each made as its entry arrives: raw entries never pile up. */
async function userRecords(
  directory: LdapConnection,
  spec: SearchSpec,
  toRecord: (entry: DirEntry) => UserRecord = toUserRecord,
): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  await directory.forEachEntry(
    directory.baseDn,
    spec,
    (entry) => users.push(toRecord(entry)),
    () => (users.length = 0),
  );
  return users;
}

/** Distinct home-server DNs one pass keeps a shared copy of; beyond that (a hostile directory), values stay as read. */
const SHARED_SERVER_DNS = 1_000;

/**
 * One string per distinct msExchIMVirtualServer value in a pass: 90,000 users point at a dozen
 * servers, and every value read off the wire is a fresh copy of a DN of 150-250 characters.
 */
function serverDnSharer(): (dn: string) => string {
  const seen = new Map<string, string>();
  return (dn) => {
    const shared = seen.get(dn);
    if (shared !== undefined) return shared;
    if (seen.size < SHARED_SERVER_DNS) seen.set(dn, dn);
    return dn;
  };
}

/** serverDnSharer over records: their msExchIMVirtualServer, shared. */
function homeSharer(): <T extends { im: ImState }>(record: T) => T {
  const share = serverDnSharer();
  return (record) => {
    const dn = record.im.msExchIMVirtualServer;
    if (dn !== undefined) record.im.msExchIMVirtualServer = share(dn);
    return record;
  };
}

/** A paged search's users as compact records, a page at a time: neither raw entries nor the listing pile up. */
async function* userPages(
  directory: LdapConnection,
  spec: SearchSpec,
  toRecord: (entry: DirEntry) => UserRecord = toUserRecord,
): AsyncGenerator<UserRecord[]> {
  const share = homeSharer();
  for await (const page of directory.pages(directory.baseDn, spec)) yield page.map((entry) => share(toRecord(entry)));
}

/**
 * IM-enabled users, optionally those homed on one server DN and matching `also` (an LDAP filter
 * the DC evaluates, e.g. the active filter); attribute-minimal, a page at a time.
 */
export function listImUsers(
  directory: LdapConnection,
  serverDn?: string,
  also = '',
  /** Only the first this many are wanted: pages no larger (the caller stops paging once it has them). */
  wanted?: number,
): AsyncIterable<UserRecord[]> {
  const filter = serverDn
    ? `(&${USER_FILTER}(msExchIMVirtualServer=${escapeFilterValue(serverDn)})${also})`
    : `(&${USER_FILTER}(msExchIMVirtualServer=*)${also})`;
  return userPages(directory, {
    filter,
    attributes: ['sAMAccountName', 'displayName', 'msExchIMAddress', 'msExchIMVirtualServer'],
    ...(wanted ? { pageSize: wanted } : {}),
  });
}

/**
 * Every homed user with what a rebalance plans with (its GUID and home), a page at a time; with
 * `activity`, also what decides whether it is active. The moved users are read whole afterwards.
 */
export async function* listHomedUsers(directory: LdapConnection, activity = false): AsyncGenerator<HomedUser[]> {
  const attributes = ['objectGUID', 'msExchIMVirtualServer', ...(activity ? ACTIVITY_ATTRIBUTES : [])];
  const spec = { filter: `(&${USER_FILTER}(msExchIMVirtualServer=*))`, attributes, buffers: ['objectGUID'] };
  const share = serverDnSharer();
  for await (const page of directory.pages(directory.baseDn, spec))
    yield page.map((entry) => {
      const homeServer = share(entry.get('msExchIMVirtualServer')!);
      const user: HomedUser = { dn: entry.dn, guid: entry.buffer('objectGUID')?.toString('hex') ?? '', homeServer };
      if (!activity) return user;
      return {
        ...user,
        accountDisabled: (Number(entry.get('userAccountControl') ?? '0') & 2) === 2,
        expiresAt: filetimeToMs(entry.get('accountExpires')),
        lastLogonAt: logonTimeToMs(entry.get('lastLogonTimestamp')),
      };
    });
}

/** The domain's msDS-LogonTimeSyncInterval in days (14 when unset or unreadable): one base read of the domain head. */
export async function readLogonSyncDays(directory: LdapConnection): Promise<number> {
  try {
    const entry = await directory.readEntry(directory.rootDse.defaultNamingContext, {
      attributes: ['msDS-LogonTimeSyncInterval'],
    });
    return logonSyncDays(entry?.get('msDS-LogonTimeSyncInterval'));
  } catch {
    return logonSyncDays(undefined);
  }
}

/**
 * A person's search, as Active Directory's own Find does it where the DC has ambiguous name
 * resolution: `(anr=…)` over displayName, givenName, sn, sAMAccountName, mail, mailNickname and
 * the other ANR attributes — OR'ed with the portable filter, in which every word must prefix
 * sAMAccountName, UPN or mail, or appear in displayName or cn ("doe jo" finds "Doe, John").
 * Without ANR, the portable filter alone. Every value escaped per RFC 4515.
 */
export function userSearchFilter(words: readonly string[], anr = false): string {
  const clauses = words.map((word) => {
    const v = escapeFilterValue(word);
    return `(|(sAMAccountName=${v}*)(userPrincipalName=${v}*)(mail=${v}*)(displayName=*${v}*)(cn=*${v}*))`;
  });
  const portable = clauses.length === 1 ? clauses[0]! : `(&${clauses.join('')})`;
  return anr
    ? `(&${USER_FILTER}(|(anr=${escapeFilterValue(words.join(' '))})${portable}))`
    : `(&${USER_FILTER}${clauses.join('')})`;
}

/**
 * The quick first try of a search in a large domain: the words as a whole name, by equality only,
 * on attributes every AD schema indexes (searchFlags bit 1: sAMAccountName, displayName, cn,
 * givenName, sn, mailNickname) — and two words as given name and surname either way round. Samba
 * indexes equality only: a prefix, a substring and `(anr=…)` (Samba expands it to prefixes) make
 * it evaluate every user (at 100,000 users: 1–3 s a search, against 0.1–0.4 s for this filter).
 * Every value escaped per RFC 4515.
 */
export function quickSearchFilter(words: readonly string[]): string {
  const phrase = escapeFilterValue(words.join(' '));
  const names = ['sAMAccountName', 'displayName', 'cn', 'givenName', 'sn', 'mailNickname'].map(
    (attribute) => `(${attribute}=${phrase})`,
  );
  if (words.length === 2) {
    const [a, b] = words.map((word) => escapeFilterValue(word)) as [string, string];
    names.push(`(&(givenName=${a})(sn=${b}))`, `(&(givenName=${b})(sn=${a}))`);
  }
  return `(&${USER_FILTER}(|${names.join('')}))`;
}

/**
 * Matches for a search, at most `limit` + 1: one page of that size, the rest never fetched (Samba
 * ignores the size limit on a paged search and would send every match; test/support/
 * directory-port-contract.ts holds both directories to limit + 1). In a domain of more than
 * LARGE_DOMAIN_USERS users (by the RID bound, usersUpperBound), the indexed quickSearchFilter goes
 * first, and the full search (parts of names: a scan of every user on Samba) only when it finds
 * nobody; below it, that full search costs Samba well under a second (12,000 users: ~0.3 s).
 */
export async function searchUsers(
  directory: LdapConnection,
  words: readonly string[],
  limit: number,
  usersAtMost: () => Promise<number | undefined> = () => usersUpperBound(directory),
): Promise<UserRecord[]> {
  if (words.length === 0) return [];
  const firstPage = async (filter: string) => {
    const spec: SearchSpec = {
      filter,
      attributes: USER_ATTRIBUTES,
      buffers: ['objectGUID'],
      sizeLimit: limit + 1,
      pageSize: limit + 1,
      interactive: true,
    };
    for await (const page of directory.pages(directory.baseDn, spec)) return page.slice(0, limit + 1).map(toUserRecord);
    return [];
  };
  if (((await usersAtMost()) ?? 0) > LARGE_DOMAIN_USERS) {
    const quick = await firstPage(quickSearchFilter(words));
    if (quick.length > 0) return quick;
  }
  return firstPage(userSearchFilter(words, directory.rootDse.anr));
}

export function usersByImAddress(directory: LdapConnection, address: string): Promise<UserRecord[]> {
  return userRecords(directory, {
    filter: `(&${USER_FILTER}(msExchIMAddress=${escapeFilterValue(address)}))`,
    attributes: USER_ATTRIBUTES,
    buffers: ['objectGUID'],
  });
}

/**
 * Up to `limit` IM addresses in use: the first page of that size of one search, the rest never
 * fetched (Samba ignores the size limit and, paged, would send every address: 90,000 at 100,000
 * users, ~40 s of the DC's time, for a sample of 500).
 */
export async function sampleImAddresses(directory: LdapConnection, limit: number): Promise<string[]> {
  const spec: SearchSpec = {
    filter: `(&${USER_FILTER}(msExchIMAddress=*))`,
    attributes: ['msExchIMAddress'],
    sizeLimit: limit,
    pageSize: limit,
  };
  for await (const page of directory.pages(directory.baseDn, spec))
    return page.slice(0, limit).flatMap((entry) => entry.get('msExchIMAddress') ?? []);
  return [];
}

/**
 * How many users each server homes (keyed by lower-cased DN), and how many point at no server
 * that exists — counts only: every search asks for no attribute values ("1.1"). The per-server
 * searches run concurrently on the one connection; the missing-server count is one search whose
 * filter excludes every known server, so the DC scans but sends back only the orphans. Measured on
 * the lab (12,818 IM users): value-less counts 1.43 s + orphans 0.24 s, against 1.84 s for one
 * search fetching every user's msExchIMVirtualServer before Node had parsed a single value.
 */
export async function countHomed(
  directory: LdapConnection,
  serverDns: readonly string[],
  also = '',
): Promise<{ perServer: Map<string, number>; missing: number; missingServers: string[] }> {
  const [elsewhere, perServer] = await Promise.all([
    homedElsewhere(directory, serverDns, also),
    countOn(directory, serverDns, also),
  ]);
  return { perServer, ...elsewhere };
}

/** The users homed on none of these servers: how many, and the server DNs they point at (each once, as stored). */
export async function homedElsewhere(
  directory: LdapConnection,
  serverDns: readonly string[],
  also = '',
): Promise<{ missing: number; missingServers: string[] }> {
  const missingFilter =
    serverDns.length === 0
      ? `(&${USER_FILTER}(msExchIMVirtualServer=*)${also})`
      : `(&${USER_FILTER}(msExchIMVirtualServer=*)(!(|${serverDns.map(homedOn).join('')}))${also})`;
  // The orphans' one value is fetched: where they point tells a deleted server from one the
  // account cannot read (src/services/organisation.ts).
  const pointsAt = new Map<string, string>();
  const missing = await countMatching(directory, missingFilter, (entry) => {
    const dn = entry.get('msExchIMVirtualServer');
    if (dn !== undefined && !pointsAt.has(canonicalDn(dn))) pointsAt.set(canonicalDn(dn), dn);
  });
  return { missing, missingServers: [...pointsAt.values()] };
}

/**
 * How many users these servers home, and nothing else: no orphan scan. What a write's capacity
 * check needs — only the servers receiving users, so a move into a small server does not pay for
 * counting the whole domain (on the lab, 1,500 moves waited 5.5 s for a count of every homed user).
 */
export async function countOn(
  directory: LdapConnection,
  serverDns: readonly string[],
  also = '',
): Promise<Map<string, number>> {
  const counts = await Promise.all(
    serverDns.map((dn) => countMatching(directory, `(&${USER_FILTER}${homedOn(dn)}${also})`)),
  );
  return new Map(serverDns.map((dn, i) => [dn.toLowerCase(), counts[i]!]));
}

const homedOn = (dn: string) => `(msExchIMVirtualServer=${escapeFilterValue(dn)})`;

/**
 * Users matching a filter across the domain (loadBase), counted without fetching a value ('1.1').
 * An account that may not search the domain head counts under the base DN instead, and says so:
 * a load it cannot see is not an empty server.
 */
async function countMatching(
  directory: LdapConnection,
  filter: string,
  /** Sees each entry with its msExchIMVirtualServer; without it, no value is fetched. */
  visit?: (entry: DirEntry) => void,
): Promise<number> {
  const count = async (base: string) => {
    let n = 0;
    await directory.forEachEntry(
      base,
      { filter, attributes: visit ? ['msExchIMVirtualServer'] : ['1.1'] },
      (entry) => {
        n++;
        visit?.(entry);
      },
      () => (n = 0),
    );
    return n;
  };
  const base = directory.loadBase;
  if (base === directory.baseDn) return count(base);
  try {
    return await count(base);
  } catch (error) {
    const code = resultCodeOf(error);
    if (code !== NO_SUCH_OBJECT && code !== INSUFFICIENT_ACCESS) throw error;
    warnOnce(
      directory,
      `The bind account cannot search ${base}, so server loads count only the users under ${directory.baseDn}: servers may hold more users than shown.`,
    );
    return count(directory.baseDn);
  }
}

const NO_SUCH_OBJECT = 32;
const INSUFFICIENT_ACCESS = 50;
const warned = new WeakSet<LdapConnection>();
function warnOnce(directory: LdapConnection, message: string): void {
  if (warned.has(directory)) return;
  warned.add(directory);
  directory.warn(message);
}

/** Users by objectGUID (hex), each read at `<GUID=…>` — found wherever it was renamed or moved to. */
export async function readUsersByGuid(
  directory: LdapConnection,
  guids: readonly string[],
  concurrency = 16,
): Promise<Map<string, UserRecord>> {
  const found = new Map<string, UserRecord>();
  let next = 0;
  const worker = async () => {
    while (next < guids.length) {
      const guid = guids[next++]!;
      // A GUID names any object in the domain (krbtgt, a DC's computer account): only a user under the base DN counts.
      const entry = await directory.readEntry(`<GUID=${guidString(guid)}>`, {
        filter: USER_FILTER,
        attributes: USER_ATTRIBUTES,
        buffers: ['objectGUID'],
      });
      if (entry && dnIsWithin(entry.dn, directory.baseDn)) found.set(guid, toUserRecord(entry));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, guids.length) }, worker));
  return found;
}

// --- the audit pass --------------------------------------------------------------------------------
/** Any of the four IM attributes set: enabled, half-enabled or half-cleared users alike. */
export const IM_USER_FILTER = `(&${USER_FILTER}(|${IM_ATTRIBUTES.map((a) => `(${a}=*)`).join('')}))`;
/** What the audit needs of each user, and nothing more. */
export const AUDIT_ATTRIBUTES = [
  'objectGUID',
  'sAMAccountName',
  'mailNickname',
  'userAccountControl',
  'accountExpires',
  'lastLogonTimestamp',
  ...IM_ATTRIBUTES,
];

/** accountExpires (100-ns ticks since 1601; 0 or 2^63-1 = never) as ms since 1970, or undefined for never. */
export function accountExpiresAt(value: string | undefined): number | undefined {
  return filetimeToMs(value);
}

function toAuditUser(entry: DirEntry): AuditUser {
  return {
    dn: entry.dn,
    guid: entry.buffer('objectGUID')?.toString('hex') ?? '',
    sAMAccountName: entry.get('sAMAccountName') ?? '',
    mailNickname: entry.get('mailNickname'),
    accountDisabled: (Number(entry.get('userAccountControl') ?? '0') & 2) === 2,
    expiresAt: accountExpiresAt(entry.get('accountExpires')),
    lastLogonAt: logonTimeToMs(entry.get('lastLogonTimestamp')),
    im: imStateOf(entry),
  };
}

/**
 * One paged pass over every user with any IM attribute, a page of compact records at a time (the
 * audit). Cut off after its first page, it throws (connection.pages): the audit has written out
 * findings by then, and a short pass must never read as a clean directory.
 */
export async function* auditUserPages(directory: LdapConnection): AsyncGenerator<AuditUser[]> {
  const share = homeSharer();
  const spec = { filter: IM_USER_FILTER, attributes: AUDIT_ATTRIBUTES, buffers: ['objectGUID'] };
  for await (const page of directory.pages(directory.baseDn, spec))
    yield page.map((entry) => share(toAuditUser(entry)));
}
