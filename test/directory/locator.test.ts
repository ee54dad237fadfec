/**
 * Who gets a password when DCs are found by DNS (issue 29, 2). DNS is not protected: a spoofed SRV
 * answer names any host. A recording listener stands where the spoofed answer points; the CLI runs
 * in-process against the fake DNS server, with a password in the environment, and the listener
 * must never see a connection.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDnsServer, type FakeDnsServer } from '../dns/fake-dns-server.js';
import type { Settings } from '../../src/config/settings.js';
import { locateDomainControllers } from '../../src/directory/locator.js';
import { imctlInProcess } from '../support/in-process.js';

const DOMAIN = 'corp.example.test';
const CA = join(import.meta.dirname, '..', 'fixtures', 'tls', 'unrelated-ca.pem');

let listener: Server;
let connections = 0;
let port = 0;
let dns: FakeDnsServer | undefined;

beforeEach(async () => {
  connections = 0;
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  port = (listener.address() as { port: number }).port;
});
afterEach(async () => {
  listener.close();
  await dns?.close();
  dns = undefined;
});

/** DNS that answers _ldap._tcp.<DOMAIN> with these targets, every one at the recording listener. */
async function spoofed(...targets: string[]): Promise<string> {
  dns = await startFakeDnsServer({
    [`_ldap._tcp.${DOMAIN}`]: { srv: targets.map((target) => ({ priority: 0, weight: 100, port, target })) },
    ...Object.fromEntries(targets.map((target) => [target, { a: ['127.0.0.1'] }])),
  });
  return dns.address;
}

const run = (dnsServer: string, ...extra: string[]) =>
  imctlInProcess(
    ['--domain', DOMAIN, '--dns-server', dnsServer, '--bind-dn', 'admin@corp.example.test', ...extra, 'servers'],
    { IMCTL_PASSWORD: 'Secret-Admin-Password-1' },
  );

describe('--domain with a password (simple bind)', () => {
  it('no CA named: refused before any connection, even for a target under the domain', async () => {
    const result = await run(await spoofed(`dc1.${DOMAIN}`));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/sends a password only to a DC whose certificate chains to a CA you name/);
    expect(connections).toBe(0);
  });

  it('a spoofed target outside the domain: refused even with --ca-file; nothing connects to it', async () => {
    const result = await run(await spoofed('ldap.attacker.example'), '--ca-file', CA);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/names only DCs outside corp\.example\.test .*\(ldap\.attacker\.example\)/);
    expect(connections).toBe(0);
  });

  it('a look-alike name is not under the domain (evilcorp.example.test, corp.example.test.attacker.example)', async () => {
    const result = await run(await spoofed(`dc.evil${DOMAIN}`, `${DOMAIN}.attacker.example`), '--ca-file', CA);
    expect(result.code).toBe(2);
    expect(connections).toBe(0);
  });

  it('--allow-cleartext without StartTLS: refused, the password would go in clear to whatever DNS names', async () => {
    const result = await run(await spoofed(`dc1.${DOMAIN}`), '--ca-file', CA, '--allow-cleartext');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/would send the password in clear to whatever host DNS names/);
    expect(connections).toBe(0);
  });

  it('a target under the domain with the named CA is tried (and its certificate checked against that CA only)', async () => {
    const result = await run(await spoofed(`ldap.attacker.example`, `dc1.${DOMAIN}`), '--ca-file', CA);
    expect(result.stderr).toMatch(/Leaving out ldap\.attacker\.example: DNS names it .* not under corp\.example\.test/);
    expect(connections).toBe(1); // dc1 only: the listener hangs up during StartTLS, so the run fails (exit 1)
    expect(result.code).toBe(1);
  });
});

describe('--domain with Kerberos', () => {
  it('any target is tried: the DC must prove it holds the key of ldap/<target> (no password is sent)', async () => {
    const result = await imctlInProcess(
      ['--domain', DOMAIN, '--dns-server', await spoofed('ldap.attacker.example'), '--auth', 'kerberos', 'servers'],
      { KRB5CCNAME: 'FILE:/nonexistent/imctl-test-cache' },
    );
    expect(result.stderr).not.toMatch(/sends a password only/);
    expect(connections).toBe(1);
  });
});

describe('--insecure-tls', () => {
  it('with Kerberos: refused before anything connects — a relay terminating the TLS would get the whole session', async () => {
    const result = await imctlInProcess([
      '--url',
      `ldaps://127.0.0.1:${port}`,
      '--auth',
      'kerberos',
      '--insecure-tls',
      'servers',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--insecure-tls cannot be used with Kerberos .*use the whole session as you/);
    expect(connections).toBe(0);
  });
});

describe('--site: the DCs AD registers for the site first, then the rest of the domain', () => {
  const SITE_RECORD = `_ldap._tcp.branch._sites.dc._msdcs.${DOMAIN}`;
  const srv = (...targets: string[]) => ({
    srv: targets.map((target) => ({ priority: 0, weight: 100, port: 389, target })),
  });
  const hosts = { [`dc1.${DOMAIN}`]: { a: ['192.0.2.1'] }, [`dc2.${DOMAIN}`]: { a: ['192.0.2.2'] } };

  async function located(site: string | undefined, table: Parameters<typeof startFakeDnsServer>[0]) {
    dns = await startFakeDnsServer(table);
    const logged: string[] = [];
    const settings = { auth: 'kerberos', dnsServer: [dns.address], site } as unknown as Settings;
    const endpoints = await locateDomainControllers(
      DOMAIN,
      settings,
      (m) => logged.push(m),
      () => undefined,
    );
    return { hosts: endpoints.map((e) => e.host), logged };
  }

  it("tries the site's DC before the domain's others, each once", async () => {
    const table = {
      [SITE_RECORD]: srv(`dc2.${DOMAIN}`),
      [`_ldap._tcp.${DOMAIN}`]: srv(`dc1.${DOMAIN}`, `dc2.${DOMAIN}`),
      ...hosts,
    };
    expect((await located('Branch', table)).hosts).toEqual([`dc2.${DOMAIN}`, `dc1.${DOMAIN}`]);
  });

  it('a site with no record of its own: every DC of the domain, and -v says so', async () => {
    const { hosts: found, logged } = await located('branch', {
      [`_ldap._tcp.${DOMAIN}`]: srv(`dc1.${DOMAIN}`),
      ...hosts,
    });
    expect(found).toEqual([`dc1.${DOMAIN}`]);
    expect(logged[0]).toBe(`No DCs registered for the site branch (${SITE_RECORD}): every DC of the domain.`);
  });

  it('without a site the site record is not asked for', async () => {
    const table = { [SITE_RECORD]: srv(`dc2.${DOMAIN}`), [`_ldap._tcp.${DOMAIN}`]: srv(`dc1.${DOMAIN}`), ...hosts };
    expect((await located(undefined, table)).hosts).toEqual([`dc1.${DOMAIN}`]);
  });

  it('a site name DNS cannot hold is a usage error', async () => {
    await expect(located('bad site', hosts)).rejects.toMatchObject({ reason: 'bad-site' });
  });
});
