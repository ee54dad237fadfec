/**
 * The layer negotiation at the end of a GSSAPI bind on plain LDAP (gssapi-bind.ts), with the
 * `kerberos` package and the SASL bind step replaced by scripted fakes: a DC offering only "no
 * layer" is refused before anything but the bind; an unfixed package (its wrap() ignores the data)
 * is caught before the DC sees the answer; a good offer starts the layer with the DC's maximum.
 */
import type { Client } from 'ldapts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SecurityLayer } from '../../src/core/sasl-security-layer.js';

const script = vi.hoisted(() => ({ offer: [7, 0, 1, 0], wrapCarries: true, binds: [] as Buffer[] }));

// The package as imctl loads it (from its own node_modules, src/directory/kerberos-package.ts).
vi.mock('../../src/directory/kerberos-package.js', () => {
  const client = {
    complete: false,
    get contextComplete() {
      return this.complete;
    },
    username: 'op@CORP.EXAMPLE.COM',
    responseConf: 1,
    // MIT's semantics: the context is complete once the DC's AP-REP has been stepped.
    async step(challenge: string) {
      this.complete = challenge !== '';
      return this.complete ? '' : Buffer.from('initial-token').toString('base64');
    },
    async unwrap() {
      return Buffer.from(script.offer).toString('base64');
    },
    async wrap(data: string) {
      // The fixed package wraps the data (integrity only: readable in the token); the unfixed one
      // always wraps a "no layer" answer built from the first octets.
      const plain = Buffer.from(data, 'base64');
      const wrapped = script.wrapCarries ? plain : Buffer.from([1, plain[1]!, plain[2]!, plain[3]!]);
      return Buffer.concat([Buffer.from('HDR-16-OCTETS...'), wrapped, Buffer.from('checksum')]).toString('base64');
    },
  };
  const module = {
    initializeClient: async () => ((client.complete = false), client),
    GSS_MECH_OID_KRB5: 9,
    GSS_C_MUTUAL_FLAG: 2,
    GSS_C_SEQUENCE_FLAG: 8,
    GSS_C_CONF_FLAG: 16,
    GSS_C_INTEG_FLAG: 32,
  };
  return { loadOwnKerberos: () => ({ module, path: '/fake/node_modules/kerberos/lib/index.js' }) };
});

vi.mock('../../src/directory/sasl-bind.js', () => ({
  saslBindStep: async (_client: unknown, _mechanism: string, credentials: Buffer) => {
    script.binds.push(credentials);
    // 1st step: the context token → the AP-REP; 2nd: (empty) → the wrapped offer; 3rd: the answer → done.
    const replies = [Buffer.from('ap-rep'), Buffer.from('wrapped-offer')];
    const reply = replies[script.binds.length - 1];
    return reply ? { done: false, serverCredentials: reply } : { done: true, serverCredentials: Buffer.alloc(0) };
  },
}));

const { gssapiBind } = await import('../../src/directory/gssapi-bind.js');

const fakeLayer = () => ({ socket: { start: vi.fn() }, mode: 'seal' as const });

beforeEach(() => {
  script.binds = [];
  script.offer = [7, 0, 1, 0];
  script.wrapCarries = true;
});

describe('GSSAPI on plain LDAP: the layer negotiation', () => {
  it('chooses sealing from a full offer, answers with it, and starts the layer with the DC maximum', async () => {
    const layer = fakeLayer();
    const bound = await gssapiBind({} as Client, 'dc1.corp.example.com', layer as never);
    expect(bound).toEqual({
      principal: 'op@CORP.EXAMPLE.COM',
      protection: 'sealed (SASL GSSAPI confidentiality + integrity), buffers up to 256 octets',
      kerberos: 'the kerberos package at /fake/node_modules/kerberos/lib/index.js',
    });
    expect(script.binds).toHaveLength(3);
    expect([...script.binds[2]!.subarray(16, 20)]).toEqual([SecurityLayer.confidentiality, 0xff, 0xff, 0xff]);
    expect(layer.socket.start).toHaveBeenCalledWith(expect.anything(), SecurityLayer.confidentiality, 256);
  });

  it('refuses a DC that offers only "no layer": nothing is sent after its offer', async () => {
    script.offer = [SecurityLayer.none, 0, 0, 0];
    const layer = fakeLayer();
    await expect(gssapiBind({} as Client, 'dc1.corp.example.com', layer as never)).rejects.toMatchObject({
      reason: 'kerberos-layer',
      message: expect.stringMatching(
        /^dc1\.corp\.example\.com offers no SASL security layer \(only "no layer"\).*refusing to continue on plain LDAP/,
      ),
    });
    expect(script.binds).toHaveLength(2);
    expect(layer.socket.start).not.toHaveBeenCalled();
  });

  it('catches the unfixed kerberos package before the DC sees a "no layer" answer', async () => {
    script.wrapCarries = false;
    const layer = fakeLayer();
    await expect(gssapiBind({} as Client, 'dc1.corp.example.com', layer as never)).rejects.toMatchObject({
      reason: 'kerberos-wrap-broken',
      message: expect.stringMatching(/kerberos-wrap-fix\.mjs/),
    });
    expect(script.binds).toHaveLength(2);
  });

  it('over TLS (no layer asked) still answers "no layer"', async () => {
    const bound = await gssapiBind({} as Client, 'dc1.corp.example.com');
    expect(bound.protection).toBeUndefined();
    expect([...script.binds[2]!.subarray(16, 20)]).toEqual([SecurityLayer.none, 0, 0, 0]);
  });
});
