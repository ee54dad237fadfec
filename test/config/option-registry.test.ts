/**
 * The option registry (src/config/option-registry.ts) is the one declaration of a setting: what --help
 * shows, what commander parses, which config keys a file may hold and which a project file may not
 * set are all read from it. These tests hold the derived places to it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { CONFIG_KINDS, OPTIONS, PROTECTED_KEYS, type OptionEntry } from '../../src/config/option-registry.js';
import { parseConfigFile } from '../../src/config/config-file.js';
import { describeSettings } from '../../src/config/describe-settings.js';
import { loadSettings } from '../../src/config/settings.js';

const entries: readonly OptionEntry[] = OPTIONS;

function program() {
  const stdout = new PassThrough();
  const built = buildProgram({
    streams: { stdout, stderr: new PassThrough(), stdin: new PassThrough() },
    execute: async () => undefined,
  });
  return { built, stdout };
}

function help(): string {
  const { built, stdout } = program();
  built.outputHelp();
  // commander wraps at 80 columns: a name never breaks, but join the lines anyway.
  return (stdout.read() as Buffer).toString('utf8').replace(/\s+/g, ' ');
}

/** A valid value of each config kind. */
const SAMPLE = {
  string: 'x',
  boolean: true,
  number: 1,
  url: ['ldaps://dc1.example'],
  hosts: ['10.0.0.53', 'dns2.example:5300'],
  path: '/etc/imctl/x',
  'im-domain': 'im.example',
  servers: { 'im-east': { capacity: 5 } },
  paths: ['/srv'],
  sync: { maxRemovals: 10, staff: { group: ['IM Users'] } },
} as const;

describe('the option registry', () => {
  it('names every environment variable in --help', () => {
    const text = help();
    const names = entries.flatMap((e) => e.env ?? []);
    expect(names).toEqual(expect.arrayContaining(['IMCTL_URL', 'IMCTL_PASSWORD', 'IMCTL_STARTTLS', 'NO_COLOR']));
    for (const name of names) expect(text, name).toMatch(new RegExp(`[[ ]${name}[\\]=;]`));
  });

  it('holds every IMCTL_ variable the source reads', () => {
    const known = new Set(entries.flatMap((e) => e.env ?? []));
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)],
      );
    // IMCTL_VERSION is the bundle's build-time constant, not a variable the user sets; IMCTL_TEST_*
    // are the lab tests' own switches (src/config/settings.ts), no setting of the product.
    const read = new Set(
      files('src')
        .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bIMCTL_[A-Z_]+\b/g)].map((m) => m[0]))
        .filter((n) => n !== 'IMCTL_VERSION' && !n.startsWith('IMCTL_TEST_')),
    );
    expect(read.size).toBeGreaterThan(5);
    for (const name of read) expect(known, name).toContain(name);
  });

  it('gives commander the flag under the key the settings read', () => {
    const { built } = program();
    const parsed = new Map(built.options.map((o) => [o.long, o.attributeName()]));
    for (const entry of entries.filter((e) => e.flag))
      expect(parsed.get(entry.flag!.long), entry.flag!.long).toBe(entry.key);
    // Everything but --version and --help comes from the registry, in its order.
    expect(built.options.map((o) => o.long).filter((l) => l !== '--version')).toEqual(
      entries.flatMap((e) =>
        !e.flag ? [] : e.flag.negation ? [e.flag.long, e.flag.long.replace('--', '--no-')] : [e.flag.long],
      ),
    );
  });

  it('knows every config key: a file with each of them parses, an unknown key is refused with the list', () => {
    const keys = entries.flatMap((e) => (e.config ? [e.config.key] : []));
    expect(Object.keys(CONFIG_KINDS)).toEqual(keys);
    const file = Object.fromEntries(entries.flatMap((e) => (e.config ? [[e.config.key, SAMPLE[e.config.kind]]] : [])));
    expect(Object.keys(parseConfigFile('all.json', JSON.stringify(file)))).toEqual(keys);
    expect(() => parseConfigFile('typo.json', '{"bindDN": "x"}')).toThrow(
      `Did you mean bindDn? Known: ${keys.join(', ')}.`,
    );
  });

  it('knows every key of the config files the docs show', () => {
    const docs = ['README.md', ...readdirSync('docs').map((f) => join('docs', f))].filter((f) => f.endsWith('.md'));
    // A JSON object in a fenced block (or a heredoc) that sets one of the connection keys is a config file.
    const blocks = docs.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^(\{\n[\s\S]*?\n\})$/gm)].map((m) => ({ f, text: m[1]! })),
    );
    const configs = blocks.filter((b) => /"(url|domain|bindDn|passwordFile)"\s*:/.test(b.text));
    expect(configs.length).toBeGreaterThan(0);
    for (const { f, text } of configs) {
      const data = JSON.parse(text) as Record<string, unknown>;
      for (const key of Object.keys(data)) expect(Object.keys(CONFIG_KINDS), `${f}: ${key}`).toContain(key);
    }
  });

  it('marks as protected exactly the keys that say where credentials go, how the connection is protected, or what is written where', () => {
    for (const key of PROTECTED_KEYS) expect(Object.keys(CONFIG_KINDS)).toContain(key);
    expect([...PROTECTED_KEYS].sort()).toEqual(
      [
        'activeDays',
        'baseDn',
        'capacity',
        'imDomain',
        'load',
        'servers',
        'allowCleartext',
        'auth',
        'bindDn',
        'caFile',
        'dnsServer',
        'domain',
        'passwordFile',
        'site',
        'saslLayer',
        'startTls',
        'sync',
        'trustedFolders',
        'url',
      ].sort(),
    );
  });

  it("labels what -v shows: each line is a registry setting's, or one derived from them", () => {
    const labels = entries.flatMap((e) => (e.shown ? [e.shown] : []));
    const env = { XDG_CONFIG_HOME: '/nonexistent', IMCTL_PASSWORD_FILE: 'pw' };
    const simple = loadSettings(
      {
        url: 'ldaps://dc1.example',
        domain: 'example',
        site: 'branch',
        dnsServer: ['10.0.0.1'],
        bindDn: 'a@example',
        baseDn: 'DC=x',
        imDomain: 'im.example',
        load: 'active',
      },
      env,
      '/',
    );
    const kerberos = loadSettings({ domain: 'example', auth: 'kerberos' }, env, '/');
    const shown = [...describeSettings(simple), ...describeSettings(kerberos)].map((line) =>
      line.slice(0, line.indexOf(':')),
    );
    for (const label of shown) expect([...labels, 'endpoint'], label).toContain(label);
    // Every label is used: none is left over from a setting -v no longer shows.
    expect([...new Set(shown)].sort()).toEqual([...labels, 'endpoint'].sort());
  });

  it('declares bounds and choices only for options that take a value', () => {
    for (const entry of entries.filter((e) => e.bounds || e.choices)) {
      expect(entry.flag?.value, entry.key).toBeDefined();
      if (entry.bounds) expect(entry.bounds.min, entry.key).toBeLessThanOrEqual(entry.bounds.max);
      if (entry.choices) expect(entry.choices.length, entry.key).toBeGreaterThan(1);
    }
  });
});
