/**
 * Issue 21, bugs 1, 2 and 7 and "-v tells the truth": the endpoint is one choice settled by the
 * level it came from, a URL must name a host, an empty flag is a mistake, per-server capacities
 * must name real servers, and -v says what will really happen.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImServer } from '../../src/core/im-model.js';
import { takeInventory } from '../../src/services/inventory.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { describeSettings } from '../../src/config/describe-settings.js';
import { checkServerCapacities } from '../../src/config/server-capacity.js';
import { loadSettings, type GlobalFlags } from '../../src/config/settings.js';
import { usageError } from '../support/usage-error.js';

function load(flags: GlobalFlags, config?: unknown, env: NodeJS.ProcessEnv = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'imctl-endpoint-'));
  mkdirSync(join(cwd, 'xdg'));
  // The user's own config file: a project ./imctl.json may not choose the endpoint (docs/security.md §4).
  mkdirSync(join(cwd, 'xdg', 'imctl'));
  if (config !== undefined) writeFileSync(join(cwd, 'xdg', 'imctl', 'config.json'), JSON.stringify(config));
  return loadSettings(flags, { XDG_CONFIG_HOME: join(cwd, 'xdg'), ...env }, cwd);
}

describe('bug 2: the endpoint is chosen by the level it came from', () => {
  it('--domain on the command line beats a url in the config file', () => {
    const s = load({ domain: 'corp.example.com' }, { url: 'ldaps://config-dc.corp.example.com' });
    expect(s.urls).toEqual([]);
    expect(s.domain).toBe('corp.example.com');
    expect(describeSettings(s).join('\n')).toMatch(
      /endpoint: DCs found by DNS for corp\.example\.com: the domain \(flag\) outranks the url \(config file\)/,
    );
  });

  it('IMCTL_DOMAIN beats a url in the config file; IMCTL_URL beats a domain in the config file', () => {
    expect(load({}, { url: 'ldaps://c.example' }, { IMCTL_DOMAIN: 'e.example' }).urls).toEqual([]);
    expect(load({}, { domain: 'c.example' }, { IMCTL_URL: 'ldaps://e.example' }).urls).toEqual(['ldaps://e.example']);
  });

  it('at the same level the url wins, and -v says the domain is not used', () => {
    const s = load({ url: 'ldaps://dc1.example', domain: 'example' });
    expect(s.urls).toEqual(['ldaps://dc1.example']);
    expect(describeSettings(s).join('\n')).toMatch(
      /endpoint: the url \(flag\) is used; the domain example \(flag\) is not used/,
    );
  });
});

describe('bug 7: a URL with no host, or an empty flag, is a usage error', () => {
  it.each(['ldaps://', 'ldap://', 'ldap:///', 'ldaps://dc1,ldaps://'])('--url %s', (url) => {
    const error = usageError(() => load({ url }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/names no host/);
  });

  it.each([
    ['url', '--url'],
    ['domain', '--domain'],
    ['bindDn', '--bind-dn'],
    ['baseDn', '--base-dn'],
    ['passwordFile', '--password-file'],
    ['caFile', '--ca-file'],
  ] as const)('an empty %s flag does not fall back to the config file', (key, flag) => {
    const error = usageError(() => load({ [key]: '' }, { url: 'ldaps://config-dc.example' }));
    expect(error.message).toBe(
      `${flag} was given an empty value (an unset shell variable?): give a value or leave the flag out.`,
    );
  });
});

describe('-v tells the truth', () => {
  it('with --domain, starttls says StartTLS is used', () => {
    const lines = describeSettings(load({ domain: 'corp.example.com' }));
    expect(lines).toContain(
      'starttls: true (DCs found by DNS for --domain are reached over ldap:// with StartTLS) (default)',
    );
  });

  it('with --domain and --allow-cleartext, it says there is no StartTLS', () => {
    const lines = describeSettings(load({ domain: 'corp.example.com', allowCleartext: true }));
    expect(lines).toContain('starttls: false (DCs found by DNS for --domain are reached over ldap://) (default)');
  });

  it('shows each per-server capacity, and when --capacity overrides them', () => {
    expect(describeSettings(load({}, { servers: { 'IM-East': { capacity: 9000 } } }))).toContain(
      'capacity of im-east: 9000 (config file)',
    );
    expect(describeSettings(load({ capacity: 100 }, { servers: { 'im-east': { capacity: 9000 } } }))).toContain(
      'capacity of im-east: 9000, overridden by --capacity 100 (config file)',
    );
  });
});

describe('bug 1: a per-server capacity must name a server that exists', () => {
  const servers = [
    { name: 'im-east', cn: 'IM Virtual Server', host: 'exch1.corp.example.com' },
    { name: 'im-west', cn: 'IM Virtual Server', host: 'exch2.corp.example.com' },
  ];

  it('a typo is a usage error naming it and the real servers', () => {
    const settings = load({}, { servers: { 'im-eats': { capacity: 9000 } } });
    const error = usageError(() => checkServerCapacities(settings, servers));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /sets a capacity for a server that does not exist: "im-eats" \(the servers are im-east, im-west\)/,
    );
  });

  it('a name, in any case, or a host name is accepted', () => {
    const settings = load(
      {},
      { servers: { 'IM-EAST': { capacity: 9000 }, 'exch2.corp.example.com': { capacity: 10 } } },
    );
    expect(() => checkServerCapacities(settings, servers)).not.toThrow();
  });
});

describe('bug 1 in the commands: every inventory (servers, enable, rebalance, wizard) checks the names', () => {
  const vs = (n: string) =>
    `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${n},CN=Servers,CN=Configuration,DC=corp,DC=test`;
  const east: ImServer = {
    dn: vs('EXCH1'),
    name: 'im-east',
    cn: 'IM Virtual Server',
    host: 'exch1.corp.test',
    hostsUsers: true,
  };

  it('refuses before counting anything', async () => {
    const settings = load({}, { servers: { 'im-eats': { capacity: 9000 } } });
    await expect(takeInventory(new MemoryDirectory([east]), settings)).rejects.toThrow(/"im-eats"/);
  });

  it('uses the capacity of a real name', async () => {
    const settings = load({}, { servers: { 'im-east': { capacity: 9000 } } });
    const inventory = await takeInventory(new MemoryDirectory([east]), settings);
    expect(inventory.servers[0]!.capacity).toBe(9000);
  });
});

describe('-v lists the SASL layer only where Kerberos uses one (issue 30)', () => {
  it.each([
    [{ url: 'ldaps://dc1.example', auth: 'kerberos' }, false],
    [{ url: 'ldap://dc1.example', auth: 'kerberos', starttls: true }, false],
    [{ url: 'ldap://dc1.example', auth: 'kerberos' }, true],
    [{ domain: 'example', auth: 'kerberos' }, true],
    [{ url: 'ldap://dc1.example', bindDn: 'admin@example', allowCleartext: true }, false],
  ] as const)('%j: sasl layer listed: %s', (flags, listed) => {
    const lines = describeSettings(load(flags as GlobalFlags));
    expect(lines.some((line) => line.startsWith('sasl layer') || line.startsWith('sasl-layer'))).toBe(listed);
    // One word for one source: "environment", never "env".
    expect(lines.join('\n')).not.toMatch(/\(env\)/);
  });
});
