/**
 * The home server names shell completion offers, cached in the platform's cache folder
 * (servers.json; $XDG_CACHE_HOME/imctl on Linux) by every `imctl servers`, so that a Tab never
 * opens an LDAP connection. The file holds one name per line (JSON.stringify with an indent), so
 * the completion scripts can read it with the shell's own tools, without starting imctl.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, type PlatformHome } from '../platform/paths.js';

interface ServerCache {
  writtenAt: string;
  servers: string[];
}

export function serverCachePath(home: PlatformHome): string {
  return join(cacheDir(home), 'servers.json');
}

/** Remember the names; a cache that cannot be written must never fail the command that feeds it. */
export function rememberServerNames(names: string[], home: PlatformHome): void {
  try {
    const path = serverCachePath(home);
    mkdirSync(join(path, '..'), { recursive: true });
    const cache: ServerCache = { writtenAt: new Date().toISOString(), servers: [...new Set(names)].sort() };
    writeFileSync(path, `${JSON.stringify(cache, null, 2)}\n`);
  } catch {
    // A read-only home or a full disk: completion then offers the names it had, or none.
  }
}
