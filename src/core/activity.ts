/**
 * Which homed users load a home server: the `--load active` definition (pure).
 *
 * Microsoft's 7,500 per home server is *concurrent* users. A user is **active** when the account
 * is enabled (userAccountControl bit 0x2 clear), not expired (accountExpires 0 or 2^63-1 = never,
 * else later than now) and its lastLogonTimestamp lies within the last `activeDays` days.
 *
 * lastLogonTimestamp is replicated to every DC, but a DC writes it only when the stored value is
 * older than msDS-LogonTimeSyncInterval (default 14 days) minus a random 0–5 days: it lags the
 * real last logon by up to 9–14 days. A window shorter than the domain's interval therefore
 * counts users who logged on yesterday as inactive; imctl warns when that is the case.
 */
import { UsageError } from './errors.js';

export type LoadKind = 'homed' | 'active';
export const LOAD_KINDS: readonly LoadKind[] = ['homed', 'active'];
export const DEFAULT_LOAD: LoadKind = 'homed';
export const DEFAULT_ACTIVE_DAYS = 30;
/** AD's msDS-LogonTimeSyncInterval when the domain object does not set it. */
export const DEFAULT_LOGON_SYNC_DAYS = 14;
/** An activity window longer than this is no longer "concurrent" in any sense (ten years). */
export const MAX_ACTIVE_DAYS = 3650;

/** The sentence that goes wherever an active figure is shown. */
export const LOGON_LAG_NOTE =
  'Active = enabled, unexpired, lastLogonTimestamp within the window; AD updates lastLogonTimestamp only every 9–14 days, so it lags the real last logon by up to that much.';

const DAY_MS = 86_400_000;
/** FILETIME ticks (100 ns since 1601-01-01) at 1970-01-01. */
const FILETIME_EPOCH_OFFSET = 116444736000000000n;

/** What decides whether a user is active. Times are ms since 1970; undefined = never. */
export interface Activity {
  accountDisabled: boolean;
  /** When the account expires (undefined: never). */
  expiresAt?: number | undefined;
  /** lastLogonTimestamp (undefined: never logged on, or not replicated yet). */
  lastLogonAt?: number | undefined;
}

/** A FILETIME string (lastLogonTimestamp, accountExpires) as ms since 1970; undefined for unset, 0 or "never" (2^63-1). */
export function filetimeToMs(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  const ticks = BigInt(value);
  if (ticks === 0n || ticks >= 0x7fffffffffffffffn) return undefined;
  // floor, so that "ms >= t" and "ticks >= filetime(t)" agree exactly (the filters below rely on it)
  const diff = ticks - FILETIME_EPOCH_OFFSET;
  const q = diff / 10000n;
  return Number(diff < 0n && q * 10000n !== diff ? q - 1n : q);
}

/** lastLogonTimestamp as ms since 1970: only unset or 0 mean never (any other value is a time, as the DC compares it). */
export function logonTimeToMs(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value) || BigInt(value) === 0n) return undefined;
  return filetimeToMs(value) ?? Number((BigInt(value) - FILETIME_EPOCH_OFFSET) / 10000n);
}

/** ms since 1970 as a FILETIME string, for LDAP filters. */
export function msToFiletime(ms: number): string {
  return String(BigInt(Math.floor(ms)) * 10000n + FILETIME_EPOCH_OFFSET);
}

/** The earliest lastLogonTimestamp that still counts as active at `now`. */
export function activeSince(now: number, activeDays: number): number {
  return now - activeDays * DAY_MS;
}

/** Enabled, unexpired and logged on within the window; an account state not read (accountDisabled absent) counts as enabled. */
export function isActive(
  user: Omit<Activity, 'accountDisabled'> & { accountDisabled?: boolean | undefined },
  now: number,
  activeDays: number,
): boolean {
  if (user.accountDisabled) return false;
  if (user.expiresAt !== undefined && user.expiresAt <= now) return false;
  return user.lastLogonAt !== undefined && user.lastLogonAt >= activeSince(now, activeDays);
}

/** Days since the last logon at `now` (whole days, rounded down); undefined when never. */
export function idleDays(user: Activity, now: number): number | undefined {
  return user.lastLogonAt === undefined ? undefined : Math.max(0, Math.floor((now - user.lastLogonAt) / DAY_MS));
}

/**
 * The LDAP filter (to AND with the user filter) that holds exactly for the users `isActive` calls
 * active at `now` — the same test the DC runs, so counts need no attribute values:
 * enabled, accountExpires unset, 0 or later than now (2^63-1 is later than any now), lastLogonTimestamp
 * at or after the window's start.
 */
export function activeFilter(now: number, activeDays: number): string {
  return (
    '(&(!(userAccountControl:1.2.840.113556.1.4.803:=2))' +
    `(|(!(accountExpires=*))(accountExpires=0)(accountExpires>=${msToFiletime(now + 1)}))` +
    `(lastLogonTimestamp>=${msToFiletime(activeSince(now, activeDays))}))`
  );
}

/** Homed users that are not active at `now`. */
export function inactiveFilter(now: number, activeDays: number): string {
  return `(!${activeFilter(now, activeDays)})`;
}

/** Never logged on, or last logon more than `days` days before `now` — the accounts `audit --disable-idle DAYS` clears. */
export function idleForFilter(now: number, days: number): string {
  return `(!(lastLogonTimestamp>=${msToFiletime(activeSince(now, days))}))`;
}

export function isIdleFor(user: Activity, now: number, days: number): boolean {
  return user.lastLogonAt === undefined || user.lastLogonAt < activeSince(now, days);
}

/** "homed" or "active" (any case), else a usage error naming where the value came from. */
export function parseLoad(where: string, value: string | undefined): LoadKind | undefined {
  if (value === undefined) return undefined;
  const load = value.toLowerCase();
  if (!(LOAD_KINDS as readonly string[]).includes(load))
    throw new UsageError(`${where} must be "homed" or "active", not ${JSON.stringify(value.slice(0, 40))}.`, 'usage');
  return load as LoadKind;
}

/** msDS-LogonTimeSyncInterval (days; unset or 0 means AD's default of 14). */
export function logonSyncDays(value: string | undefined): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
  return n > 0 ? n : DEFAULT_LOGON_SYNC_DAYS;
}

/** A warning when the window is shorter than the domain's update interval, else undefined. */
export function activeWindowWarning(activeDays: number, syncDays: number): string | undefined {
  return windowWarning(`--active-days ${activeDays}`, activeDays, syncDays, 'may still count as inactive');
}

/** The same warning for `audit --disable-idle DAYS`, where the cost of the lag is a cleared seat. */
export function idleWindowWarning(idleDays: number, syncDays: number): string | undefined {
  return windowWarning(
    `--disable-idle ${idleDays}`,
    idleDays,
    syncDays,
    'may still count as idle, and would have IM cleared',
  );
}

function windowWarning(option: string, days: number, syncDays: number, consequence: string): string | undefined {
  if (days >= syncDays) return undefined;
  return `${option} is shorter than this domain's lastLogonTimestamp update interval (msDS-LogonTimeSyncInterval ${syncDays} days): users who logged on within the last ${syncDays} days ${consequence}.`;
}
