/**
 * The config files merged under the trust model (docs/security.md, "Config files"): the file named
 * by --config and the user's own may set anything; an imctl.json in the current folder may not set
 * the protected keys unless the user trusts that folder; a file another user owns or can change,
 * or one in a folder they control, is refused (the user's own) or ignored (a project's, trusted
 * or not) — decided on the open file itself (readConfigFile, src/io/owned-file.ts).
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { UnsafeFileError } from '../io/owned-file.js';
import { hostPlatform, type Platform } from '../platform/platform.js';
import type { FoundConfig } from './config-discovery.js';
import { readConfigFile } from './config-file.js';
import { PROTECTED_KEYS, type ConfigFile } from './option-registry.js';

/** A folder as the system names it (Windows: native real path, so 8.3 names and mapped drives compare). */
const canonical = (folder: string, platform: Platform) => {
  try {
    return platform.realpath(folder);
  } catch {
    return resolve(folder);
  }
};

/**
 * The config files merged into one, with what was left out and why. A project file's protected
 * keys count only in a folder the user trusts; a file that another user owns or anyone can
 * change is the user's choice nowhere: the user's own is refused, a project one ignored.
 */
export function mergedConfig(
  found: FoundConfig[],
  cwd: string,
  platform = hostPlatform(),
): { file: ConfigFile; files: FoundConfig[]; warnings: string[] } {
  const warnings: string[] = [];
  const files: FoundConfig[] = [];
  let file: ConfigFile = {};
  for (const config of found) {
    let contents: ConfigFile;
    try {
      contents = readConfigFile(config.path, config.trust, platform, warnings);
    } catch (error) {
      if (!(error instanceof UnsafeFileError)) throw error;
      if (config.trust === 'user')
        throw new UsageError(
          `Refusing the config file ${config.path}: ${error.message}. Make it and its folders yours and not writable by others (chmod go-w; on Windows, no write access for Users or Everyone).`,
          'config',
        );
      warnings.push(`Ignoring ${config.path}: ${error.message}. Give it with --config if you mean to use it.`);
      continue;
    }
    let trust = config.trust;
    if (trust === 'project') {
      const here = canonical(cwd, platform);
      if ((file.trustedFolders ?? []).some((folder) => platform.samePath(canonical(folder, platform), here)))
        trust = 'trusted-project';
    }
    if (trust === 'project') {
      const dropped = PROTECTED_KEYS.filter((key) => contents[key] !== undefined);
      for (const key of dropped) delete contents[key];
      if (dropped.length > 0) {
        warnings.push(
          `Ignoring ${dropped.map((k) => `"${k}"`).join(', ')} in ${config.path}: a config file in the current folder may not choose where your credentials go, how the connection is protected, or what is written where. ` +
            `If this folder is yours, list it in "trustedFolders" in your own config file, or pass --config ${config.path}.`,
        );
      }
    }
    // Own keys only ever come from the user's file: a project cannot trust itself or others.
    if (trust !== 'user' && trust !== 'explicit') delete contents.trustedFolders;
    file = { ...file, ...contents, servers: { ...file.servers, ...contents.servers } };
    files.push({ path: config.path, trust });
  }
  if (Object.keys(file.servers ?? {}).length === 0) delete file.servers;
  return { file, files, warnings };
}
