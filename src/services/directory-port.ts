/**
 * The directory as the application needs it, in domain terms: servers, loads, users by name, by
 * home, by GUID or by IM address, and compare-and-set writes. src/directory/ implements it over
 * LDAP and owns every filter and attribute list; service tests use an in-memory implementation.
 * No ldapts type crosses this boundary.
 */
import type { AuditUser } from '../core/audit.js';
import type { GroupRecord, GroupResolution } from '../core/group-record.js';
import type { ImServer, ImState } from '../core/im-model.js';
import type { ModOp } from '../core/mod-ops.js';
import type { HomedUser, Resolution, UserRecord } from '../core/user-record.js';

/** Users homed per server (keyed by lower-cased DN), and those pointing at no server that exists. */
export interface HomedCounts {
  perServer: Map<string, number>;
  missing: number;
  /** The server DNs those missing users point at, each once (as stored). */
  missingServers: string[];
}

/** One entry's compare-and-set change: `ops` turn `before` into `after`, or fail if a value they delete is no longer there (another writer got there first). */
export interface WriteTask {
  dn: string;
  before: ImState;
  after: ImState;
  ops: ModOp[];
}

/**
 * `unknown`: the request was sent, the connection died before the answer, and the DC could not be
 * asked afterwards whether it landed (the run stops there). The entry is either as before or as
 * after — one ModifyRequest is atomic — but imctl cannot say which.
 */
export type WriteResult =
  { outcome: 'changed' } | { outcome: 'failed'; reason: string } | { outcome: 'unknown'; reason: string };

export interface WriteOptions {
  /** Writes in flight at once on the one connection. */
  concurrency: number;
  signal?: AbortSignal | undefined;
}

/**
 * A domain of more users than this (by usersAtMost) is large: there a person's search tries the
 * name as a whole first (indexed), and the wizard reads nothing in the background while the admin
 * searches. Below it, Samba evaluates a search of parts of names over every user in well under a
 * second (12,000 users: ~0.3 s).
 */
export const LARGE_DOMAIN_USERS = 20_000;

/** How a read is made. */
export interface ReadOptions {
  /**
   * A person is waiting on it (the wizard's search as you type): it goes before the reads started
   * in the background (the wizard's inventory), which wait meanwhile.
   */
  interactive?: boolean;
}

export interface DirectoryPort {
  /** The domain controller this run stays on (it reads its own writes there). */
  readonly dcHost: string;
  /** The DC as the admin should see it named, e.g. `ldaps://dc1.corp.example.com`. */
  readonly label: string;
  /** Where users are searched. */
  readonly baseDn: string;
  /** The domain's naming context (the RootDSE's defaultNamingContext): journals record it. */
  readonly domainDn: string;
  /** Who the run is bound as: the bind DN/UPN, or the Kerberos principal. Recorded in journals. */
  readonly boundAs: string | undefined;

  /** Every IM virtual server (home servers and routers), sorted by name. */
  servers(): Promise<ImServer[]>;
  /**
   * Of these server DNs (users point at them; no server found has them), those that name a live
   * object the bind account cannot read — not a deleted server's tombstone.
   */
  unreadableServers(serverDns: readonly string[]): Promise<string[]>;
  /** How many users each of these servers homes, counted without fetching values. */
  countHomed(serverDns: readonly string[]): Promise<HomedCounts>;
  /** The server DNs users point at that are none of these, each once (as stored): countHomed's missingServers without its counts per server. */
  homesElsewhere(serverDns: readonly string[]): Promise<string[]>;
  /**
   * At most how many users the domain holds, from one cheap read (the RIDs handed out so far), or
   * undefined when the DC does not say. An upper bound only: it counts every account ever created.
   */
  usersAtMost(): Promise<number | undefined>;
  /** How many users (or, with `activity`, active users) each of these servers homes; no orphan count. Keyed by lower-cased DN. */
  countOn(serverDns: readonly string[], activity?: { now: number; activeDays: number }): Promise<Map<string, number>>;
  /** Each name (DN, UPN/mail/IM address or sAMAccountName) to exactly one user, or why not. */
  resolveUsers(names: readonly string[], options?: ReadOptions): Promise<Map<string, Resolution>>;
  /** How many of each server's homed users are active at `now` (src/core/activity.ts), counted by the DC without fetching values. */
  countActive(serverDns: readonly string[], now: number, activeDays: number): Promise<HomedCounts>;
  /** The domain's lastLogonTimestamp update interval (msDS-LogonTimeSyncInterval) in days; 14 when unset. */
  logonSyncDays(): Promise<number>;
  /**
   * Every IM-homed user, with what a rebalance plans with (DN, GUID, home server), a page at a time;
   * with `activity`, also its account state, expiry and last logon. A listing cut off after its
   * first page throws (it never ends short).
   */
  homedUsers(activity?: boolean): AsyncIterable<HomedUser[]>;
  /**
   * IM-enabled users for listing, a page at a time, optionally only those homed on one server, and
   * only the active or inactive ones at `now`. A listing cut off after its first page throws.
   * `wanted`: the caller needs only the first this many, so pages are no larger and it stops
   * paging once it has them (users --limit N reads N + 1 users, not the domain's).
   */
  imUsers(
    serverDn?: string,
    activity?: { active: boolean; now: number; activeDays: number },
    wanted?: number,
  ): AsyncIterable<UserRecord[]>;
  /**
   * Users matching every word of a person's search; at most `limit` + 1, so the caller can tell
   * "more". Interactive (ReadOptions). In a large domain the name as a whole is looked up first
   * (equality on indexed attributes), and parts of names only when that finds nobody.
   */
  searchUsers(words: readonly string[], limit: number): Promise<UserRecord[]>;
  /** Users by objectGUID (hex), wherever they were renamed or moved to. */
  usersByGuid(guids: readonly string[]): Promise<Map<string, UserRecord>>;
  /** Users whose msExchIMAddress is this address. */
  usersByImAddress(address: string): Promise<UserRecord[]>;
  /** Up to `limit` msExchIMAddress values in use (a bounded sample, not a scan). */
  imAddressSample(limit: number): Promise<string[]>;
  /**
   * Every user with any of the four IM attributes, one paged pass, a page of compact records at a
   * time (the audit). A pass cut off after its first page throws (it never ends short).
   */
  auditUsers(): AsyncIterable<AuditUser[]>;
  /** Each name (DN, sAMAccountName or cn) to exactly one group anywhere in the domain, or why not. */
  resolveGroups(names: readonly string[]): Promise<Map<string, GroupResolution>>;
  /**
   * User accounts under `scopeDn` that belong to any of `groups`: through nested groups (cycles
   * allowed: the DC's in-chain rule on the groups visits each once) and as primary members (primaryGroupID)
   * of those groups and of every group nested in them. Disabled accounts included; read as
   * resolveUsers reads a user.
   */
  groupMembers(groups: readonly GroupRecord[], scopeDn: string): Promise<UserRecord[]>;
  /** User accounts under `scopeDn` with any of the four IM attributes, read as resolveUsers reads a user. */
  imUsersUnder(scopeDn: string): Promise<UserRecord[]>;
  /** Apply compare-and-set writes pipelined; `onResult` sees each as it settles. Throws when the run cannot go on. */
  write<T extends WriteTask>(
    tasks: Iterable<T>,
    options: WriteOptions,
    onResult: (task: T, result: WriteResult) => void,
  ): Promise<void>;
}
