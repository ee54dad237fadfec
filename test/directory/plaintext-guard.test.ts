/**
 * The cleartext guard (issue 29, 1): before StartTLS or the SASL layer starts, a man in the middle
 * can write into the stream. ldapts keeps an unfinished message in its parser across the switch, so
 * octets appended after the last cleartext answer would be completed by protected data. Here a
 * local peer plays the man in the middle against the real ldapts client, through the same
 * `createConnection` seam the directory adapter uses.
 */
import { once } from 'node:events';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { Client } from 'ldapts';
import { afterEach, describe, expect, it } from 'vitest';
import { frameLdapMessage, MAX_CLEARTEXT_MESSAGE, PlaintextGuard } from '../../src/directory/plaintext-guard.js';

/** ExtendedResponse, messageID 1, success: the answer to StartTLS. */
const STARTTLS_OK = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
/** BindResponse, messageID 1, success; and the same with saslBindInProgress (14). */
const BIND_OK = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
const BIND_IN_PROGRESS = Buffer.from(BIND_OK).fill(0x0e, 9, 10);
/** The start of a forged SearchResultEntry (messageID 2) that protected octets would complete. */
const FORGED_START = Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x02, 0x64]);

let server: Server | undefined;
afterEach(() => server?.close());

/** A peer that answers each request with what `answer` gives for the n-th one (1, 2, …). */
async function peer(answer: (n: number) => Buffer[]): Promise<{ port: number; received: () => number }> {
  let requests = 0;
  let octets = 0;
  server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      octets += chunk.length;
      for (const piece of answer(++requests)) socket.write(piece);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, received: () => octets };
}

function guardedClient(port: number, until: 'starttls' | 'sasl-layer') {
  let guard: PlaintextGuard | undefined;
  const client = new Client({
    url: `ldap://127.0.0.1:${port}`,
    timeout: 5000,
    createConnection: ((...args: Parameters<typeof netConnect>) => {
      const socket = netConnect(...args);
      guard = new PlaintextGuard(socket, until);
      return socket;
    }) as typeof netConnect,
  });
  return { client, guard: () => guard! };
}

describe('frameLdapMessage', () => {
  it('reads the message ID, the operation and the result code, and waits for a message split anywhere', () => {
    expect(frameLdapMessage(BIND_OK)).toEqual({ length: 14, messageId: 1, op: 0x61, resultCode: 0 });
    expect(frameLdapMessage(BIND_IN_PROGRESS)?.resultCode).toBe(14);
    for (let cut = 0; cut < BIND_OK.length; cut++) expect(frameLdapMessage(BIND_OK.subarray(0, cut))).toBeUndefined();
  });

  it('refuses what cannot be LDAP, and a length larger than anything sent before protection', () => {
    expect(() => frameLdapMessage(Buffer.from('HTTP/1.1 200 OK'))).toThrow(/cannot start an LDAP message/);
    const huge = Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]);
    expect(() => frameLdapMessage(huge)).toThrow(new RegExp(`at most ${MAX_CLEARTEXT_MESSAGE}`));
  });
});

describe('StartTLS', () => {
  it('six octets after the StartTLS answer, in the same read: refused before ldapts sees the answer; no TLS handshake is started', async () => {
    const mitm = await peer(() => [Buffer.concat([STARTTLS_OK, FORGED_START.subarray(0, 6)])]);
    const { client, guard } = guardedClient(mitm.port, 'starttls');
    await expect(client.startTLS({ rejectUnauthorized: true })).rejects.toThrow(
      /6 octets came after the StartTLS answer, before protection started/,
    );
    expect(guard().failure?.message).toMatch(/came after the StartTLS answer/);
    await new Promise((r) => setTimeout(r, 50));
    // Only the ExtendedRequest reached the peer: no ClientHello went out on the tampered connection.
    expect(mitm.received()).toBeLessThan(40);
  });

  it('octets in a later read, before TLS starts, are refused too', async () => {
    let socketOf: Socket | undefined;
    server = createServer((socket) => {
      socketOf = socket;
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write(STARTTLS_OK));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = netConnect((server.address() as { port: number }).port, '127.0.0.1');
    const guard = new PlaintextGuard(socket, 'starttls');
    socket.on('error', () => undefined);
    const delivered: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => delivered.push(chunk));
    await once(socket, 'connect');
    socket.write(Buffer.from([0x30, 0x00]));
    await expect.poll(() => delivered.length).toBe(1);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socketOf!.write(Buffer.from([0x30]));
    await closed;
    expect(guard.failure?.message).toBe('1 octet arrived after the StartTLS answer and before protection started');
    expect(delivered).toEqual([STARTTLS_OK]);
  });
});

describe('the SASL layer', () => {
  it('hands ldapts whole messages only: an answer split over reads arrives once, whole', async () => {
    const { port } = await peer(() => [BIND_IN_PROGRESS.subarray(0, 5), BIND_IN_PROGRESS.subarray(5)]);
    const { client } = guardedClient(port, 'sasl-layer');
    const delivered: Buffer[] = [];
    await (client as unknown as { _connect(): Promise<void> })._connect();
    const socket = (client as unknown as { socket: Socket }).socket;
    socket.prependListener('data', (chunk: Buffer) => delivered.push(chunk));
    socket.write(Buffer.from([0x30, 0x00]));
    await expect.poll(() => delivered.length).toBe(1);
    expect(delivered[0]).toEqual(BIND_IN_PROGRESS);
    socket.destroy();
  });

  it('the start of a forged message after the successful BindResponse: the bind never succeeds, and the layer cannot start', async () => {
    const { port } = await peer(() => [Buffer.concat([BIND_OK, FORGED_START])]);
    const { client, guard } = guardedClient(port, 'sasl-layer');
    await expect(client.bind('CN=x', 'y')).rejects.toThrow(
      /8 octets came after the answer that completed the Kerberos bind/,
    );
    expect(() => guard().handOver(() => undefined)).toThrow(/came after the answer that completed the Kerberos bind/);
  });

  it('handing over before the bind succeeded, with part of a message pending, is refused', async () => {
    const { port } = await peer(() => [BIND_IN_PROGRESS.subarray(0, 7)]);
    const { client, guard } = guardedClient(port, 'sasl-layer');
    const bind = client.bind('CN=x', 'y').catch((error: Error) => error);
    await new Promise((r) => setTimeout(r, 100));
    expect(() => guard().handOver(() => undefined)).toThrow(
      /7 octets of an unfinished message were pending when protection started/,
    );
    expect(String(await bind)).toMatch(/pending when protection started/);
  });
});
