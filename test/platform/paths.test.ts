import { describe, expect, it } from 'vitest';
import { cacheDir, configDir, stateDir, type PlatformHome } from '../../src/platform/paths.js';

const linux = (env: NodeJS.ProcessEnv = {}): PlatformHome => ({ platform: 'linux', env, homedir: '/home/ann' });
const windows = (env: NodeJS.ProcessEnv = {}): PlatformHome => ({ platform: 'win32', env, homedir: 'C:\\Users\\ann' });
const mac = (env: NodeJS.ProcessEnv = {}): PlatformHome => ({ platform: 'darwin', env, homedir: '/Users/ann' });

describe('platform paths: Linux and other Unix follow the XDG base directories', () => {
  it.each([
    ['config', configDir, '/home/ann/.config/imctl'],
    ['state', stateDir, '/home/ann/.local/state/imctl'],
    ['cache', cacheDir, '/home/ann/.cache/imctl'],
  ])('%s defaults under the home folder', (_, dir, expected) => expect(dir(linux())).toBe(expected));

  it('honours XDG_CONFIG_HOME, XDG_STATE_HOME and XDG_CACHE_HOME', () => {
    const home = linux({ XDG_CONFIG_HOME: '/cfg', XDG_STATE_HOME: '/st', XDG_CACHE_HOME: '/ca' });
    expect([configDir(home), stateDir(home), cacheDir(home)]).toEqual(['/cfg/imctl', '/st/imctl', '/ca/imctl']);
  });

  it('ignores empty and relative XDG values, as the specification says', () => {
    expect(configDir(linux({ XDG_CONFIG_HOME: '' }))).toBe('/home/ann/.config/imctl');
    expect(stateDir(linux({ XDG_STATE_HOME: 'state' }))).toBe('/home/ann/.local/state/imctl');
  });

  it('applies the same rules on the BSDs', () => {
    expect(cacheDir({ platform: 'freebsd', env: {}, homedir: '/home/ann' })).toBe('/home/ann/.cache/imctl');
  });
});

describe('platform paths: Windows uses the profile folders', () => {
  const env = { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming', LOCALAPPDATA: 'D:\\Local' };
  it('config roams in %APPDATA%; journals and cache stay in %LOCALAPPDATA%', () => {
    expect(configDir(windows(env))).toBe('C:\\Users\\ann\\AppData\\Roaming\\imctl');
    expect(stateDir(windows(env))).toBe('D:\\Local\\imctl');
    expect(cacheDir(windows(env))).toBe('D:\\Local\\imctl\\cache');
  });

  it('reads the variables whatever their case, as Windows does', () => {
    expect(stateDir(windows({ LocalAppData: 'E:\\L' }))).toBe('E:\\L\\imctl');
  });

  it("falls back to the profile's AppData folders when the variables are unset, and ignores XDG", () => {
    const home = windows({ XDG_CONFIG_HOME: '/cfg' });
    expect(configDir(home)).toBe('C:\\Users\\ann\\AppData\\Roaming\\imctl');
    expect(stateDir(home)).toBe('C:\\Users\\ann\\AppData\\Local\\imctl');
  });
});

describe('platform paths: macOS uses ~/Library', () => {
  it('config and journals in Application Support, the cache in Caches; XDG is not consulted', () => {
    const home = mac({ XDG_CACHE_HOME: '/ca' });
    expect(configDir(home)).toBe('/Users/ann/Library/Application Support/imctl');
    expect(stateDir(home)).toBe('/Users/ann/Library/Application Support/imctl');
    expect(cacheDir(home)).toBe('/Users/ann/Library/Caches/imctl');
  });
});
