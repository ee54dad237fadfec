/**
 * Where imctl keeps its files on each platform, as pure functions of (platform, environment, home
 * folder) so every platform's rules are testable on any machine:
 *
 * | folder | Linux and other Unix (XDG) | Windows | macOS |
 * |---|---|---|---|
 * | config | $XDG_CONFIG_HOME/imctl (~/.config/imctl) | %APPDATA%\imctl | ~/Library/Application Support/imctl |
 * | state (journals) | $XDG_STATE_HOME/imctl (~/.local/state/imctl) | %LOCALAPPDATA%\imctl | ~/Library/Application Support/imctl |
 * | cache | $XDG_CACHE_HOME/imctl (~/.cache/imctl) | %LOCALAPPDATA%\imctl\cache | ~/Library/Caches/imctl |
 *
 * Config roams with a Windows profile (%APPDATA%); journals and the cache stay on the machine
 * (%LOCALAPPDATA%): a journal names the DC it was written against.
 */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export interface PlatformHome {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homedir: string;
}

const APP = 'imctl';

/** This process's platform, environment and home folder. */
export function hostHome(env: NodeJS.ProcessEnv = process.env): PlatformHome {
  return { platform: process.platform, env, homedir: homedir() };
}

/** Windows environment names are case-insensitive (`AppData` is `APPDATA`); a plain object is not. */
function variable(home: PlatformHome, name: string): string | undefined {
  if (home.platform !== 'win32') return home.env[name];
  const key = Object.keys(home.env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : home.env[key];
}

/** The XDG base directory from `name`, else `fallback` under home; the spec says a relative value is to be ignored. */
function xdg(home: PlatformHome, name: string, ...fallback: string[]): string {
  const value = variable(home, name);
  return value && posix.isAbsolute(value) ? posix.join(value, APP) : posix.join(home.homedir, ...fallback, APP);
}

/** %APPDATA% (roaming) or %LOCALAPPDATA%, with the profile's default folder when unset. */
function windows(home: PlatformHome, local: boolean): string {
  const value = variable(home, local ? 'LOCALAPPDATA' : 'APPDATA');
  const base =
    value && win32.isAbsolute(value) ? value : win32.join(home.homedir, 'AppData', local ? 'Local' : 'Roaming');
  return win32.join(base, APP);
}

const macSupport = (home: PlatformHome) => posix.join(home.homedir, 'Library', 'Application Support', APP);

/** The folder of imctl's user config file (config.json). */
export function configDir(home: PlatformHome): string {
  if (home.platform === 'win32') return windows(home, false);
  if (home.platform === 'darwin') return macSupport(home);
  return xdg(home, 'XDG_CONFIG_HOME', '.config');
}

/** The folder of what imctl records about past runs (journal/). */
export function stateDir(home: PlatformHome): string {
  if (home.platform === 'win32') return windows(home, true);
  if (home.platform === 'darwin') return macSupport(home);
  return xdg(home, 'XDG_STATE_HOME', '.local', 'state');
}

/** The folder of what imctl can always rebuild (the server names shell completion offers). */
export function cacheDir(home: PlatformHome): string {
  if (home.platform === 'win32') return win32.join(windows(home, true), 'cache');
  if (home.platform === 'darwin') return posix.join(home.homedir, 'Library', 'Caches', APP);
  return xdg(home, 'XDG_CACHE_HOME', '.cache');
}
