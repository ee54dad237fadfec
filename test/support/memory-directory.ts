/**
 * An in-memory implementation of imctl's own directory port, for table tests of service logic
 * (placement, validation, the write path's bookkeeping) and for the unit tier's commands, which
 * run() opens on it instead of LDAP (test/support/run-imctl.ts). Everything that crosses the wire
 * is tested against the lab DC. Writes apply the compare-and-set ops to the stored state, so a
 * concurrent change made with `set()` fails the write as AD would.
 *
 * It answers as the LDAP adapter does on Samba: test/support/directory-port-contract.ts runs the
 * same cases against both (test/services/directory-port.test.ts, test/directory/ldap-directory.lab.test.ts).
 * Records carry what the adapter reads for each call, and no more.
 */
import { canonicalDn, dnIsWithin, firstRdnValue, looksLikeDn } from '../../src/core/escape.js';
import { IM_ATTRIBUTES, sameState, sameValue, type ImServer, type ImState } from '../../src/core/im-model.js';
import { isDeletedObjectDn, type ModOp } from '../../src/core/mod-ops.js';
import type { AuditUser } from '../../src/core/audit.js';
import type { GroupRecord, GroupResolution } from '../../src/core/group-record.js';
import { isActive } from '../../src/core/activity.js';
import { LARGE_DOMAIN_USERS } from '../../src/services/directory-port.js';
import {
  atNamesOf,
  classifyUserRef,
  isOwnDomainPrefix,
  netbiosDomainOf,
  stripNetbiosDomain,
  type HomedUser,
  type Resolution,
  type UserRecord,
} from '../../src/core/user-record.js';

/** A user as the adapter reads it with its full attribute list (USER_ATTRIBUTES): no activity. */
function asRead(user: UserRecord): UserRecord {
  return {
    dn: user.dn,
    guid: user.guid,
    sAMAccountName: user.sAMAccountName,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    mailNickname: user.mailNickname,
    displayName: user.displayName,
    accountDisabled: user.accountDisabled,
    im: { ...user.im },
  };
}

/** A user as a listing reads it (src/directory/users.ts listImUsers): no GUID, no account state, IM address and home only. */
function asListed(user: UserRecord): UserRecord {
  const im: ImState = {};
  if (user.im.msExchIMAddress !== undefined) im.msExchIMAddress = user.im.msExchIMAddress;
  if (user.im.msExchIMVirtualServer !== undefined) im.msExchIMVirtualServer = user.im.msExchIMVirtualServer;
  return {
    dn: user.dn,
    guid: '',
    sAMAccountName: user.sAMAccountName,
    displayName: user.displayName,
    accountDisabled: false,
    im,
  };
}
import type {
  DirectoryPort,
  HomedCounts,
  WriteOptions,
  WriteResult,
  WriteTask,
} from '../../src/services/directory-port.js';

/** Domain Users: every account's primary group unless changed. */
export const DOMAIN_USERS_RID = 513;

export interface MemoryGroup {
  dn: string;
  sAMAccountName: string;
  rid: number;
  /** DNs of member users and groups. */
  member: string[];
}

export class MemoryDirectory implements DirectoryPort {
  readonly dcHost = 'dc1.memory.test';
  readonly label = 'ldaps://dc1.memory.test';
  readonly baseDn: string = 'DC=memory,DC=test';
  readonly domainDn = 'DC=memory,DC=test';
  readonly boundAs = 'admin@memory.test';
  /** The domain's NetBIOS name: `MEMORY\\jdoe` names jdoe, `OTHER\\jdoe` another domain's user. */
  readonly netbiosName = 'MEMORY';
  /** Every task handed to write(), in order: a service must plan and write each target once. */
  readonly written: WriteTask[] = [];
  private readonly users = new Map<string, UserRecord>();
  /** Groups by canonical DN, with their `member` values (users' or groups' DNs). */
  private readonly groups = new Map<string, MemoryGroup>();
  /** primaryGroupID per user (canonical DN); AD gives every user one (Domain Users, 513, unless changed). */
  private readonly primaryGroupIds = new Map<string, number>();

  constructor(
    private readonly imServers: ImServer[],
    users: UserRecord[] = [],
  ) {
    for (const user of users) this.users.set(canonicalDn(user.dn), structuredClone(user));
  }

