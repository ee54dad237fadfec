/** Which config files imctl reads, and how far each is trusted by where it was found. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { configDir, hostHome } from '../platform/paths.js';

/**
 * 'explicit': named by --config; 'user': the user's own config.json; 'project': an imctl.json in the
 * current folder; 'trusted-project': one in a folder the user's file lists in "trustedFolders".
 */
export type ConfigTrust = 'explicit' | 'user' | 'project' | 'trusted-project';

export interface FoundConfig {
  path: string;
  trust: ConfigTrust;
}

/**
 * The config files to read, least specific first: `--config FILE` alone; else the user's
 * config.json (platform config folder; $XDG_CONFIG_HOME/imctl on Linux) and then ./imctl.json.
 */
export function findConfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): FoundConfig[] {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new UsageError(`The config file ${path} does not exist.`, 'config');
    return [{ path, trust: 'explicit' }];
  }
  const found: FoundConfig[] = [];
  const user = join(configDir(hostHome(env)), 'config.json'); // platform rules: src/platform/paths.ts
  if (existsSync(user)) found.push({ path: user, trust: 'user' });
  const local = join(cwd, 'imctl.json');
  if (existsSync(local) && local !== user) found.push({ path: local, trust: 'project' });
  return found;
}

/** The most specific config file (what `-v` calls "config file"), for callers that need one. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  return findConfigFiles(explicit, env, cwd).at(-1)?.path;
}
