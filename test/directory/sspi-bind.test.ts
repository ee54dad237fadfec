/**
 * Kerberos on Windows, simulated (issue 34, item 2): the real gssapiBind, SASL bind steps and
 * SASL layer socket, with ldapts, against a fake DC, with the `kerberos` package replaced by a fake
 * with SSPI's semantics (test/support/sspi-fake.ts): `ldap/host`, ISC_REQ_* flags, a context
 * "complete" before the AP-REP, `responseConf` never set. The whole sealed bind, then a sealed search.
 */
import { Client } from 'ldapts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecurityLayer } from '../../src/core/sasl-security-layer.js';
import { openConnection } from '../../src/directory/sasl-bind.js';
import { SaslSocketLayer } from '../../src/directory/sasl-socket.js';
import { fakeDc, sspiKerberos, type FakeDc, type SspiCall, type SspiFaults } from '../support/sspi-fake.js';

const calls = vi.hoisted(() => [] as SspiCall[]);
const faults = vi.hoisted(() => ({}) as SspiFaults);

vi.mock('../../src/directory/kerberos-package.js', async () => {
  const { sspiKerberos: fake } = await import('../support/sspi-fake.js');
  return {
    loadOwnKerberos: () => ({ module: fake(calls, faults), path: 'C:\\imctl\\node_modules\\kerberos\\lib\\index.js' }),
  };
});

const { contextFlags, gssapiBind, servicePrincipalName } = await import('../../src/directory/gssapi-bind.js');

let dc: FakeDc | undefined;
afterEach(() => {
  dc?.server.close();
  calls.length = 0;
  delete faults.firstStep;
});

/** A client on the fake DC through a SASL layer socket, connected as connection.ts connects it. */
async function connected(options: Parameters<typeof fakeDc>[0]) {
  dc = await fakeDc(options);
  const layer = new SaslSocketLayer();
  const client = new Client({ url: `ldap://127.0.0.1:${dc.port}`, timeout: 5000, createConnection: layer.connect });
  await openConnection(client);
  return { client, layer };
}

describe('a sealed Kerberos bind through SSPI (simulated)', () => {
  it('binds sealed and runs a sealed search: ldap/host, ISC_REQ flags, the AP-REP stepped, sealing read from the tokens', async () => {
    const { client, layer } = await connected({ layers: 0x06, maxBuffer: 0x10000 });
    const bound = await gssapiBind(client, 'DC1.corp.example.com', { socket: layer, mode: 'seal' }, 'win32');
    expect(calls).toEqual([{ service: 'ldap/dc1.corp.example.com', flags: 0x2 | 0x8 | 0x10 | 0x10000 }]);
    expect(bound).toEqual({
      principal: 'op@CORP.EXAMPLE.COM',
      protection: 'sealed (SASL GSSAPI confidentiality + integrity), buffers up to 65536 octets',
      kerberos: 'the kerberos package at C:\\imctl\\node_modules\\kerberos\\lib\\index.js',
    });
    expect([...dc!.seen.answer!.subarray(0, 4)]).toEqual([SecurityLayer.confidentiality, 0xff, 0xff, 0xff]);

    const { searchEntries } = await client.search('CN=jdoe,OU=Staff,DC=corp,DC=example,DC=com', {
      scope: 'base',
      attributes: ['msExchIMAddress'],
    });
    expect(searchEntries).toEqual([
      { dn: 'CN=jdoe,OU=Staff,DC=corp,DC=example,DC=com', msExchIMAddress: 'jdoe@im.corp.example.com' },
    ]);
    expect(dc!.seen.searches).toBe(1);
    expect(dc!.seen.sealedIn).toEqual([true]); // the search went out sealed
    expect(layer.stats.unwraps).toBe(2); // entry and done came back sealed, and were accepted
    expect(layer.failure).toBeUndefined();
    await client.unbind();
  });

  it('a reply that arrives only signed on a sealed layer breaks the connection, with SSPI too', async () => {
    const { client, layer } = await connected({ layers: 0x06, maxBuffer: 0x10000, replySealed: false });
    await gssapiBind(client, 'dc1.corp.example.com', { socket: layer, mode: 'seal' }, 'win32');
    await expect(client.search('DC=corp,DC=example,DC=com', { scope: 'base' })).rejects.toThrow();
    expect(layer.failure?.message).toBe(
      'the Kerberos security layer failed: a message that should have been sealed arrived only signed',
    );
  });
});

describe('an SSPI failure, in words an admin on Windows can act on', () => {
  it('localised and without a code: the Windows hints (klist, the domain sign-in, runas /netonly), never kinit or apt-get', async () => {
    faults.firstStep = 'Es sind keine Anmeldeinformationen im Sicherheitspaket verfügbar.';
    const { client, layer } = await connected({ layers: 0x06, maxBuffer: 0x10000 });
    const failure = await gssapiBind(client, 'dc1.corp.example.com', { socket: layer, mode: 'seal' }, 'win32').catch(
      (error: Error & { reason?: string }) => error,
    );
    expect(failure).toMatchObject({ reason: 'kerberos-failed' });
    expect((failure as Error).message).toMatch(/Windows SSPI: InitializeSecurityContext: Es sind keine/);
    expect((failure as Error).message).toMatch(/runas \/netonly/);
    expect((failure as Error).message).toMatch(/klist lists your tickets/);
    expect((failure as Error).message).not.toMatch(/kinit|apt-get|krb5\.conf/);
    await client.unbind();
  });

  it('with its status code in the text: classified by the code', async () => {
    faults.firstStep = '0x8009030E';
    const { client, layer } = await connected({ layers: 0x06, maxBuffer: 0x10000 });
    await expect(
      gssapiBind(client, 'dc1.corp.example.com', { socket: layer, mode: 'seal' }, 'win32'),
    ).rejects.toMatchObject({
      reason: 'kerberos-no-ticket',
      message: expect.stringMatching(/^Windows holds no Kerberos ticket/),
    });
    await client.unbind();
  });
});

describe('what differs by platform', () => {
  const gss = sspiKerberos();
  it('the service principal: MIT takes ldap@host, SSPI ldap/host', () => {
    expect(servicePrincipalName('dc1.corp.example.com.', 'linux')).toBe('ldap@dc1.corp.example.com');
    expect(servicePrincipalName('DC1.corp.example.com', 'win32')).toBe('ldap/dc1.corp.example.com');
  });

  it("the flags: GSS numbers for MIT, ISC_REQ bits for SSPI (never 0x20, SSPI's USE_SESSION_KEY)", () => {
    expect(contextFlags(gss, 'darwin', true)).toBe(2 | 8 | 16 | 32);
    expect(contextFlags(gss, 'win32', true)).toBe(0x10000 | 0x10 | 0x8 | 0x2);
    expect(contextFlags(gss, 'win32', false)).toBe(0x2 | 0x8);
  });
});
