/**
 * The SASL layer's socket against a local TCP peer and a stand-in for GSS_Wrap (a reversible
 * transformation with a checksum the peer can verify): framing within a small server maximum, a
 * PDU spanning buffers and a buffer carrying several PDUs, order under pipelining, one socket per
 * layer, and a buffer that fails to unwrap.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { frameSaslBuffer, SaslBufferReader, SecurityLayer } from '../../src/core/sasl-security-layer.js';
import { SaslSocketLayer, type GssWrapper } from '../../src/directory/sasl-socket.js';

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
const fakeGss = (): GssWrapper & { calls: number } => ({
  calls: 0,
  responseConf: 1,
  async wrap(data) {
    this.calls++;
    await new Promise((r) => setImmediate(r));
    return seal(Buffer.from(data, 'base64')).toString('base64');
  },
  async unwrap(token) {
    await new Promise((r) => setImmediate(r));
    return open(Buffer.from(token, 'base64')).toString('base64');
  },
});

let server: Server | undefined;
afterEach(() => server?.close());

async function pair(): Promise<{ layer: SaslSocketLayer; client: Socket; peer: Socket }> {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve);
  });
  server!.listen(0, '127.0.0.1');
  await once(server!, 'listening');
  const { port } = server!.address() as { port: number };
  const layer = new SaslSocketLayer();
  const client = layer.connect(port, '127.0.0.1');
  await once(client, 'connect');
  return { layer, client, peer: await accepted };
}

/** The last answer of a SASL bind, in clear: success (messageID 1, BindResponse, resultCode 0). */
const BIND_SUCCESS = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);

/** A connection whose bind has just succeeded in clear, as gssapiBind leaves it before starting the layer. */
async function bound(): Promise<{ layer: SaslSocketLayer; client: Socket; peer: Socket }> {
  const connection = await pair();
  const answered = once(connection.client, 'data');
  connection.peer.write(BIND_SUCCESS);
  await answered;
  return connection;
}

/** Everything the peer receives, as unwrapped buffers (checking each against `max`). */
function receive(peer: Socket, max: number): { tokens: Buffer[]; plain: () => Buffer } {
  const reader = new SaslBufferReader();
  const tokens: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => {
    for (const token of reader.push(chunk)) {
      expect(token.length).toBeLessThanOrEqual(max);
      tokens.push(token);
    }
  });
  return { tokens, plain: () => Buffer.concat(tokens.map(open)) };
}

describe('SaslSocketLayer', () => {
  it('passes the bind through untouched, then wraps every write into buffers within the server maximum', async () => {
    const { layer, client, peer } = await pair();
    const raw: Buffer[] = [];
    peer.once('data', (chunk: Buffer) => raw.push(chunk));
    client.write(Buffer.from('bind-request'));
    await once(peer, 'data');
    expect(Buffer.concat(raw).toString()).toBe('bind-request');
    const answered = once(client, 'data');
    peer.write(BIND_SUCCESS);
    expect((await answered)[0]).toEqual(BIND_SUCCESS);

    layer.start(fakeGss(), SecurityLayer.confidentiality, 300);
    const seen = receive(peer, 300);
    const big = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff)); // a PDU larger than the maximum
    const small = Buffer.from('after');
    let written = 0;
    client.write(big, () => written++);
    client.write(small, () => written++);
    await expect.poll(() => seen.plain().length).toBe(1005);
    expect(seen.plain().equals(Buffer.concat([big, small]))).toBe(true);
    expect(seen.tokens.length).toBeGreaterThanOrEqual(6); // 1000 octets in pieces of at most 300 - 128
    expect(written).toBe(2);
    expect(layer.sealed).toBe(true);
    client.destroy();
  });

  it('hands ldapts the plaintext in order: several PDUs in one buffer, one PDU over several buffers and TCP chunks', async () => {
    const { layer, client, peer } = await bound();
    layer.start(fakeGss(), SecurityLayer.integrity, 65536);
    const got: Buffer[] = [];
    client.on('data', (chunk: Buffer) => got.push(chunk));
    const pdus = [Buffer.from('first-pdu|'), Buffer.from('second-pdu|'), Buffer.alloc(5000, 0x41)];
    const stream = Buffer.concat([
      frameSaslBuffer(seal(Buffer.concat([pdus[0]!, pdus[1]!]))),
      frameSaslBuffer(seal(pdus[2]!.subarray(0, 2000))),
      frameSaslBuffer(seal(pdus[2]!.subarray(2000))),
    ]);
    for (let offset = 0; offset < stream.length; offset += 777) peer.write(stream.subarray(offset, offset + 777));
    await expect.poll(() => Buffer.concat(got).length).toBe(5021);
    expect(Buffer.concat(got).equals(Buffer.concat(pdus))).toBe(true);
    expect(layer.failure).toBeUndefined();
    client.destroy();
  });

  it('a buffer that fails to unwrap destroys the socket and records why; nothing after it is delivered', async () => {
    const { layer, client, peer } = await bound();
    layer.start(fakeGss(), SecurityLayer.confidentiality, 65536);
    const got: Buffer[] = [];
    client.on('data', (chunk: Buffer) => got.push(chunk));
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const good = seal(Buffer.from('ok|'));
    const bad = seal(Buffer.from('tampered'));
    bad[3]! ^= 0x01;
    const closed = new Promise((resolve) => client.on('close', resolve));
    peer.write(
      Buffer.concat([frameSaslBuffer(good), frameSaslBuffer(bad), frameSaslBuffer(seal(Buffer.from('never')))]),
    );
    await closed;
    expect(Buffer.concat(got).toString()).toBe('ok|');
    expect(layer.failure?.message).toMatch(
      /^the Kerberos security layer failed: A token had an invalid Message Integrity Check/,
    );
    expect(errors[0]).toBe(layer.failure);
  });

  it('a sealed run refuses a token that arrives only signed', async () => {
    const { layer, client, peer } = await bound();
    layer.start({ ...fakeGss(), responseConf: 0 }, SecurityLayer.confidentiality, 65536);
    client.on('error', () => undefined);
    client.on('data', () => undefined); // ldapts always listens
    const closed = new Promise((resolve) => client.on('close', resolve));
    peer.write(frameSaslBuffer(seal(Buffer.from('signed only'))));
    await closed;
    expect(layer.failure?.message).toMatch(/should have been sealed arrived only signed/);
  });

  it('never opens a second socket: a reconnect by ldapts itself would have no layer', async () => {
    const { layer, client } = await pair();
    const again = layer.connect(1, '127.0.0.1');
    const [error] = (await once(again, 'error')) as [Error];
    expect(error.message).toMatch(/not re-opened without a new bind/);
    client.destroy();
  });

  it('pipelined writes share buffers: fewer GSS wraps than writes, same bytes in the same order', async () => {
    const { layer, client, peer } = await bound();
    const gss = fakeGss();
    layer.start(gss, SecurityLayer.confidentiality, 65536);
    const seen = receive(peer, 65536);
    const writes = Array.from({ length: 200 }, (_, i) => Buffer.from(`request-${i};`));
    for (const w of writes) client.write(w);
    const expected = Buffer.concat(writes);
    await expect.poll(() => seen.plain().length).toBe(expected.length);
    expect(seen.plain().equals(expected)).toBe(true);
    expect(gss.calls).toBeLessThan(writes.length);
    client.destroy();
  });
});
