/**
 * One rule for every setting (src/config/setting-resolution.ts): the value a flag, its environment
 * variable and its config key give is read by the entry's own rule, so each means the same and is
 * refused alike. The flag goes through commander as the CLI parses it; the config file is a real
 * file in the current folder, so a relative path in it means what it means on the command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { addGlobalOptions } from '../../src/cli/global-options.js';
import { OPTIONS, type GlobalFlags, type OptionEntry, type SettingKey } from '../../src/config/option-registry.js';
import { resolveEntry, resolveSetting } from '../../src/config/setting-resolution.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { usageError } from '../support/usage-error.js';

const cwd = mkdtempSync(join(tmpdir(), 'imctl-resolution-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
/** No user config file and no Kerberos ticket cache: only what each test gives counts. */
const QUIET_ENV = { XDG_CONFIG_HOME: join(cwd, 'no-xdg'), KRB5CCNAME: `FILE:${join(cwd, 'no-cache')}` };

/** The global flags as the CLI parses `argv` (commander, with the registry's parsers). */
function parseFlags(argv: string[]): GlobalFlags {
  const program = addGlobalOptions(new Command())
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  program.parse(argv, { from: 'user' });
  return program.opts();
}

function fromFlag(argv: string[]): Settings {
  return loadSettings(parseFlags(argv), QUIET_ENV, cwd);
}
function fromEnv(name: string, value: string): Settings {
  return loadSettings({}, { ...QUIET_ENV, [name]: value }, cwd);
}
let files = 0;
function fromConfig(data: Record<string, unknown>): Settings {
  const name = `config-${++files}.json`;
  writeFileSync(join(cwd, name), JSON.stringify(data));
  return loadSettings({ config: name }, QUIET_ENV, cwd);
}

/** Where Settings keeps each registry setting, when its name differs, and in what unit. */
function settingOf(settings: Settings, key: SettingKey): { value: unknown; source: unknown } {
  const renamed: Record<string, keyof Settings> = { url: 'urls', starttls: 'startTls', timeout: 'timeoutMs' };
  const field = renamed[key] ?? (key as keyof Settings);
  const value = settings[field];
  return { value: key === 'timeout' ? (value as number) / 1000 : value, source: settings.sources[field] };
}

/** A value for `entry` that is not its default, as argv, an environment variable and a config file spell it, and what it means. */
function sample(entry: OptionEntry): { argv: string[]; env: string; config: unknown; means: unknown } {
  const long = entry.flag!.long;
  if (entry.bounds) {
    const n = entry.bounds.max;
    return { argv: [long, String(n)], env: String(n), config: n, means: n };
  }
  if (entry.choices) {
    const choice = entry.choices.at(-1)!;
    return {
      argv: [long, choice.toUpperCase()],
      env: choice.toUpperCase(),
      config: choice.toUpperCase(),
      means: choice,
    };
  }
  switch (entry.config?.kind ?? (entry.flag!.value ? 'string' : 'boolean')) {
    case 'boolean':
      return { argv: [long], env: '1', config: true, means: true };
    case 'url': {
      const urls = 'ldaps://dc1.example.test,ldaps://dc2.example.test';
      return { argv: [long, urls], env: urls, config: urls, means: urls.split(',') };
    }
    case 'hosts':
      // The flag given twice is the comma-separated variable, and the config file's list.
      return {
        argv: [long, '10.0.0.53', long, 'dns2.example.test:5300'],
        env: '10.0.0.53, dns2.example.test:5300',
        config: ['10.0.0.53', 'dns2.example.test:5300'],
        means: ['10.0.0.53', 'dns2.example.test:5300'],
      };
    case 'path':
      return { argv: [long, 'keys/x.pem'], env: 'keys/x.pem', config: 'keys/x.pem', means: join(cwd, 'keys/x.pem') };
    case 'im-domain':
      return {
        argv: [long, 'IM.Example.Test.'],
        env: 'IM.Example.Test.',
        config: 'IM.Example.Test.',
        means: 'im.example.test',
      };
    default:
      return {
        argv: [long, 'CN=x,DC=example'],
        env: 'CN=x,DC=example',
        config: 'CN=x,DC=example',
        means: 'CN=x,DC=example',
      };
  }
}

const entries: readonly OptionEntry[] = OPTIONS;
/** Every setting resolved by the one rule: each flag but --config and --no-color. */
const settings = entries.filter((e) => e.flag && e.key !== 'config' && e.key !== 'color');

describe('every setting from each of its sources', () => {
  it('covers the settings that have all three sources, and the flag-only and numeric ones', () => {
    const keys = settings.map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['url', 'starttls', 'caFile', 'imDomain', 'auth', 'timeout']));
    expect(settings.filter((e) => e.env && e.config).length).toBeGreaterThanOrEqual(10);
  });

  it.each(settings.map((e) => [e.key, e] as const))(
    '%s: the same value means the same from every source',
    (key, entry) => {
      const { argv, env, config, means } = sample(entry);
      const k = key as SettingKey;
      expect(settingOf(fromFlag(argv), k)).toEqual({ value: means, source: 'flag' });
      if (entry.env) expect(settingOf(fromEnv(entry.env[0]!, env), k)).toEqual({ value: means, source: 'env' });
      if (entry.config)
        expect(settingOf(fromConfig({ [entry.config.key]: config }), k)).toEqual({ value: means, source: 'config' });
      // And none of them is what the setting is without them.
      expect(settingOf(loadSettings({}, QUIET_ENV, cwd), k)).toMatchObject({ source: 'default' });
      expect(settingOf(loadSettings({}, QUIET_ENV, cwd), k).value).not.toEqual(means);
    },
  );
});

