import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfigFile } from '../../src/config/config-discovery.js';
import { parseConfigFile } from '../../src/config/config-file.js';
import { capacityFor } from '../../src/config/server-capacity.js';
import { loadSettings, type GlobalFlags } from '../../src/config/settings.js';
import { DEFAULT_CAPACITY, DEFAULT_CONCURRENCY } from '../../src/core/limits.js';
import { usageError } from '../support/usage-error.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-settings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh empty folder under the test root. */
function freshDir(name = 'd'): string {
  const dir = join(root, `${name}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeJson(path: string, data: unknown): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

/**
 * A cwd and an env whose XDG_CONFIG_HOME is a fresh folder (the real ~/.config is never read),
 * with `config` as the user's own config file ($XDG_CONFIG_HOME/imctl/config.json), or with
 * `where: 'project'` as ./imctl.json in the cwd (a file the user did not necessarily write).
 */
function scene(
  config?: unknown,
  env: NodeJS.ProcessEnv = {},
  where: 'user' | 'project' = 'user',
): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = freshDir('cwd');
  const xdg = freshDir('xdg');
  if (config !== undefined)
    writeJson(where === 'user' ? join(xdg, 'imctl', 'config.json') : join(cwd, 'imctl.json'), config);
  return { cwd, env: { XDG_CONFIG_HOME: xdg, ...env } };
}

function load(flags: GlobalFlags, config?: unknown, env: NodeJS.ProcessEnv = {}) {
  const s = scene(config, env);
  return loadSettings(flags, s.env, s.cwd);
}

describe('defaults', () => {
  it('with no flags, env or config file', () => {
    const s = load({});
    expect(s).toMatchObject({
      urls: [],
      domain: undefined,
      bindDn: undefined,
      passwordFile: undefined,
      passwordFromEnv: false,
      startTls: false,
      caFile: undefined,
      insecureTls: false,
      allowCleartext: false,
      baseDn: undefined,
      imDomain: undefined,
      capacity: DEFAULT_CAPACITY,
      serverCapacity: {},
      concurrency: DEFAULT_CONCURRENCY,
      timeoutMs: 30_000,
      json: false,
      color: true,
      verbose: false,
      configFile: undefined,
    });
    expect(DEFAULT_CAPACITY).toBe(7500);
    expect(s.sources).toMatchObject({
      urls: 'default',
      domain: 'default',
      capacity: 'default',
      concurrency: 'default',
      startTls: 'default',
      imDomain: 'default',
    });
  });
});

describe('precedence: flags > env > config file > defaults', () => {
  const config = {
    url: 'ldaps://c.corp.example',
    domain: 'c.example',
    bindDn: 'c@corp.example',
    baseDn: 'DC=c',
    imDomain: 'IM.C.Example',
    dnsServer: '10.0.0.3',
    startTls: true,
    capacity: 300,
    concurrency: 3,
    timeout: 3,
  };
  const env = {
    IMCTL_URL: 'ldaps://e.corp.example',
    IMCTL_DOMAIN: 'e.example',
    IMCTL_BIND_DN: 'e@corp.example',
    IMCTL_BASE_DN: 'DC=e',
    IMCTL_IM_DOMAIN: 'IM.E.Example',
    IMCTL_DNS_SERVER: '10.0.0.2',
    IMCTL_STARTTLS: '0',
  };
  const flags: GlobalFlags = {
    url: 'ldaps://f.corp.example',
    domain: 'f.example',
    bindDn: 'f@corp.example',
    baseDn: 'DC=f',
    imDomain: 'IM.F.Example',
    dnsServer: ['10.0.0.1'],
    starttls: true,
    capacity: 100,
    concurrency: 1,
    timeout: 1,
  };

  it.each([
    { key: 'urls', f: ['ldaps://f.corp.example'], e: ['ldaps://e.corp.example'], c: ['ldaps://c.corp.example'], d: [] },
    { key: 'domain', f: 'f.example', e: 'e.example', c: 'c.example', d: undefined },
    { key: 'bindDn', f: 'f@corp.example', e: 'e@corp.example', c: 'c@corp.example', d: undefined },
    { key: 'baseDn', f: 'DC=f', e: 'DC=e', c: 'DC=c', d: undefined },
    { key: 'imDomain', f: 'im.f.example', e: 'im.e.example', c: 'im.c.example', d: undefined },
    { key: 'dnsServer', f: ['10.0.0.1'], e: ['10.0.0.2'], c: ['10.0.0.3'], d: undefined },
    { key: 'startTls', f: true, e: false, c: true, d: false },
  ] as const)('$key: flag $f, env $e, config $c, default $d', ({ key, f, e, c, d }) => {
    const all = load(flags, config, env);
    expect([all[key], all.sources[key]]).toEqual([f, 'flag']);
    const envAndFile = load({}, config, env);
    expect([envAndFile[key], envAndFile.sources[key]]).toEqual([e, 'env']);
    const fileOnly = load({}, config);
    expect([fileOnly[key], fileOnly.sources[key]]).toEqual([c, 'config']);
    const none = load({});
    expect([none[key], none.sources[key]]).toEqual([d, 'default']);
  });

  it.each([
    { key: 'capacity', f: 100, c: 300, d: 7500 },
    { key: 'concurrency', f: 1, c: 3, d: 16 },
    { key: 'timeoutMs', f: 1000, c: 3000, d: 30_000 }, // seconds on the flag and in the file
  ] as const)('$key (no env variable): flag $f, config $c, default $d', ({ key, f, c, d }) => {
    const all = load(flags, config, env);
    expect([all[key], all.sources[key]]).toEqual([f, 'flag']);
    const fileOnly = load({}, config, env);
    expect([fileOnly[key], fileOnly.sources[key]]).toEqual([c, 'config']);
    const none = load({}, undefined, env);
    expect([none[key], none.sources[key]]).toEqual([d, 'default']);
  });

  it.each([
    { value: '1', startTls: true },
    { value: 'yes', startTls: true },
    { value: 'TRUE', startTls: true },
    { value: '0', startTls: false },
    { value: 'false', startTls: false },
    { value: 'No', startTls: false },
    { value: 'off', startTls: false },
  ])('IMCTL_STARTTLS=$value → $startTls, over the config file', ({ value, startTls }) => {
    const s = load({}, { startTls: !startTls }, { IMCTL_STARTTLS: value });
    expect(s.startTls).toBe(startTls);
    expect(s.sources.startTls).toBe('env');
  });

  it('an empty environment variable counts as unset', () => {
    const s = load({}, config, { IMCTL_DOMAIN: '', IMCTL_URL: '', IMCTL_STARTTLS: '' });
    expect([s.domain, s.sources.domain]).toEqual(['c.example', 'config']);
    expect([s.urls, s.sources.urls]).toEqual([['ldaps://c.corp.example'], 'config']);
    expect([s.startTls, s.sources.startTls]).toEqual([true, 'config']);
  });

  it('allowCleartext comes from the flag or the config file', () => {
    expect(load({ allowCleartext: true }, { allowCleartext: false })).toMatchObject({
      allowCleartext: true,
      sources: { allowCleartext: 'flag' },
    });
    expect(load({}, { allowCleartext: true })).toMatchObject({
      allowCleartext: true,
      sources: { allowCleartext: 'config' },
    });
  });

  it('the password source follows the same order as every setting: flag, environment, config file, prompt', () => {
    const both = load(
      { passwordFile: '/run/pw' },
      { passwordFile: 'conf-pw' },
      { IMCTL_PASSWORD: 'env-pw', IMCTL_PASSWORD_FILE: '/env/pw' },
    );
    expect([both.passwordFromEnv, both.passwordFile, both.sources.password]).toEqual([false, '/run/pw', 'flag']);
    const env = load({}, { passwordFile: 'conf-pw' }, { IMCTL_PASSWORD: 'env-pw', IMCTL_PASSWORD_FILE: '/env/pw' });
    expect([env.passwordFromEnv, env.passwordFile, env.sources.password]).toEqual([true, undefined, 'env']);
    const envFile = load({}, { passwordFile: '/conf/pw' }, { IMCTL_PASSWORD_FILE: '/env/pw' });
    expect([envFile.passwordFromEnv, envFile.passwordFile, envFile.sources.password]).toEqual([
      false,
      '/env/pw',
      'env',
    ]);
    const none = load({}, undefined, {});
    expect([none.passwordFromEnv, none.passwordFile, none.sources.password]).toEqual([false, undefined, 'default']);
  });

  it('records the password source but never a password', () => {
    const s = load({}, undefined, { IMCTL_PASSWORD: 'S3cret!pw' });
    expect(s.passwordFromEnv).toBe(true);
    expect(JSON.stringify(s)).not.toContain('S3cret!pw');
    expect(load({}, undefined, { IMCTL_PASSWORD: '' }).passwordFromEnv).toBe(false);
  });

  it.each([
    { flags: { capacity: -1 }, text: '--capacity' },
    { flags: { capacity: 1.5 }, text: '--capacity' },
    { flags: { concurrency: 257 }, text: '--concurrency must be a whole number from 1 to 256' },
    { flags: { concurrency: -2 }, text: '--concurrency' },
  ])('rejects flags $flags', ({ flags: bad, text }) => {
    expect(usageError(() => load(bad)).message).toContain(text);
  });

  // The registry's bounds hold everywhere: what the flag's parser refuses, the config file's check refuses too.
  it.each([
    { config: { concurrency: 0 }, text: '"concurrency" must be a whole number from 1 to 256' },
    { config: { timeout: 0 }, text: '"timeout" must be a whole number from 1 to 3600' },
    { config: { timeout: 3601 }, text: '"timeout" must be a whole number from 1 to 3600' },
    { config: { activeDays: 0 }, text: '"activeDays" must be a whole number from 1 to' },
  ])('rejects $config in the config file, as the flag would', ({ config, text }) => {
    expect(usageError(() => load({}, config)).message).toContain(text);
  });

  // "timeoutMs" (milliseconds) was the key until the file took seconds like the flag.
  it('reads an old "timeoutMs" as "timeout" in whole seconds, rounded up, and says to rewrite it', () => {
    const s = load({}, { timeoutMs: 2500 });
    expect([s.timeoutMs, s.sources.timeoutMs]).toEqual([3000, 'config']);
    expect(s.warnings).toEqual([
      expect.stringMatching(
        /^"timeoutMs" in .*config\.json is deprecated: it is read as "timeout": 3 \(in seconds, as --timeout takes it\)\. Write that instead/,
      ),
    ]);
    expect(load({ timeout: 5 }, { timeoutMs: 2500 }).timeoutMs).toBe(5000);
  });

  it('ignores "timeoutMs" beside "timeout", saying so, and refuses one out of range', () => {
    const s = load({}, { timeoutMs: 90_000, timeout: 10 });
    expect(s.timeoutMs).toBe(10_000);
    expect(s.warnings).toEqual([
      expect.stringMatching(/^Ignoring "timeoutMs" in .*: "timeout" \(in seconds\) is set there too/),
    ]);
    for (const bad of [0, 3_600_001, '30000'])
      expect(usageError(() => load({}, { timeoutMs: bad })).message).toMatch(
        /"timeoutMs" must be a whole number from 1 to 3600000 \(better: "timeout", in seconds\)/,
      );
  });

  it('rejects --concurrency 0 and --timeout 0 that reach loadSettings past the parser', () => {
    expect(usageError(() => load({ concurrency: 0 })).message).toContain('--concurrency must be a whole number from 1');
    expect(usageError(() => load({ timeout: 0 })).message).toContain('--timeout must be a whole number from 1');
  });
});

describe('config file discovery', () => {
  it('--config (relative to cwd) wins over ./imctl.json and $XDG_CONFIG_HOME', () => {
    const s = scene({ domain: 'local.example' });
    writeJson(join(s.env.XDG_CONFIG_HOME!, 'imctl', 'config.json'), { domain: 'xdg.example' });
    const explicit = writeJson(join(s.cwd, 'conf', 'other.json'), { domain: 'explicit.example' });
    const settings = loadSettings({ config: 'conf/other.json' }, s.env, s.cwd);
    expect(settings.configFile).toBe(explicit);
    expect(settings.domain).toBe('explicit.example');
  });

  it("./imctl.json is read on top of $XDG_CONFIG_HOME/imctl/config.json: its plain keys win, the user's file still counts", () => {
    const s = scene({ concurrency: 3, timeout: 9 }, {}, 'project');
    writeJson(join(s.env.XDG_CONFIG_HOME!, 'imctl', 'config.json'), {
      domain: 'xdg.example',
      concurrency: 5,
    });
    const settings = loadSettings({}, s.env, s.cwd);
    expect(settings.configFile).toBe(join(s.cwd, 'imctl.json'));
    expect(settings.configFiles.map((f) => f.trust)).toEqual(['user', 'project']);
    expect([settings.domain, settings.concurrency, settings.timeoutMs]).toEqual(['xdg.example', 3, 9000]);
    expect(settings.warnings).toEqual([]);
  });

  it('$XDG_CONFIG_HOME/imctl/config.json is used when there is no ./imctl.json', () => {
    const s = scene();
    const xdgFile = writeJson(join(s.env.XDG_CONFIG_HOME!, 'imctl', 'config.json'), { domain: 'xdg.example' });
    const settings = loadSettings({}, s.env, s.cwd);
    expect(settings.configFile).toBe(xdgFile);
    expect([settings.domain, settings.sources.domain]).toEqual(['xdg.example', 'config']);
    expect(findConfigFile(undefined, s.env, s.cwd)).toBe(xdgFile);
  });

  it('no file anywhere → no config file', () => {
    const s = scene();
    expect(findConfigFile(undefined, s.env, s.cwd)).toBeUndefined();
  });

  it('a --config that does not exist is a usage error naming the resolved path', () => {
    const s = scene({ domain: 'local.example' });
    const error = usageError(() => loadSettings({ config: 'missing.json' }, s.env, s.cwd));
    expect(error.message).toContain(join(s.cwd, 'missing.json'));
    expect(error.reason).toBe('config');
  });

  it('a config path that is a folder cannot be read: usage error naming it', () => {
    const s = scene();
    const dir = freshDir('folder');
    const error = usageError(() => loadSettings({ config: dir }, s.env, s.cwd));
    expect(error.message).toContain(dir);
    expect(error.reason).toBe('config');
  });
});

describe('relative paths', () => {
  it("in the config file resolve against the file's folder, not cwd", () => {
    const s = scene();
    const confDir = join(s.cwd, 'etc', 'imctl');
    writeJson(join(confDir, 'imctl.json'), { passwordFile: 'secret.txt', caFile: '../pki/root.pem' });
    const settings = loadSettings({ config: 'etc/imctl/imctl.json' }, s.env, s.cwd);
    expect(settings.passwordFile).toBe(join(confDir, 'secret.txt'));
    expect(settings.caFile).toBe(join(s.cwd, 'etc', 'pki', 'root.pem'));
    expect(settings.sources).toMatchObject({ passwordFile: 'config', caFile: 'config' });
  });

  it('in the XDG config resolve against that folder', () => {
    const s = scene();
    const xdgFile = writeJson(join(s.env.XDG_CONFIG_HOME!, 'imctl', 'config.json'), { caFile: 'ca.pem' });
    expect(loadSettings({}, s.env, s.cwd).caFile).toBe(join(xdgFile, '..', 'ca.pem'));
  });

  it('absolute paths in the config file are kept', () => {
    expect(load({}, { caFile: '/etc/ssl/corp-ca.pem' }).caFile).toBe('/etc/ssl/corp-ca.pem');
  });

  it('from flags and environment resolve against cwd', () => {
    const s = scene();
    expect(loadSettings({ passwordFile: 'pw.txt', caFile: 'ca.pem' }, s.env, s.cwd)).toMatchObject({
      passwordFile: join(s.cwd, 'pw.txt'),
      caFile: join(s.cwd, 'ca.pem'),
    });
    expect(loadSettings({}, { ...s.env, IMCTL_PASSWORD_FILE: 'pw.txt', IMCTL_CA_FILE: 'ca.pem' }, s.cwd)).toMatchObject(
      {
        passwordFile: join(s.cwd, 'pw.txt'),
        caFile: join(s.cwd, 'ca.pem'),
        sources: { passwordFile: 'env', caFile: 'env' },
      },
    );
  });
});

describe('garbage config files', () => {
  it.each([
    { name: 'invalid JSON', text: '{ "url": ', says: 'is not valid JSON' },
    { name: 'an empty file', text: '', says: 'is not valid JSON' },
    { name: 'an array', text: '[]', says: 'must hold a JSON object' },
    { name: 'null', text: 'null', says: 'must hold a JSON object' },
    { name: 'a string', text: '"ldaps://dc1"', says: 'must hold a JSON object' },
    { name: 'an unknown key', text: '{"urll": "ldaps://dc1"}', says: 'unknown key "urll"' },
    { name: 'capacity as a string', text: '{"capacity": "7500"}', says: '"capacity" must be a whole number' },
    { name: 'a fractional capacity', text: '{"capacity": 1.5}', says: '"capacity" must be a whole number' },
    { name: 'a negative concurrency', text: '{"concurrency": -1}', says: '"concurrency" must be a whole number' },
    { name: 'startTls as a string', text: '{"startTls": "yes"}', says: '"startTls" must be true or false' },
    { name: 'an empty domain', text: '{"domain": ""}', says: '"domain" must be a non-empty string' },
    { name: 'a numeric bindDn', text: '{"bindDn": 5}', says: '"bindDn" must be a non-empty string' },
    { name: 'url as a number', text: '{"url": 5}', says: '"url" must be a URL or a list of URLs' },
    {
      name: 'url list with a number',
      text: '{"url": ["ldaps://a", 5]}',
      says: '"url" must be a URL or a list of URLs',
    },
    { name: 'servers as an array', text: '{"servers": []}', says: '"servers" must be an object of server names' },
    { name: 'servers as a string', text: '{"servers": "IM1"}', says: '"servers" must be an object of server names' },
    { name: 'a server entry that is a number', text: '{"servers": {"IM1": 5}}', says: 'bad entry "IM1"' },
    { name: 'a server entry that is null', text: '{"servers": {"IM1": null}}', says: 'bad entry "IM1"' },
    {
      name: 'a server capacity as a string',
      text: '{"servers": {"IM1": {"capacity": "10"}}}',
      says: 'bad entry "IM1"',
    },
    { name: 'a negative server capacity', text: '{"servers": {"IM2": {"capacity": -5}}}', says: 'bad entry "IM2"' },
    { name: 'a fractional server capacity', text: '{"servers": {"IM1": {"capacity": 2.5}}}', says: 'bad entry "IM1"' },
  ])('$name → UsageError with the file path', ({ text, says }) => {
    const s = scene(text, {}, 'project');
    const path = join(s.cwd, 'imctl.json');
    const error = usageError(() => loadSettings({}, s.env, s.cwd));
    expect(error.message).toContain(path);
    expect(error.message).toContain(says);
    expect(error.reason).toBe('config');
  });

  it('parseConfigFile accepts a complete, valid file', () => {
    const data = {
      url: ['ldaps://dc1.corp.example.com'],
      domain: 'corp.example.com',
      dnsServer: '10.0.0.53',
      bindDn: 'CORP\\imadmin',
      passwordFile: 'pw',
      startTls: false,
      caFile: 'ca.pem',
      allowCleartext: false,
      baseDn: 'DC=corp,DC=example,DC=com',
      imDomain: 'im.corp.example.com',
      capacity: 7500,
      concurrency: 8,
      timeout: 10,
      servers: { IM1: { capacity: 5000 } },
    };
    expect(parseConfigFile('/x/imctl.json', JSON.stringify(data))).toEqual(data);
  });

  it.each([
    ['a typo in a server entry', { servers: { IM1: { capcity: 10 } } }],
    ['an empty server entry', { servers: { IM2: {} } }],
    ['an array as a server entry', { servers: { IM1: [] } }],
  ])('refuses %s rather than silently using the global capacity', (_what, data) => {
    expect(() => parseConfigFile('/x/imctl.json', JSON.stringify(data))).toThrow(/servers/);
  });

  it('reads a config file saved with a UTF-8 BOM', () => {
    expect(parseConfigFile('/x/imctl.json', '\uFEFF{"capacity": 10}')).toEqual({ capacity: 10 });
  });
});

describe('colour', () => {
  it.each([
    { flags: {}, env: {}, color: true },
    { flags: {}, env: { NO_COLOR: '1' }, color: false },
    { flags: {}, env: { NO_COLOR: 'anything' }, color: false },
    { flags: {}, env: { NO_COLOR: '' }, color: true },
    { flags: { color: false }, env: {}, color: false },
    { flags: { color: true }, env: {}, color: true },
    { flags: { color: true }, env: { NO_COLOR: '1' }, color: false },
  ])('flags $flags, env $env → colour $color', ({ flags, env, color }) => {
    expect(load(flags, undefined, env).color).toBe(color);
  });
});

describe('URL lists', () => {
  it.each([
    {
      from: 'flag',
      flags: { url: 'ldaps://dc1.corp.example.com, ldaps://dc2.corp.example.com' },
      config: undefined,
      env: {},
      urls: ['ldaps://dc1.corp.example.com', 'ldaps://dc2.corp.example.com'],
    },
    {
      from: 'flag',
      flags: { url: 'ldaps://dc1,,ldap://dc2:389,' },
      config: undefined,
      env: {},
      urls: ['ldaps://dc1', 'ldap://dc2:389'],
    },
    {
      from: 'env',
      flags: {},
      config: undefined,
      env: { IMCTL_URL: 'ldaps://dc1 ,ldaps://dc2' },
      urls: ['ldaps://dc1', 'ldaps://dc2'],
    },
    {
      from: 'config',
      flags: {},
      config: { url: [' ldaps://dc1 ', 'ldap://dc2'] },
      env: {},
      urls: ['ldaps://dc1', 'ldap://dc2'],
    },
    {
      from: 'config',
      flags: {},
      config: { url: 'ldaps://dc1,ldaps://dc2' },
      env: {},
      urls: ['ldaps://dc1', 'ldaps://dc2'],
    },
    {
      from: 'flag',
      flags: { url: 'LDAPS://DC1.corp.example.com:636' },
      config: undefined,
      env: {},
      urls: ['LDAPS://DC1.corp.example.com:636'],
    },
    { from: 'flag', flags: { url: 'ldap://[::1]:389' }, config: undefined, env: {}, urls: ['ldap://[::1]:389'] },
  ])('$urls from the $from', ({ from, flags, config, env, urls }) => {
    const s = load(flags, config, env);
    expect(s.urls).toEqual(urls);
    expect(s.sources.urls).toBe(from);
  });

  it.each([
    { flags: { url: 'http://dc1.corp.example.com' }, env: {}, bad: 'http://dc1.corp.example.com' },
    { flags: { url: 'ldaps://dc1,https://dc2' }, env: {}, bad: 'https://dc2' },
    { flags: { url: 'dc1.corp.example.com' }, env: {}, bad: 'dc1.corp.example.com' },
    { flags: {}, env: { IMCTL_URL: 'ftp://dc1' }, bad: 'ftp://dc1' },
  ])('rejects $bad with a usage error saying what to use', ({ flags, env, bad }) => {
    const error = usageError(() => load(flags, undefined, env));
    expect(error.reason).toBe('url');
    expect(error.message).toContain(`"${bad}"`);
    expect(error.message).toContain('ldaps://');
  });
});

describe('capacityFor', () => {
  const config = { capacity: 5000, servers: { IM1: { capacity: 1000 }, Tiny: { capacity: 0 } } };

  it('keys per-server capacities by lower-cased name', () => {
    expect(load({}, config).serverCapacity).toEqual({ im1: 1000, tiny: 0 });
  });

  it.each([
    { names: ['IM1'], capacity: 1000 },
    { names: ['im1'], capacity: 1000 },
    { names: ['IM2'], capacity: 5000 },
    { names: ['IM Virtual Server', 'im1.corp.example.com', 'IM1'], capacity: 1000 },
    { names: ['TINY'], capacity: 0 },
    { names: [], capacity: 5000 },
  ])('from the config file: $names → $capacity', ({ names, capacity }) => {
    expect(capacityFor(load({}, config), names)).toBe(capacity);
  });

  it.each([{ names: ['IM1'] }, { names: ['IM2'] }, { names: ['tiny'] }, { names: [] }])(
    '--capacity wins for every server: $names',
    ({ names }) => {
      expect(capacityFor(load({ capacity: 250 }, config), names)).toBe(250);
    },
  );

  it('per-server capacity over the default when the file sets no global capacity', () => {
    const s = load({}, { servers: { IM1: { capacity: 900 } } });
    expect(capacityFor(s, ['IM1'])).toBe(900);
    expect(capacityFor(s, ['IM2'])).toBe(7500);
  });
});

describe('home-relative paths in the config file', () => {
  it('expands ~/ in passwordFile and caFile to the home directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imctl-cfg-'));
    writeFileSync(join(dir, 'imctl.json'), JSON.stringify({ passwordFile: '~/.imctl-password', caFile: 'ca.pem' }));
    const settings = loadSettings({ config: join(dir, 'imctl.json') }, { XDG_CONFIG_HOME: join(dir, 'none') }, dir);
    expect(settings.passwordFile).toBe(join(homedir(), '.imctl-password'));
    expect(settings.caFile).toBe(join(dir, 'ca.pem'));
  });
});
