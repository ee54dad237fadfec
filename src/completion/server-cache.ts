/**
 * The home server names shell completion offers, cached in the platform's cache folder
 * (servers.json; $XDG_CACHE_HOME/imctl on Linux) by every `imctl servers`, so that a Tab never
 * opens an LDAP connection. The file holds one name per line (JSON.stringify with an indent), so
 * the completion scripts can read it with the shell's own tools, without starting imctl.
 *
 * The names come from the directory, which anyone who administers the Exchange configuration can
 * write: a name is data that ends up on a shell's command line. So only names made of letters,
 * digits, `.`, `_` and `-` are kept (every real IM server name is), the scripts check each line
 * against the same pattern before offering it, and the file is private (0600, written by rename).
 */
import { closeSync, constants, fchmodSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir, type PlatformHome } from '../platform/paths.js';

interface ServerCache {
  writtenAt: string;
  servers: string[];
}

/** A name a shell may be offered: no quoting, expansion, globbing or option syntax can hide in it. */
export const COMPLETABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The same pattern as the shells' regular expressions spell it (POSIX ERE, .NET and PCRE agree on it). */
export const COMPLETABLE_NAME_SOURCE = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}';

export function serverCachePath(home: PlatformHome): string {
  return join(cacheDir(home), 'servers.json');
}

/**
 * Remember the names that are safe to offer; return the ones left out so the caller can say so.
 * A cache that cannot be written must never fail the command that feeds it.
 */
export function rememberServerNames(names: string[], home: PlatformHome): string[] {
  const unique = [...new Set(names)].sort();
  const refused = unique.filter((n) => !COMPLETABLE_NAME.test(n));
  const path = serverCachePath(home);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const cache: ServerCache = {
      writtenAt: new Date().toISOString(),
      servers: unique.filter((n) => COMPLETABLE_NAME.test(n)),
    };
    // O_EXCL: a planted file or symlink at the temporary name is never followed or reused.
    const fd = openSync(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
      0o600,
    );
    try {
      writeSync(fd, `${JSON.stringify(cache, null, 2)}\n`);
      // A umask cannot widen it, but be explicit on platforms that ignore the mode; on the descriptor,
      // not the name, which someone who can write the folder could swap for a link meanwhile.
      fchmodSync(fd, 0o600);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path); // replaces a planted symlink itself, never its target
  } catch {
    // A read-only home or a full disk: completion then offers the names it had, or none.
    rmSync(temporary, { force: true });
  }
  return refused;
}
