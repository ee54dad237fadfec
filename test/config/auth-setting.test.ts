import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { ticketCacheExists, ticketCachePath } from '../../src/config/ticket-cache.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-auth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, 'krb5cc_test');
writeFileSync(cache, 'not really a cache');
const missing = join(root, 'no-such-cache');
/** An environment that reads no real config file or ticket cache. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  XDG_CONFIG_HOME: join(root, 'xdg'),
  KRB5CCNAME: `FILE:${missing}`,
  ...extra,
});

describe('--auth: simple or kerberos', () => {
  it('defaults to simple without a ticket cache', () => {
    const settings = loadSettings({}, env(), root);
    expect(settings.auth).toBe('simple');
    expect(settings.sources.auth).toBe('default');
  });

  it('defaults to kerberos when a ticket cache exists and no bind DN is configured', () => {
    expect(loadSettings({}, env({ KRB5CCNAME: `FILE:${cache}` }), root).auth).toBe('kerberos');
    expect(loadSettings({}, env({ KRB5CCNAME: cache }), root).auth).toBe('kerberos');
  });

  it('stays simple by default when a bind DN is configured, whatever caches exist', () => {
    expect(loadSettings({ bindDn: 'admin@corp.example.com' }, env({ KRB5CCNAME: cache }), root).auth).toBe('simple');
    expect(loadSettings({}, env({ KRB5CCNAME: cache, IMCTL_BIND_DN: 'admin@corp.example.com' }), root).auth).toBe(
      'simple',
    );
  });

  it('takes the flag over IMCTL_AUTH over the config file, any case, and records the source', () => {
    const dir = mkdtempSync(join(root, 'cfg-'));
    writeFileSync(join(dir, 'imctl.json'), JSON.stringify({ auth: 'kerberos' }));
    const config = join(dir, 'imctl.json');
    expect(loadSettings({ config }, env(), dir)).toMatchObject({ auth: 'kerberos', sources: { auth: 'config' } });
    expect(loadSettings({ config }, env({ IMCTL_AUTH: 'SIMPLE' }), dir)).toMatchObject({
      auth: 'simple',
      sources: { auth: 'env' },
    });
    expect(loadSettings({ config, auth: 'Kerberos' }, env({ IMCTL_AUTH: 'simple' }), dir)).toMatchObject({
      auth: 'kerberos',
      sources: { auth: 'flag' },
    });
    // Found in the current folder instead, "auth" is a choice of how credentials go: not the folder's to make.
    expect(loadSettings({}, env(), dir)).toMatchObject({
      sources: { auth: 'default' },
      warnings: [expect.stringContaining('"auth"')],
    });
  });

  it('refuses anything else, naming where it came from', () => {
    expect(() => loadSettings({ auth: 'ntlm' }, env(), root)).toThrow(
      '--auth must be "simple" or "kerberos", not "ntlm".',
    );
    expect(() => loadSettings({}, env({ IMCTL_AUTH: 'gssapi' }), root)).toThrow(/^IMCTL_AUTH must be/);
  });
});

describe('ticket cache location (as MIT krb5 finds it)', () => {
  it('is KRB5CCNAME (FILE: or a bare path), else /tmp/krb5cc_<uid>', () => {
    expect(ticketCachePath({ KRB5CCNAME: 'FILE:/x/cc' }, 1000)).toBe('/x/cc');
    expect(ticketCachePath({ KRB5CCNAME: '/x/cc' }, 1000)).toBe('/x/cc');
    expect(ticketCachePath({}, 1000)).toBe('/tmp/krb5cc_1000');
    expect(ticketCachePath({ KRB5CCNAME: 'KEYRING:persistent:1000' }, 1000)).toBeUndefined();
  });

  it('counts a keyring or KCM cache as present (they are not files to look at)', () => {
    expect(ticketCacheExists({ KRB5CCNAME: 'KCM:' }, 1000)).toBe(true);
    expect(ticketCacheExists({ KRB5CCNAME: `FILE:${missing}` }, 1000)).toBe(false);
    expect(ticketCacheExists({ KRB5CCNAME: `FILE:${cache}` }, 1000)).toBe(true);
  });
});

describe('tickets on macOS and Windows (issue 34)', () => {
  it('macOS: with no KRB5CCNAME the default API: cache is asked with klist -s; a named API: cache counts', () => {
    expect(ticketCacheExists({}, 501, 'darwin', () => true)).toBe(true);
    expect(ticketCacheExists({}, 501, 'darwin', () => false)).toBe(false);
    expect(ticketCacheExists({ KRB5CCNAME: 'API:4E2C-11' }, 501, 'darwin', () => false)).toBe(true);
  });

  it('Windows: a domain logon (USERDNSDOMAIN, in any letter case) has tickets in the LSA; no cache file is looked for', () => {
    expect(ticketCacheExists({ UserDnsDomain: 'CORP.EXAMPLE.COM' }, undefined, 'win32')).toBe(true);
    expect(ticketCacheExists({ USERDNSDOMAIN: 'CORP.EXAMPLE.COM' }, undefined, 'win32')).toBe(true);
    expect(ticketCacheExists({ KRB5CCNAME: `FILE:${cache}` }, undefined, 'win32')).toBe(false);
  });
});
