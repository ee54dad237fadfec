/**
 * Where the Kerberos ticket cache is, the way MIT krb5 finds it: KRB5CCNAME, else
 * /tmp/krb5cc_<uid>. Used only to choose the default sign-in (Kerberos when a cache exists and no
 * bind account is configured); the GSS library itself reads the cache.
 */
import { existsSync } from 'node:fs';

/** The cache file's path, or undefined for a cache that is not a file (KEYRING:, KCM:, MEMORY:, DIR:). */
export function ticketCachePath(env: NodeJS.ProcessEnv, uid = process.getuid?.()): string | undefined {
  const name = env.KRB5CCNAME;
  if (name && name.length > 0) {
    if (name.startsWith('FILE:')) return name.slice('FILE:'.length);
    return /^[A-Z]+:/.test(name) ? undefined : name;
  }
  return uid === undefined ? undefined : `/tmp/krb5cc_${uid}`;
}

/** True if a ticket cache exists: a cache file that is there, or a non-file cache named by KRB5CCNAME. */
export function ticketCacheExists(env: NodeJS.ProcessEnv, uid = process.getuid?.()): boolean {
  const name = env.KRB5CCNAME;
  if (name && /^(KEYRING|KCM|DIR|MEMORY|API):/.test(name)) return true;
  const path = ticketCachePath(env, uid);
  return path !== undefined && existsSync(path);
}