  /** The stored state of one user (by DN). */
  get(dn: string): UserRecord | undefined {
    return this.users.get(canonicalDn(dn));
  }

  /** A group of this domain, with its members' DNs (users or groups; cycles allowed). */
  addGroup(group: MemoryGroup): void {
    this.groups.set(canonicalDn(group.dn), { ...group, member: [...group.member] });
  }

  /** A user's primaryGroupID (the RID of its primary group). */
  setPrimaryGroup(dn: string, rid: number): void {
    this.primaryGroupIds.set(canonicalDn(dn), rid);
  }

  /** Another writer's change. */
  set(dn: string, im: ImState): void {
    this.users.get(canonicalDn(dn))!.im = { ...im };
  }

  /** Another admin deletes the user. */
  remove(dn: string): void {
    this.users.delete(canonicalDn(dn));
  }

  /** Another admin renames or moves the entry (its GUID stays); the new DN. */
  rename(dn: string, newDn: string): string {
    const user = this.users.get(canonicalDn(dn))!;
    this.users.delete(canonicalDn(dn));
    this.users.set(canonicalDn(newDn), { ...user, dn: newDn });
    return newDn;
  }

  async servers(): Promise<ImServer[]> {
    return this.imServers
      .filter((s) => !this.hiddenServers.has(canonicalDn(s.dn)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async countActive(serverDns: readonly string[], now: number, activeDays: number): Promise<HomedCounts> {
    return this.countHomed(serverDns, (user) => isActive(user, now, activeDays));
  }

  /** msDS-LogonTimeSyncInterval, as a test sets it. */
  syncDays = 14;
  async logonSyncDays(): Promise<number> {
    return this.syncDays;
  }

  /** What the RID Manager would say: by default every account this directory holds; a test may set it. */
  ridBound: number | undefined = undefined;
  async usersAtMost(): Promise<number | undefined> {
    return this.ridBound ?? this.users.size;
  }

  async countOn(
    serverDns: readonly string[],
    activity?: { now: number; activeDays: number },
  ): Promise<Map<string, number>> {
    const only = activity ? (user: UserRecord) => isActive(user, activity.now, activity.activeDays) : undefined;
    return this.tally(serverDns, only).perServer;
  }

  async countHomed(serverDns: readonly string[], only?: (user: UserRecord) => boolean): Promise<HomedCounts> {
    return this.tally(serverDns, only);
  }

  async homesElsewhere(serverDns: readonly string[]): Promise<string[]> {
    return this.tally(serverDns).missingServers;
  }

  private tally(serverDns: readonly string[], only: (user: UserRecord) => boolean = () => true): HomedCounts {
    const perServer = new Map(serverDns.map((dn) => [dn.toLowerCase(), 0]));
    // The DC matches DN values as DNs: case, escaping and spacing do not matter.
    const keyOf = new Map(serverDns.map((dn) => [canonicalDn(dn), dn.toLowerCase()]));
    let missing = 0;
    const missingServers = new Map<string, string>();
    for (const user of this.users.values()) {
      const home = user.im.msExchIMVirtualServer;
      if (home === undefined || !only(user)) continue;
      const key = keyOf.get(canonicalDn(home));
      if (key !== undefined) perServer.set(key, perServer.get(key)! + 1);
      else {
        missing++;
        if (!missingServers.has(canonicalDn(home))) missingServers.set(canonicalDn(home), home);
      }
    }
    return { perServer, missing, missingServers: [...missingServers.values()] };
  }

  /** Servers the bind account may not read (canonical DNs): servers() leaves them out, as a DC would. */
  readonly hiddenServers = new Set<string>();

  /** A bind account denied read access to the Exchange organisation: every server hidden. */
  hideServers(): this {
    for (const server of this.imServers) this.hiddenServers.add(canonicalDn(server.dn));
    return this;
  }

  async unreadableServers(serverDns: readonly string[]): Promise<string[]> {
    return serverDns.filter((dn) => this.hiddenServers.has(canonicalDn(dn)));
  }

  async resolveUsers(names: readonly string[]): Promise<Map<string, Resolution>> {
    const resolved = new Map<string, Resolution>();
    for (const name of names) {
      // As src/directory/users.ts: a DN only as a DN, a name with @ only as UPN, mail or IM address, else a
      // sAMAccountName, optionally behind this domain's NetBIOS name (another domain's is refused).
      const kind = classifyUserRef(name, looksLikeDn);
      const domain = kind === 'sam' ? netbiosDomainOf(name) : undefined;
      if (domain !== undefined && !isOwnDomainPrefix(domain, this.netbiosName, this.domainDn)) {
        resolved.set(name, { problem: 'other-domain', domain, ours: this.netbiosName });
        continue;
      }
      const key = (kind === 'sam' ? stripNetbiosDomain(name) : name).toLowerCase();
      const matches = [...this.users.values()].filter((u) =>
        kind === 'dn'
          ? canonicalDn(u.dn) === canonicalDn(name)
          : kind === 'sam'
            ? u.sAMAccountName.toLowerCase() === key
            : atNamesOf(u).some((value) => value.toLowerCase() === key),
      );
      resolved.set(
        name,
        matches.length === 0
          ? { problem: 'unknown' }
          : matches.length > 1
            ? { problem: 'ambiguous', candidates: matches.map(asRead) }
            : { user: asRead(matches[0]!) },
      );
    }
    return resolved;
  }

  /** Users per page of a listing (the adapter asks for 1,000); a test sets it lower to see many pages. */
  pageSize = 1000;
  /** Called before each page of a listing is handed out (0 first), as the adapter reads each from the DC. */
  beforePage: (index: number) => void | Promise<void> = () => undefined;

  /** Users handed out by listings so far: what the DC would have sent. */
  listed = 0;

  /** `users` a page at a time, as the adapter's paged listings hand them on (pages of at most `wanted`). */
  private async *paged<T>(users: readonly T[], wanted?: number): AsyncGenerator<T[]> {
    const size = Math.min(this.pageSize, wanted ?? Infinity);
    for (let index = 0; index * size < users.length; index++) {
      await this.beforePage(index);
      const page = users.slice(index * size, (index + 1) * size);
      this.listed += page.length;
      yield page;
    }
  }

  homedUsers(activity?: boolean): AsyncIterable<HomedUser[]> {
    return this.paged(
      [...this.users.values()]
        .filter((u) => u.im.msExchIMVirtualServer)
        .map((u) => ({
          dn: u.dn,
          guid: u.guid,
          homeServer: u.im.msExchIMVirtualServer!,
          ...(activity
            ? { accountDisabled: u.accountDisabled, expiresAt: u.expiresAt, lastLogonAt: u.lastLogonAt }
            : {}),
        })),
    );
  }

  imUsers(
    serverDn?: string,
    activity?: { active: boolean; now: number; activeDays: number },
    wanted?: number,
  ): AsyncIterable<UserRecord[]> {
    return this.paged(
      [...this.users.values()]
        .filter(
          (u) =>
            u.im.msExchIMVirtualServer !== undefined &&
            (!serverDn || canonicalDn(u.im.msExchIMVirtualServer) === canonicalDn(serverDn)) &&
            (!activity || isActive(u, activity.now, activity.activeDays) === activity.active),
        )
        .map(asListed),
      wanted,
    );
  }

  /**
   * As the adapter's filter (src/directory/users.ts userSearchFilter) on a DC with ANR: every word
   * prefixes sAMAccountName, UPN or mail, or appears in displayName or cn — or the whole phrase
   * prefixes an ANR attribute this record carries (sAMAccountName, displayName, mailNickname, cn).
   * Holding more than `quickSearchAbove` users (the adapter: LARGE_DOMAIN_USERS, by the RID bound),
   * the phrase as a whole name first (quickSearchFilter: equal to sAMAccountName, displayName, cn
   * or mailNickname, in any case), and the rest only when that finds nobody. No words, no search.
   */
  quickSearchAbove = LARGE_DOMAIN_USERS;

  async searchUsers(words: readonly string[], limit: number): Promise<UserRecord[]> {
    if (words.length === 0) return [];
    const lower = words.map((w) => w.toLowerCase());
    const phrase = lower.join(' ');
    const all = [...this.users.values()];
    if (this.users.size > this.quickSearchAbove) {
      const quick = all.filter((u) =>
        [u.sAMAccountName, u.displayName, firstRdnValue(u.dn), u.mailNickname].some((v) => v?.toLowerCase() === phrase),
      );
      if (quick.length > 0) return quick.slice(0, limit + 1).map(asRead);
    }
    const hits = all.filter((u) => {
      const cn = firstRdnValue(u.dn).toLowerCase();
      const prefixed = [u.sAMAccountName, u.userPrincipalName, u.mail].map((v) => v?.toLowerCase());
      const display = (u.displayName ?? '').toLowerCase();
      const portable = lower.every(
        (w) => prefixed.some((v) => v?.startsWith(w)) || display.includes(w) || cn.includes(w),
      );
      const anr = [u.sAMAccountName, u.displayName, u.mailNickname, cn].some((v) =>
        v?.toLowerCase().startsWith(phrase),
      );
      return portable || anr;
    });
    return hits.slice(0, limit + 1).map(asRead);
  }

  async usersByGuid(guids: readonly string[]): Promise<Map<string, UserRecord>> {
    return new Map([...this.users.values()].filter((u) => guids.includes(u.guid)).map((u) => [u.guid, asRead(u)]));
  }

  /** Matched byte for byte: Samba (and AD) compare msExchIMAddress case-sensitively. */
  async usersByImAddress(address: string): Promise<UserRecord[]> {
    return [...this.users.values()].filter((u) => u.im.msExchIMAddress === address).map(asRead);
  }

  async imAddressSample(limit: number): Promise<string[]> {
    return [...this.users.values()].flatMap((u) => u.im.msExchIMAddress ?? []).slice(0, limit);
  }

  /** Pages of `auditPageSize` (default: all in one), so a test can see the pass a page at a time. */
  auditPageSize = Number.POSITIVE_INFINITY;

  async *auditUsers(): AsyncGenerator<AuditUser[]> {
    let page: AuditUser[] = [];
    for (const u of this.users.values()) {
      if (!IM_ATTRIBUTES.some((a) => u.im[a] !== undefined)) continue;
      if (page.length >= this.auditPageSize) {
        yield page;
        page = [];
      }
      page.push({
        dn: u.dn,
        guid: u.guid,
        sAMAccountName: u.sAMAccountName,
        mailNickname: u.mailNickname,
        accountDisabled: u.accountDisabled,
        expiresAt: this.expiry.get(canonicalDn(u.dn)),
        lastLogonAt: u.lastLogonAt,
        im: { ...u.im },
      });
    }
    if (page.length > 0) yield page;
  }

  /** As src/directory/groups.ts on Samba: a DN as a DN (another object's is not a group), else sAMAccountName or cn. */
  async resolveGroups(names: readonly string[]): Promise<Map<string, GroupResolution>> {
    const resolved = new Map<string, GroupResolution>();
    const record = (g: MemoryGroup): GroupRecord => ({ dn: g.dn, sAMAccountName: g.sAMAccountName, rid: g.rid });
    for (const name of names) {
      if (looksLikeDn(name)) {
        const group = this.groups.get(canonicalDn(name));
        resolved.set(
          name,
          group
            ? { group: record(group) }
            : this.users.has(canonicalDn(name))
              ? { problem: 'not-a-group' }
              : { problem: 'unknown' },
        );
        continue;
      }
      const key = name.toLowerCase();
      const matches = [...this.groups.values()].filter(
        (g) => g.sAMAccountName.toLowerCase() === key || firstRdnValue(g.dn).toLowerCase() === key,
      );
      const isUser = [...this.users.values()].some(
        (u) => u.sAMAccountName.toLowerCase() === key || firstRdnValue(u.dn).toLowerCase() === key,
      );
      resolved.set(
        name,
        matches.length === 1
          ? { group: record(matches[0]!) }
          : matches.length > 1
            ? { problem: 'ambiguous', candidates: matches.map((g) => g.dn) }
            : isUser
              ? { problem: 'not-a-group' }
              : { problem: 'unknown' },
      );
    }
    return resolved;
  }

  /** The in-chain rule by hand: every group reachable through `member` from the given ones, each visited once. */
  async groupMembers(groups: readonly GroupRecord[], scopeDn: string): Promise<UserRecord[]> {
    const reached = new Set<string>();
    const pending = groups.map((g) => canonicalDn(g.dn));
    const direct = new Set<string>();
    while (pending.length > 0) {
      const key = pending.pop()!;
      if (reached.has(key)) continue;
      reached.add(key);
      for (const member of this.groups.get(key)?.member ?? []) {
        const memberKey = canonicalDn(member);
        if (this.groups.has(memberKey)) pending.push(memberKey);
        else direct.add(memberKey);
      }
    }
    const rids = new Set([...reached].flatMap((key) => this.groups.get(key)?.rid ?? []));
    return [...this.users.entries()]
      .filter(([key, u]) => dnIsWithin(u.dn, scopeDn) && (direct.has(key) || rids.has(this.primaryGroupOf(key))))
      .map(([, u]) => asRead(u));
  }

  async imUsersUnder(scopeDn: string): Promise<UserRecord[]> {
    return [...this.users.values()]
      .filter((u) => dnIsWithin(u.dn, scopeDn) && IM_ATTRIBUTES.some((a) => u.im[a] !== undefined))
      .map(asRead);
  }

  private primaryGroupOf(key: string): number {
    return this.primaryGroupIds.get(key) ?? DOMAIN_USERS_RID;
  }

  /** Account expiry (ms since the epoch) per user DN, for audit tests. */
  readonly expiry = new Map<string, number>();

  /** The run that opened it closed it (run() closes its directory however the command ended). */
  closed = false;

  async close(): Promise<void> {
    this.closed = true;
  }

  async write<T extends WriteTask>(
    tasks: Iterable<T>,
    _options: WriteOptions,
    onResult: (task: T, result: WriteResult) => void,
  ): Promise<void> {
    for (const task of tasks) {
      this.written.push(task);
      const user = this.users.get(canonicalDn(task.dn));
      if (!user) {
        onResult(task, {
          outcome: 'failed',
          reason: 'the entry no longer exists (deleted or renamed since it was read); nothing was written',
        });
        continue;
      }
      const applied = this.applyOps(user.im, task.ops);
      if (typeof applied !== 'string') {
        user.im = applied;
        onResult(task, { outcome: 'changed' });
      } else if (sameState(user.im, task.before)) {
        onResult(task, {
          outcome: 'failed',
          reason: `the DC refused the change although the entry is as read (${applied}); nothing was written`,
        });
      } else {
        const shown = IM_ATTRIBUTES.filter((a) => user.im[a] !== undefined).map((a) => `${a}=${user.im[a]}`);
        onResult(task, {
          outcome: 'failed',
          reason: `changed by someone else since it was read (now ${shown.length ? shown.join(', ') : 'not IM-enabled'}); nothing was overwritten — re-run to act on the current state`,
        });
      }
    }
  }

  /**
   * One ModifyRequest as the DC applies it: all of its ops or none. A delete must find the value
   * (byte for byte; a DN case-insensitively), an add must find the single-valued attribute empty,
   * and a DN value must name an object (Samba: "Referenced object not found"). The new state, or
   * why the DC refuses.
   */
  private applyOps(im: ImState, ops: readonly ModOp[]): ImState | string {
    const next: ImState = { ...im };
    for (const op of ops) {
      const current = next[op.attribute];
      if (op.operation === 'delete') {
        if (current === undefined || !op.values.every((v) => sameValue(op.attribute, current, v)))
          return `noSuchAttribute: ${op.attribute}`;
        delete next[op.attribute];
        continue;
      }
      if (op.operation === 'add' && current !== undefined)
        return op.values.every((v) => sameValue(op.attribute, current, v))
          ? `attributeOrValueExists: ${op.attribute}`
          : `constraintViolation: ${op.attribute} is single-valued`;
      if (op.values.length > 1) return `constraintViolation: ${op.attribute} is single-valued`;
      const value = op.values[0];
      if (value === undefined) delete next[op.attribute];
      else if (op.attribute === 'msExchIMVirtualServer' && !this.names(value))
        return `constraintViolation: Referenced object not found (${value})`;
      else next[op.attribute] = value;
    }
    return next;
  }

  /** Whether a DN names an object here: a server, a user, a container above one, or a deleted object. */
  private names(dn: string): boolean {
    if (isDeletedObjectDn(dn)) return true;
    return [...this.imServers.map((s) => s.dn), ...[...this.users.values()].map((u) => u.dn)].some((known) =>
      dnIsWithin(known, dn),
    );
  }
}