describe('a bad value is refused from every source', () => {
  const bounded = settings.filter((e) => e.bounds);

  it.each(bounded.flatMap((e) => [[e.key, e.bounds!.min - 1, e] as const, [e.key, e.bounds!.max + 1, e] as const]))(
    '%s %d: refused on the command line and in the config file, with the same bounds',
    (key, n, entry) => {
      const { min, max } = entry.bounds!;
      expect(() => fromFlag([entry.flag!.long, String(n)])).toThrow(`expected a whole number from ${min} to ${max}`);
      // The config file says so as it is read, naming the file.
      expect(usageError(() => fromConfig({ [entry.config!.key]: n })).message).toMatch(
        new RegExp(
          `^The config file .*config-\\d+\\.json: "${entry.config!.key}" must be a whole number from ${min} to ${max}\\.$`,
        ),
      );
      // A value that reaches loadSettings past commander's parser is held to the same bounds.
      expect(usageError(() => loadSettings({ [key]: n }, QUIET_ENV, cwd)).message).toBe(
        `${entry.flag!.long} must be a whole number from ${min} to ${max}.`,
      );
    },
  );

  it.each(settings.filter((e) => e.choices).map((e) => [e.key, e] as const))(
    '%s: a value that is none of its choices, in the same words from each source',
    (key, entry) => {
      const tail = ` must be ${entry.choices!.map((c) => `"${c}"`).join(' or ')}, not "bogus".`;
      expect(usageError(() => fromFlag([entry.flag!.long, 'bogus'])).message).toBe(`${entry.flag!.long}${tail}`);
      const envName = entry.env?.[0];
      if (envName) expect(usageError(() => fromEnv(envName, 'bogus')).message).toBe(`${envName}${tail}`);
      expect(usageError(() => fromConfig({ [entry.config!.key]: 'bogus' })).message).toBe(
        `"${entry.config!.key}" in the config file${tail}`,
      );
      expect(key).toBeTruthy();
    },
  );

  it('a URL that is not LDAP, in the same words from each source', () => {
    const said = 'is not an LDAP URL; use ldaps://host[:port] or ldap://host[:port].';
    expect(usageError(() => fromFlag(['--url', 'https://dc1.example.test'])).message).toContain(said);
    expect(usageError(() => fromEnv('IMCTL_URL', 'https://dc1.example.test')).message).toContain(said);
    expect(usageError(() => fromConfig({ url: 'https://dc1.example.test' })).message).toContain(said);
  });

  it('a bad value is refused even where a higher source overrides it', () => {
    const file = join(cwd, 'overridden.json');
    writeFileSync(file, JSON.stringify({ url: 'https://dc1.example.test' }));
    expect(
      usageError(() => loadSettings({ config: file, url: 'ldaps://dc1.example.test' }, QUIET_ENV, cwd)).message,
    ).toContain('is not an LDAP URL');
    expect(usageError(() => loadSettings({ auth: 'simple' }, { ...QUIET_ENV, IMCTL_AUTH: 'ntlm' }, cwd)).message).toBe(
      'IMCTL_AUTH must be "simple" or "kerberos", not "ntlm".',
    );
  });
});

describe('resolveEntry: a whole number from the environment', () => {
  // No numeric setting has an environment variable today; the rule that would read one is this.
  const entry: OptionEntry = {
    key: 'retries',
    doc: '',
    flag: { long: '--retries', value: 'n' },
    env: ['TEST_RETRIES'],
    config: { key: 'retries', kind: 'number' },
    bounds: { min: 1, max: 9 },
    default: 3,
  };
  const inputs = (env: NodeJS.ProcessEnv, file: Record<string, unknown> = {}, flags: Record<string, unknown> = {}) => ({
    flags: flags as GlobalFlags,
    env,
    file,
    cwd,
  });

  it('reads "7" as the 7 the flag and the config file give, in their order', () => {
    expect(resolveEntry(entry, inputs({ TEST_RETRIES: '7' }))).toEqual({ value: 7, source: 'env' });
    expect(resolveEntry(entry, inputs({}, { retries: 7 }))).toEqual({ value: 7, source: 'config' });
    expect(resolveEntry(entry, inputs({ TEST_RETRIES: '5' }, { retries: 7 }, { retries: 7 }))).toEqual({
      value: 7,
      source: 'flag',
    });
    expect(resolveEntry(entry, inputs({ TEST_RETRIES: '' }))).toEqual({ value: 3, source: 'default' });
  });

  it.each(['0', '10', '1.5', '1e1', 'seven', '-1'])(
    'refuses %j as the flag and the config file refuse its number',
    (raw) => {
      expect(usageError(() => resolveEntry(entry, inputs({ TEST_RETRIES: raw }))).message).toBe(
        'TEST_RETRIES must be a whole number from 1 to 9.',
      );
      const n = Number(raw);
      if (!Number.isNaN(n)) {
        expect(usageError(() => resolveEntry(entry, inputs({}, { retries: n }))).message).toBe(
          '"retries" in the config file must be a whole number from 1 to 9.',
        );
        expect(usageError(() => resolveEntry(entry, inputs({}, {}, { retries: n }))).message).toBe(
          '--retries must be a whole number from 1 to 9.',
        );
      }
    },
  );
});

describe('resolveSetting', () => {
  it('gives the registry default, typed, when no source sets it', () => {
    const timeout: number | undefined = resolveSetting('timeout', { flags: {}, env: {}, file: {}, cwd }).value;
    expect(timeout).toBe(30);
    expect(resolveSetting('bindDn', { flags: {}, env: {}, file: {}, cwd })).toEqual({
      value: undefined,
      source: 'default',
    });
  });
});
