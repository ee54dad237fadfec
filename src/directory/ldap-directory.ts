/**
 * The directory port over LDAP: one bound connection to one DC (src/directory/connection.ts),
 * and the searches and writes of users.ts, servers.ts and writer.ts behind the port's domain
 * terms. The composition root (src/cli/) opens it; nothing above this folder sees LDAP.
 */
import type { GroupRecord } from '../core/group-record.js';
import { UsageError } from '../core/errors.js';
import type { Settings } from '../config/settings.js';
import type { DirectoryPort, ReadOptions, WriteOptions, WriteResult, WriteTask } from '../services/directory-port.js';
import { LdapConnection } from './connection.js';
import { endpointsFromUrls } from './endpoints.js';
import { groupMembers, imUsersUnder, resolveGroups } from './groups.js';
import { discoverServers, unreadableServers } from './servers.js';
import { activeFilter, inactiveFilter } from '../core/activity.js';
import {
  countHomed,
  countOn,
  homedElsewhere,
  usersUpperBound,
  auditUserPages,
  listHomedUsers,
  listImUsers,
  readLogonSyncDays,
  readUsersByGuid,
  resolveUsers,
  sampleImAddresses,
  searchUsers,
  usersByImAddress,
} from './users.js';
import { applyWrites } from './writer.js';

export interface OpenOptions {
  /** Asked once, when the first bind needs it. */
  password: () => Promise<string>;
  log: (message: string) => void;
  /** Said to the admin whatever -v: e.g. a failover to another DC in the middle of a run. */
  warn: (message: string) => void;
}

export class LdapDirectory implements DirectoryPort {
  constructor(readonly connection: LdapConnection) {}

  get dcHost() {
    return this.connection.endpoint.host;
  }
  get label() {
    return this.connection.label;
  }
  get domainDn() {
    return this.connection.rootDse.defaultNamingContext;
  }
  get baseDn() {
    return this.connection.baseDn;
  }
  get boundAs() {
    return this.connection.boundAs;
  }

  servers = () => discoverServers(this.connection);
  unreadableServers = (serverDns: readonly string[]) => unreadableServers(this.connection, serverDns);
  countHomed = (serverDns: readonly string[]) => countHomed(this.connection, serverDns);
  homesElsewhere = async (serverDns: readonly string[]) =>
    (await homedElsewhere(this.connection, serverDns)).missingServers;
  private usersBound: Promise<number | undefined> | undefined;
  usersAtMost = () => (this.usersBound ??= usersUpperBound(this.connection));
  countOn = (serverDns: readonly string[], activity?: { now: number; activeDays: number }) =>
    countOn(this.connection, serverDns, activity ? activeFilter(activity.now, activity.activeDays) : '');
  resolveUsers = (names: readonly string[], options?: ReadOptions) =>
    resolveUsers(this.connection, names, this.usersAtMost, options?.interactive);
  countActive = (serverDns: readonly string[], now: number, activeDays: number) =>
    countHomed(this.connection, serverDns, activeFilter(now, activeDays));
  logonSyncDays = () => readLogonSyncDays(this.connection);
  homedUsers = (activity?: boolean) => listHomedUsers(this.connection, activity);
  imUsers = (serverDn?: string, activity?: { active: boolean; now: number; activeDays: number }, wanted?: number) =>
    listImUsers(
      this.connection,
      serverDn,
      activity ? (activity.active ? activeFilter : inactiveFilter)(activity.now, activity.activeDays) : '',
      wanted,
    );
  searchUsers = (words: readonly string[], limit: number) =>
    searchUsers(this.connection, words, limit, this.usersAtMost);
  usersByGuid = (guids: readonly string[]) => readUsersByGuid(this.connection, guids);
  usersByImAddress = (address: string) => usersByImAddress(this.connection, address);
  imAddressSample = (limit: number) => sampleImAddresses(this.connection, limit);
  resolveGroups = (names: readonly string[]) => resolveGroups(this.connection, names);
  groupMembers = (groups: readonly GroupRecord[], scopeDn: string) => groupMembers(this.connection, groups, scopeDn);
  imUsersUnder = (scopeDn: string) => imUsersUnder(this.connection, scopeDn);
  auditUsers = () => auditUserPages(this.connection);

  write<T extends WriteTask>(
    tasks: Iterable<T>,
    options: WriteOptions,
    onResult: (task: T, result: WriteResult) => void,
  ): Promise<void> {
    return applyWrites(this.connection, tasks, options, onResult);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/**
 * A --base-dn that is not a DN, or names no entry, is said in imctl's words before any search:
 * the DC's own (Samba's "acl_read … acl_read.c:967", "invalid basedn '(null)'") help nobody.
 */
async function checkBaseDn(connection: LdapConnection, baseDn: string): Promise<void> {
  let entry: unknown;
  try {
    entry = await connection.readEntry(baseDn, { attributes: ['1.1'] });
  } catch (error) {
    if (
      (error as { resultCode?: number }).resultCode === 34 ||
      /invalid ?dn|invalid basedn/i.test((error as Error).message)
    ) {
      throw new UsageError(
        `The base DN ${JSON.stringify(baseDn)} is not a DN: give one such as OU=Staff,${connection.rootDse.defaultNamingContext} (--base-dn, IMCTL_BASE_DN or "baseDn").`,
        'bad-base-dn',
      );
    }
    throw error;
  }
  if (entry === undefined) {
    throw new UsageError(
      `The base DN ${JSON.stringify(baseDn)} does not exist on ${connection.endpoint.host}: check --base-dn (the domain is ${connection.rootDse.defaultNamingContext}).`,
      'no-base-dn',
    );
  }
}

/** Find the DCs (--url, else DNS SRV for --domain), connect to the first that answers, bind and read the RootDSE. */
export async function openLdapDirectory(settings: Settings, options: OpenOptions): Promise<LdapDirectory> {
  let endpoints = endpointsFromUrls(settings.urls, settings.startTls);
  if (endpoints.length === 0 && settings.domain) {
    const { locateDomainControllers } = await import('./locator.js');
    endpoints = await locateDomainControllers(settings.domain, settings, options.log, options.warn);
  }
  if (endpoints.length === 0) {
    throw new UsageError(
      'No domain controller to talk to: give --url (or IMCTL_URL, or "url" in the config file), or --domain to find DCs by DNS.',
      'no-url',
    );
  }
  const connection = await LdapConnection.open({
    settings,
    endpoints,
    password: options.password,
    log: options.log,
    warn: options.warn,
  });
  if (settings.baseDn)
    await checkBaseDn(connection, settings.baseDn).catch(async (error: unknown) => {
      await connection.close();
      throw error;
    });
  options.log(`using ${connection.label}; base ${connection.baseDn}`);
  return new LdapDirectory(connection);
}
