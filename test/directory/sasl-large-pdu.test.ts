/**
 * Large entries against a small server maximum buffer (issue 20): real ldapts requests and replies
 * through the SASL layer, with PDUs many times larger than the server's maximum.
 *
 * Why a unit test and not the lab: Samba offers a maximum of 65,536 octets (smb.conf's
 * "gensec_gssapi:max wrap buf size", read when the DC starts) and imctl never sends a request
 * anywhere near that (its writes carry four short IM attributes), so against the lab the
 * outgoing split would never run. Lowering the lab DC's maximum means restarting a DC that every
 * other lab test shares. Here the server side is a local TCP peer speaking just enough LDAP, with a
 * stand-in for GSS_Wrap (a reversible transformation with a checksum) and a server maximum of 512
 * octets; ldapts (the real client imctl uses, through the same `createConnection` seam) sends a
 * 40 KB ModifyRequest and receives a 60 KB SearchResultEntry split over many buffers — and in the
 * other direction the peer checks that no buffer exceeds 512 octets and the PDU arrives whole.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Attribute, Change, Client } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import { frameSaslBuffer, SaslBufferReader, SecurityLayer } from '../../src/core/sasl-security-layer.js';
import { SaslSocketLayer, type GssWrapper } from '../../src/directory/sasl-socket.js';
import { header, ldapMessages, message, octets, result, tlv } from '../support/ber.js';

const SERVER_MAX = 512;

/** "Wrap": a marker octet, the data XOR 0x5a, and a 1-octet sum; unwrap checks the sum. */
const seal = (data: Buffer) =>
  Buffer.concat([
    Buffer.from([0xee]),
    Buffer.from(data.map((b) => b ^ 0x5a)),
    Buffer.from([data.reduce((a, b) => (a + b) & 0xff, 0)]),
  ]);
function open(token: Buffer): Buffer {
  if (token[0] !== 0xee) throw new Error('not a token');
  const data = Buffer.from(token.subarray(1, -1).map((b) => b ^ 0x5a));
  if (data.reduce((a, b) => (a + b) & 0xff, 0) !== token.at(-1))
    throw new Error('A token had an invalid Message Integrity Check (MIC)');
  return data;
}
const fakeGss = (): GssWrapper & { wraps: number; unwraps: number } => ({
  wraps: 0,
  unwraps: 0,
  responseConf: 1,
  async wrap(data) {
    this.wraps++;
    await new Promise((r) => setImmediate(r));
    return seal(Buffer.from(data, 'base64')).toString('base64');
  },
  async unwrap(token) {
    this.unwraps++;
    await new Promise((r) => setImmediate(r));
    return open(Buffer.from(token, 'base64')).toString('base64');
  },
});

/** The peer: unwraps every SASL buffer (checking the maximum), reassembles LDAP messages, answers them wrapped in buffers of at most SERVER_MAX. */
function ldapPeer(socket: Socket, entry: { dn: string; attribute: string; values: Buffer[] }) {
  const seen = { buffersIn: 0, largestBufferIn: 0, requests: [] as { id: number; op: number; pdu: Buffer }[] };
  const reader = new SaslBufferReader();
  let plain: Buffer = Buffer.alloc(0);
  const send = (pdu: Buffer) => {
    // The server splits its replies too: each buffer's token within the client's (large) maximum, here SERVER_MAX.
    for (let at = 0; at < pdu.length; at += SERVER_MAX - 2)
      socket.write(frameSaslBuffer(seal(pdu.subarray(at, at + SERVER_MAX - 2))));
  };
  let bound = false;
  socket.on('data', (chunk: Buffer) => {
    if (!bound) {
      // The bind travels in clear (one small message); its success starts the layer.
      const outer = header(chunk, 0)!;
      const idTlv = header(chunk, outer.start)!;
      socket.write(message(chunk.readUIntBE(idTlv.start, idTlv.length), result(0x61)));
      bound = true;
      return;
    }
    for (const token of reader.push(chunk)) {
      seen.buffersIn++;
      seen.largestBufferIn = Math.max(seen.largestBufferIn, token.length);
      plain = Buffer.concat([plain, open(token)]);
    }
    const { messages, rest } = ldapMessages(plain);
    plain = rest;
    for (const { id, op, pdu } of messages) {
      seen.requests.push({ id, op, pdu });
      if (op === 0x66) send(message(id, result(0x67))); // ModifyRequest → ModifyResponse
      if (op === 0x63) {
        // SearchRequest → one large SearchResultEntry, then SearchResultDone
        const attribute = tlv(0x30, octets(entry.attribute), tlv(0x31, ...entry.values.map(octets)));
        send(message(id, tlv(0x64, octets(entry.dn), tlv(0x30, attribute))));
        send(message(id, result(0x65)));
      }
      if (op === 0x42) socket.end(); // UnbindRequest
    }
  });
  return seen;
}

let server: Server | undefined;
afterEach(() => server?.close());

describe('a PDU larger than the server maximum buffer, through ldapts and the SASL layer', () => {
  it('a 40 KB ModifyRequest goes out in buffers of at most 512 octets and arrives whole; a 60 KB entry comes back over many buffers', async () => {
    const values = Array.from({ length: 60 }, (_, i) => Buffer.alloc(1000, 0x41 + (i % 26)));
    const entry = { dn: 'CN=Large Entry,OU=Big,DC=lab,DC=imctl,DC=test', attribute: 'description', values };
    let seen: ReturnType<typeof ldapPeer> | undefined;
    server = createServer((socket) => (seen = ldapPeer(socket, entry)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };

    const layer = new SaslSocketLayer();
    const gss = fakeGss();
    const client = new Client({ url: `ldap://127.0.0.1:${port}`, timeout: 10_000, createConnection: layer.connect });
    // As after a GSSAPI bind that chose sealing with a server maximum of 512: every octet from here on is wrapped.
    await client.bind('CN=Test', 'not-a-password');
    layer.start(gss, SecurityLayer.confidentiality, SERVER_MAX);

    const big = Array.from({ length: 40 }, (_, i) => `value-${i}-${'x'.repeat(1000)}`);
    await client.modify(
      entry.dn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: big }) }),
    );
    const modify = seen!.requests.find((r) => r.op === 0x66)!;
    expect(modify.pdu.length).toBeGreaterThan(40_000);
    expect(seen!.largestBufferIn).toBeLessThanOrEqual(SERVER_MAX);
    expect(seen!.buffersIn).toBeGreaterThanOrEqual(Math.ceil(modify.pdu.length / SERVER_MAX));
    for (const value of big) expect(modify.pdu.includes(Buffer.from(value))).toBe(true); // every value arrived intact, in one PDU

    const { searchEntries } = await client.search(entry.dn, {
      scope: 'base',
      attributes: ['description'],
      returnAttributeValues: true,
    });
    expect(searchEntries).toHaveLength(1);
    expect(searchEntries[0]!.dn).toBe(entry.dn);
    const got = searchEntries[0]!.description as string[];
    expect(got).toHaveLength(60);
    expect(got.map((v) => Buffer.from(v))).toEqual(values);
    // The reply (over 60,000 octets) came in buffers of at most 512: more than a hundred unwraps.
    expect(gss.unwraps).toBeGreaterThan(60_000 / SERVER_MAX);
    expect(layer.failure).toBeUndefined();
    await client.unbind();
  });
});
