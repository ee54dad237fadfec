/** IM-enabled users with their home server, as `imctl users` lists them: paged, attribute-minimal; streamed or sorted. */
import { findServer, serversByDn } from '../core/server-ref.js';
import type { UserRecord } from '../core/user-record.js';
import type { DirectoryPort } from './directory-port.js';
import { assertHomesReadable, assertServerNamesReadable } from './organisation.js';

export interface UserListOptions {
  server?: string | undefined;
  orphaned?: boolean | undefined;
  limit?: number | undefined;
  /** Only the active (true) or inactive (false) users at `now` (src/core/activity.ts); the DC filters. */
  activity?: { active: boolean; now: number; activeDays: number } | undefined;
}

export interface UserRow {
  sAMAccountName: string;
  displayName: string | null;
  imAddress: string | null;
  homeServer: string | null;
  homeServerDn: string;
  orphaned: 'missing-server' | 'router' | null;
  dn: string;
}

/** What onRows answers when it has all it wants: the listing stops paging there. */
export const ENOUGH = 'enough';

/**
 * Every row of the listing, a page at a time as the directory hands them on, in its order: nothing
 * is kept. Resolves to how many rows there were (after --orphaned), or, when `onRows` answered
 * ENOUGH, how many were handed on before it stopped. A listing cut off midway throws.
 */
export async function streamUsers(
  directory: DirectoryPort,
  options: UserListOptions,
  onRows: (rows: UserRow[]) => void | typeof ENOUGH | Promise<void | typeof ENOUGH>,
  /** Only the first this many rows are wanted: the directory pages no larger. */
  wanted?: number,
): Promise<number> {
  // Without --server the listing does not wait for the servers: both searches overlap.
  const serversRead = directory.servers();
  if (options.server) await assertServerNamesReadable(directory, await serversRead, [options.server]);
  const server = options.server ? findServer(await serversRead, options.server) : undefined;
  const pages = directory.imUsers(server?.dn, options.activity, wanted)[Symbol.asyncIterator]();
  const [servers, first] = await Promise.all([serversRead, pages.next()]).catch(async (error: unknown) => {
    await pages.return?.();
    throw error;
  });
  const byDn = serversByDn(servers);
  // Homes that name no server the account can read: checked once each, before their rows go out.
  // Keyed as stored: the DC spells one server's DN the same way each time, so a page costs a lookup
  // per user, and only a spelling not seen before is canonicalised (by assertHomesReadable).
  const checkedHomes = new Set<string>();
  const assertPageReadable = (users: readonly UserRecord[]) => {
    const fresh = new Set<string>();
    for (const { im } of users) {
      const dn = im.msExchIMVirtualServer;
      if (dn === undefined || checkedHomes.has(dn)) continue;
      checkedHomes.add(dn);
      fresh.add(dn);
    }
    return assertHomesReadable(directory, servers, fresh);
  };
  const rowOf = (u: UserRecord): UserRow => {
    const home = byDn.get(u.im.msExchIMVirtualServer!.toLowerCase());
    return {
      sAMAccountName: u.sAMAccountName,
      displayName: u.displayName ?? null,
      imAddress: u.im.msExchIMAddress ?? null,
      homeServer: home?.name ?? null,
      homeServerDn: u.im.msExchIMVirtualServer!,
      orphaned: !home ? 'missing-server' : !home.hostsUsers ? 'router' : null,
      dn: u.dn,
    };
  };
  let total = 0;
  try {
    for (let page = first; !page.done; page = await pages.next()) {
      await assertPageReadable(page.value);
      let rows = page.value.map(rowOf);
      if (options.orphaned) rows = rows.filter((r) => r.orphaned !== null);
      total += rows.length;
      if ((await onRows(rows)) === ENOUGH) break;
    }
  } finally {
    await pages.return?.(); // a listing left early gives its search back
  }
  return total;
}

/**
 * The listing sorted by sAMAccountName. With --limit N: the first N users the directory returns,
 * sorted, and whether there were more — it stops paging at the N + 1st user, so `users --limit 1`
 * reads two users, not the domain's 11,000 (`total` is then unknown).
 */
export async function listUsers(
  directory: DirectoryPort,
  options: UserListOptions,
): Promise<{ total: number | undefined; users: UserRow[]; cutAt?: number }> {
  const limit = options.limit;
  const kept: UserRow[] = [];
  const total = await streamUsers(
    directory,
    options,
    (rows) => {
      kept.push(...rows);
      return limit !== undefined && kept.length > limit ? ENOUGH : undefined;
    },
    // --orphaned is decided here, not by the DC: the orphans may be few and far between, so pages stay whole.
    limit !== undefined && !options.orphaned ? limit + 1 : undefined,
  );
  if (limit === undefined || kept.length <= limit) return { total, users: kept.sort(bySam) };
  // The first N as the DC returned them, then sorted: the N + 1st only said that there are more.
  return { total: undefined, users: kept.slice(0, limit).sort(bySam), cutAt: limit };
}

const bySam = (a: UserRow, b: UserRow) => a.sAMAccountName.localeCompare(b.sAMAccountName);
