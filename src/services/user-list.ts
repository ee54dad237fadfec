/** IM-enabled users with their home server, as `imctl users` lists them: paged, attribute-minimal; streamed or sorted. */
import { canonicalDn } from '../core/escape.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import type { UserRecord } from '../core/user-record.js';
import type { DirectoryPort } from './directory-port.js';
import { assertHomesReadable } from './organisation.js';

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

/**
 * Every row of the listing, a page at a time as the directory hands them on, in its order: nothing
 * is kept. Resolves to how many rows there were (after --orphaned). A listing cut off midway throws.
 */
export async function streamUsers(
  directory: DirectoryPort,
  options: UserListOptions,
  onRows: (rows: UserRow[]) => void | Promise<void>,
): Promise<number> {
  // Without --server the listing does not wait for the servers: both searches overlap.
  const serversRead = directory.servers();
  const server = options.server ? findServer(await serversRead, options.server) : undefined;
  const pages = directory.imUsers(server?.dn, options.activity)[Symbol.asyncIterator]();
  const [servers, first] = await Promise.all([serversRead, pages.next()]).catch(async (error: unknown) => {
    await pages.return?.();
    throw error;
  });
  const byDn = serversByDn(servers);
  // Homes that name no server the account can read: checked once each, before their rows go out.
  const checkedHomes = new Set<string>();
  const assertPageReadable = (users: readonly UserRecord[]) => {
    const fresh = users.map((u) => u.im.msExchIMVirtualServer).filter((dn) => dn && !checkedHomes.has(canonicalDn(dn)));
    for (const dn of fresh) checkedHomes.add(canonicalDn(dn!));
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
      await onRows(rows);
    }
  } finally {
    await pages.return?.(); // a listing left early gives its search back
  }
  return total;
}

/**
 * The listing sorted by sAMAccountName, or with --limit N the first N of that order: only those N
 * are kept while the rest is counted (a bounded selection, not a sort of everything).
 */
export async function listUsers(
  directory: DirectoryPort,
  options: UserListOptions,
): Promise<{ total: number; users: UserRow[] }> {
  const limit = options.limit;
  const kept: UserRow[] = [];
  const total = await streamUsers(directory, options, (rows) => {
    for (const row of rows) {
      if (limit === undefined) kept.push(row);
      else keepFirst(kept, row, limit);
    }
  });
  if (limit === undefined) kept.sort(bySam);
  return { total, users: kept };
}

const bySam = (a: UserRow, b: UserRow) => a.sAMAccountName.localeCompare(b.sAMAccountName);

/** Insert `row` into `sorted` (by sAMAccountName) if it is among the first `limit`; `sorted` never grows past `limit`. */
function keepFirst(sorted: UserRow[], row: UserRow, limit: number): void {
  if (limit === 0) return;
  if (sorted.length === limit && bySam(row, sorted[limit - 1]!) >= 0) return;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (bySam(sorted[mid]!, row) <= 0) low = mid + 1;
    else high = mid;
  }
  sorted.splice(low, 0, row);
  if (sorted.length > limit) sorted.pop();
}
