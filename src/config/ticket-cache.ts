/**
 * Whether the user has Kerberos tickets, to choose the default sign-in (Kerberos when tickets
 * exist and no bind account is configured); the GSS library itself finds and reads them.
 * - MIT krb5 (Linux): KRB5CCNAME, else the file /tmp/krb5cc_<uid>.
 * - macOS (Heimdal): KRB5CCNAME, else the default cache is `API:` (or KCM:), in no file to look
 *   at: `klist -s` says whether it holds tickets.
 * - Windows: tickets live in the LSA of the logon session, not in a cache; a domain logon is the
 *   sign (USERDNSDOMAIN, which Windows sets for a domain account only).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The cache file's path, or undefined for a cache that is not a file (KEYRING:, KCM:, MEMORY:, DIR:, API:). */
export function ticketCachePath(env: NodeJS.ProcessEnv, uid = process.getuid?.()): string | undefined {
  const name = env.KRB5CCNAME;
  if (name && name.length > 0) {
    if (name.startsWith('FILE:')) return name.slice('FILE:'.length);
    return /^[A-Z]+:/.test(name) ? undefined : name;
  }
  return uid === undefined ? undefined : `/tmp/krb5cc_${uid}`;
}

/** True if the user has tickets: a cache file that is there, a non-file cache named by KRB5CCNAME, macOS's default cache with tickets, a Windows domain logon. */
export function ticketCacheExists(
  env: NodeJS.ProcessEnv,
  uid = process.getuid?.(),
  os: NodeJS.Platform = process.platform,
  klistFindsTickets = klistTest,
): boolean {
  if (os === 'win32') return Boolean(windowsVariable(env, 'USERDNSDOMAIN'));
  const name = env.KRB5CCNAME;
  if (name && /^(KEYRING|KCM|DIR|MEMORY|API):/.test(name)) return true;
  if (os === 'darwin' && !name) return klistFindsTickets();
  const path = ticketCachePath(env, uid);
  return path !== undefined && existsSync(path);
}

/** Windows variable names are case-insensitive (`UserDnsDomain`); an environment copied into an object is not. */
function windowsVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

/** `klist -s`: exit 0 when the default cache holds valid tickets (Heimdal and MIT alike); false if klist is missing. */
function klistTest(): boolean {
  const { spawnSync } = createRequire(process.execPath)('node:child_process') as typeof import('node:child_process');
  return spawnSync('klist', ['-s'], { stdio: 'ignore', timeout: 5000 }).status === 0;
}
