/**
 * An in-memory implementation of imctl's own directory port, for table tests of service logic
 * (placement, validation, the write path's bookkeeping) and for the unit tier's commands, which
 * run() opens on it instead of LDAP (test/support/run-imctl.ts). Everything that crosses the wire
 * is tested against the lab DC. Writes apply the compare-and-set ops to the stored state, so a
 * concurrent change made with `set()` fails the write as AD would.
 */
import { canonicalDn } from '../../src/core/escape.js';
import { IM_ATTRIBUTES, sameState, type ImServer, type ImState } from '../../src/core/im-model.js';
import type { AuditUser } from '../../src/core/audit.js';
import { isActive } from '../../src/core/activity.js';
import type { Resolution, UserRecord } from '../../src/core/user-record.js';
import type {
  DirectoryPort,
  HomedCounts,
  WriteOptions,
  WriteResult,
  WriteTask,
} from '../../src/services/directory-port.js';

export class MemoryDirectory implements DirectoryPort {
  readonly dcHost = 'dc1.memory.test';
  readonly label = 'ldaps://dc1.memory.test';
  readonly baseDn = 'DC=memory,DC=test';
  readonly domainDn = 'DC=memory,DC=test';
  readonly boundAs = 'admin@memory.test';
  /** Every task handed to write(), in order: a service must plan and write each target once. */
  readonly written: WriteTask[] = [];
  private readonly users = new Map<string, UserRecord>();

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

  /** Another writer's change. */
  set(dn: string, im: ImState): void {
    this.users.get(canonicalDn(dn))!.im = { ...im };
  }

  async servers(): Promise<ImServer[]> {
    return [...this.imServers].sort((a, b) => a.name.localeCompare(b.name));
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

  private tally(serverDns: readonly string[], only: (user: UserRecord) => boolean = () => true): HomedCounts {
    const perServer = new Map(serverDns.map((dn) => [dn.toLowerCase(), 0]));
    let missing = 0;
    for (const user of this.users.values()) {
      const home = user.im.msExchIMVirtualServer?.toLowerCase();
      if (home === undefined || !only(user)) continue;
      if (perServer.has(home)) perServer.set(home, perServer.get(home)! + 1);
      else missing++;
    }
    return { perServer, missing };
  }

  async resolveUsers(names: readonly string[]): Promise<Map<string, Resolution>> {
    const resolved = new Map<string, Resolution>();
    for (const name of names) {
      const key = name.toLowerCase();
      const matches = [...this.users.values()].filter(
        (u) =>
          canonicalDn(u.dn) === canonicalDn(name) ||
          u.sAMAccountName.toLowerCase() === key ||
          u.userPrincipalName?.toLowerCase() === key ||
          u.mail?.toLowerCase() === key,
      );
      resolved.set(
        name,
        matches.length === 0
          ? { problem: 'unknown' }
          : matches.length > 1
            ? { problem: 'ambiguous', candidates: matches }
            : { user: structuredClone(matches[0]!) },
      );
    }
    return resolved;
  }

  async homedUsers(): Promise<UserRecord[]> {
    return [...this.users.values()].filter((u) => u.im.msExchIMVirtualServer).map((u) => structuredClone(u));
  }

  async imUsers(
    serverDn?: string,
    activity?: { active: boolean; now: number; activeDays: number },
  ): Promise<UserRecord[]> {
    return (await this.homedUsers()).filter(
      (u) =>
        (!serverDn || u.im.msExchIMVirtualServer!.toLowerCase() === serverDn.toLowerCase()) &&
        (!activity || isActive(u, activity.now, activity.activeDays) === activity.active),
    );
  }

  async searchUsers(words: readonly string[], limit: number): Promise<UserRecord[]> {
    const hits = [...this.users.values()].filter((u) =>
      words.every((w) => `${u.sAMAccountName} ${u.displayName ?? ''}`.toLowerCase().includes(w.toLowerCase())),
    );
    return hits.slice(0, limit + 1);
  }

  async usersByGuid(guids: readonly string[]): Promise<Map<string, UserRecord>> {
    return new Map(
      [...this.users.values()].filter((u) => guids.includes(u.guid)).map((u) => [u.guid, structuredClone(u)]),
    );
  }

  async usersByImAddress(address: string): Promise<UserRecord[]> {
    return [...this.users.values()].filter((u) => u.im.msExchIMAddress === address);
  }

  async imAddressSample(limit: number): Promise<string[]> {
    return [...this.users.values()].flatMap((u) => u.im.msExchIMAddress ?? []).slice(0, limit);
  }

  async forEachImUser(visit: (user: AuditUser) => void): Promise<void> {
    for (const u of this.users.values()) {
      if (!IM_ATTRIBUTES.some((a) => u.im[a] !== undefined)) continue;
      visit({
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
      if (!user) onResult(task, { outcome: 'failed', reason: 'the entry no longer exists' });
      else if (!sameState(user.im, task.before))
        onResult(task, { outcome: 'failed', reason: 'changed by someone else since it was read' });
      else {
        user.im = Object.fromEntries(
          IM_ATTRIBUTES.flatMap((a) => (task.after[a] === undefined ? [] : [[a, task.after[a]]])),
        ) as ImState;
        onResult(task, { outcome: 'changed' });
      }
    }
  }
}
