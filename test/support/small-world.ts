/**
 * A small world for one test file: its own OU under the lab's domain with the tens of users the
 * file needs, added in one ldapadd batch, and imctl pointed at it with --base-dn
 * (IMCTL_BASE_DN). For checks about what a command does, not about the 12,013-user seed: every
 * read and plan then costs tens of entries, not a scan of the whole domain. remove() deletes the
 * OU and its users, so the seeded figures other files read stay as seeded.
 */
import { type TestUser, addUsers, createOu, imctlEnv, ldapdeleteTree } from './lab.js';

export interface SmallWorld {
  /** The OU's DN: imctl's base DN in env(). */
  ou: string;
  /** Each user's DN, in the order given. */
  dns: string[];
  /** imctlEnv() with the base DN set to the OU. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** Delete the OU and everything in it. */
  remove(): Promise<void>;
}

/** A user of a small world: a TestUser, or enabled (no password needed) with a last logon `daysAgo`. */
export function worldUser(
  user: TestUser,
  activity: { enabled?: boolean; lastLogonDaysAgo?: number; expired?: boolean } = {},
): TestUser {
  const extra: Record<string, string> = { ...user.extra };
  // 512 a normal account, +2 disabled, +32 no password required (so ldapadd can enable it).
  extra.userAccountControl = String(activity.enabled === false ? 514 + 32 : 512 + 32);
  if (activity.lastLogonDaysAgo !== undefined)
    extra.lastLogonTimestamp = filetime(Date.now() - activity.lastLogonDaysAgo * 86_400_000);
  // 2012-01-01: long expired.
  if (activity.expired) extra.accountExpires = '129698208000000000';
  return { ...user, extra };
}

/** ms since 1970 → FILETIME (100-ns ticks since 1601), as AD stores lastLogonTimestamp. */
export function filetime(ms: number): string {
  return (BigInt(Math.floor(ms)) * 10000n + 116444736000000000n).toString();
}

export async function smallWorld(name: string, users: TestUser[]): Promise<SmallWorld> {
  const ou = await createOu(name);
  const dns = users.length
    ? await addUsers(ou, users).catch(async (error: unknown) => {
        await ldapdeleteTree(ou);
        throw error;
      })
    : [];
  return {
    ou,
    dns,
    env: (extra = {}) => imctlEnv({ IMCTL_BASE_DN: ou, ...extra }),
    async remove() {
      const result = await ldapdeleteTree(ou);
      if (result.code !== 0) throw new Error(`cannot delete ${ou}: ${result.stderr}`);
    },
  };
}
