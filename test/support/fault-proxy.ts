/**
 * A fault-injecting proxy in front of the lab DC, for tests of what imctl does when the network
 * or the server misbehaves mid-run. It listens on 127.0.0.1 (or another loopback address) on a
 * port the kernel picks, and connects onward to the DC's LDAPS port.
 *
 * Two modes:
 * - pass-through (default): bytes are piped both ways untouched, so TLS stays end to end and imctl
 *   verifies the DC's own certificate. The proxy sees only ciphertext; it can cut every
 *   connection now or after a delay, and refuse new connections (ECONNREFUSED: it stops
 *   listening) or reset them during the handshake.
 * - terminating (`terminate`): the proxy presents the lab's server certificate and key, connects
 *   onward with TLS (verifying the DC against the lab CA), and reads the LDAP messages in both
 *   directions — BER framing, SEQUENCE { messageID INTEGER, protocolOp [APPLICATION n] … } —
 *   so a rule can answer a request itself (e.g. a ModifyRequest with busy/unavailable, never
 *   forwarding it), or cut the connection right after a given response (e.g. the BindResponse).
 *
 * Everything the proxy did is counted (`stats`), so a test can assert that a fault was actually
 * injected and how imctl reacted (binds sent, modifies forwarded per DN, …).
 */
import { once } from 'node:events';
import { connect as netConnect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';

/** LDAP protocolOp tags (APPLICATION class, constructed where the op is a SEQUENCE). */
export const LdapOp = {
  BindRequest: 0x60,
  BindResponse: 0x61,
  UnbindRequest: 0x42,
  SearchRequest: 0x63,
  SearchResultEntry: 0x64,
  SearchResultDone: 0x65,
  ModifyRequest: 0x66,
  ModifyResponse: 0x67,
  AddRequest: 0x68,
  AddResponse: 0x69,
  ExtendedRequest: 0x77,
  ExtendedResponse: 0x78,
} as const;

export interface LdapMessage {
  messageId: number;
  /** The protocolOp tag byte, e.g. 0x66 for ModifyRequest. */
  op: number;
  /** For requests and responses whose first element is an LDAPDN / OCTET STRING (bind name, modify object): its text. */
  dn?: string | undefined;
  /** For responses (LDAPResult): the resultCode. */
  resultCode?: number | undefined;
  /** The whole message, as framed on the wire. */
  bytes: Buffer;
}

/** What to do with a message the client sent. */
export type ClientVerdict =
  | 'forward'
  /** Answer it here with an LDAPResult of this code (and diagnostic text); never forward it. */
  | { answer: number; diagnostic?: string }
  /** Cut this connection (both sides) without forwarding the message. */
  | 'cut';

/** What to do with a message the server sent. */
export type ServerVerdict = 'forward' | 'forward-then-cut';

export interface ProxyConnection {
  /** 1, 2, 3… in the order connections were accepted. */
  readonly id: number;
  /** Messages seen from the client on this connection so far (including the current one). */
  readonly clientMessages: number;
}

export interface FaultProxyOptions {
  /** Address to listen on (default 127.0.0.1). Any 127/8 address works on Linux. */
  listenHost?: string;
  /** The DC (default 127.0.0.1:636). */
  upstream?: { host: string; port: number };
  /** Terminate TLS here: the certificate and key presented to imctl, and how to verify the DC. */
  terminate?: { cert: Buffer; key: Buffer; ca: Buffer; servername: string; serverOptions?: TlsOptions };
  /**
   * Plain LDAP (in front of port 389): no TLS on either side; messages are framed and judged as in
   * terminating mode until a StartTLS request is forwarded, after which bytes pass untouched.
   */
  plainLdap?: boolean;
  /** Keep every byte each client sent (`clientBytes`), e.g. to prove a password never crossed in clear. */
  capture?: boolean;
  /**
   * Pass-through mode: called for every TLS application-data record the client sends, numbered
   * across all connections (1, 2, 3…). ldapts writes each LDAP request in one write, so this is,
   * after the handshake, about one call per request: a deterministic point to cut at. Return
   * 'cut' to cut every connection right after forwarding this record.
   */
  onClientRecord?: (n: number, connection: ProxyConnection, length: number) => 'cut' | void;
  /**
   * Pass-through mode: each chunk the DC sends, before it goes on to the client — to record it
   * (e.g. to prove what a SASL-sealed connection shows on the wire) or to return an altered copy
   * (a flipped byte). Chunks are as TCP delivered them, numbered per connection from 1.
   */
  onServerChunk?: (chunk: Buffer, n: number, connection: ProxyConnection) => Buffer | void;
  /** Terminating mode: decide what happens to each message from the client. */
  onClientMessage?: (message: LdapMessage, connection: ProxyConnection) => ClientVerdict;
  /** Terminating mode: decide what happens to each message from the server. */
  onServerMessage?: (message: LdapMessage, connection: ProxyConnection) => ServerVerdict;
}

export interface ProxyStats {
  /** Connections accepted (including those reset during refusal). */
  accepted: number;
  /** Connections cut by cutAll / cutAfter / a rule. */
  cut: number;
  /** Connections reset or hung up at once because new connections were being refused ('reset', 'hangup'). */
  reset: number;
  /** Pass-through mode: TLS application-data records from clients, all connections together. */
  clientRecords: number;
  /** With `capture`: everything the clients sent, in order. */
  clientBytes: Buffer[];
  /** Terminating mode: client messages seen, by op tag. */
  clientOps: Map<number, number>;
  /** Terminating mode: ModifyRequests forwarded to the DC, per DN as sent (lower-cased). */
  modifiesForwarded: Map<string, number>;
  /** Terminating mode: ModifyRequests answered by the proxy, by result code. */
  modifiesAnswered: Map<number, number>;
  /** Terminating mode: BindResponses from the DC, by result code. */
  bindResults: Map<number, number>;
}

interface Pair {
  id: number;
  client: Socket | TLSSocket;
  upstream?: Socket | TLSSocket | undefined;
  clientMessages: number;
}

export class FaultProxy {
  readonly stats: ProxyStats = {
    accepted: 0,
    cut: 0,
    reset: 0,
    clientRecords: 0,
    clientBytes: [],
    clientOps: new Map(),
    modifiesForwarded: new Map(),
    modifiesAnswered: new Map(),
    bindResults: new Map(),
  };
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private nextId = 1;
  private refuseNew: 'reset' | 'hangup' | undefined;
  /** With refuseNext(): how many more connections to refuse. */
  private refusalsLeft: number | undefined;
  private portValue = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: FaultProxyOptions) {}

  /** Start a proxy on a port the kernel picks. */
  static async start(options: FaultProxyOptions = {}): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await proxy.listen(0);
    return proxy;
  }

  get port(): number {
    return this.portValue;
  }

  get host(): string {
    return this.options.listenHost ?? '127.0.0.1';
  }

  /** The URL imctl should use: the host name must be one the certificate names (default localhost). */
  url(hostname = 'localhost'): string {
    return `ldaps://${hostname}:${this.port}`;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.pairs.size;
  }

  /** Cut every open connection now, both sides, with a TCP reset (like a crashed DC or a dropped route). */
  cutAll(): number {
    let n = 0;
    for (const pair of [...this.pairs]) {
      this.destroyPair(pair);
      n++;
    }
    this.stats.cut += n;
    return n;
  }

  /** Cut every connection open at that moment, `ms` from now. */
  cutAfter(ms: number): void {
    this.later(ms, () => this.cutAll());
  }

  /**
   * Refuse new connections for `ms` (forever if omitted; call accept() to end it):
   * - 'close': stop listening, so connects fail with ECONNREFUSED, then listen again on the same port;
   * - 'reset': accept and reset at once (TCP RST: the TLS handshake fails with ECONNRESET);
   * - 'hangup': accept and close at once (TCP FIN: "Client network socket disconnected before
   *   secure TLS connection was established", as from a DC that is shutting down).
   * Resolves once the refusal has started.
   */
  async refuse(ms?: number, how: 'close' | 'reset' | 'hangup' = 'close'): Promise<void> {
    if (how === 'close') await this.stopListening();
    else this.refuseNew = how;
    if (ms !== undefined) this.later(ms, () => void this.accept());
  }

  /**
   * Refuse the next `count` connections ('reset' or 'hangup' as for refuse()), then accept again:
   * a DC that is restarting for as long as it takes the client to try `count` times, however
   * slow the machine running the test is (a refusal for a fixed time can end before a loaded
   * client's first retry).
   */
  refuseNext(count: number, how: 'reset' | 'hangup'): void {
    this.refuseNew = how;
    this.refusalsLeft = count;
  }

  /** Accept new connections again. */
  async accept(): Promise<void> {
    this.refuseNew = undefined;
    this.refusalsLeft = undefined;
    if (!this.server && !this.closed) await this.listen(this.portValue);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const pair of [...this.pairs]) this.destroyPair(pair);
    await this.stopListening();
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  private async listen(port: number): Promise<void> {
    const server = this.options.terminate
      ? createTlsServer(
          {
            ...this.options.terminate.serverOptions,
            cert: this.options.terminate.cert,
            key: this.options.terminate.key,
          },
          (socket) => this.onTlsClient(socket),
        )
      : createNetServer((socket) => (this.options.plainLdap ? this.onPlainLdapClient(socket) : this.onClient(socket)));
    server.on('error', () => undefined);
    // The TLS server reports handshake failures (a client that rejects our certificate) here.
    server.on('tlsClientError', () => undefined);
    // Re-listening on a port we just released can briefly fail: try a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host: this.host, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        if (attempt >= 20 || port === 0) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.portValue = address.port;
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = once(server, 'close');
      server.close();
      await closed;
    }
  }

  private upstreamAddress(): { host: string; port: number } {
    return this.options.upstream ?? { host: '127.0.0.1', port: 636 };
  }

  private register(client: Socket | TLSSocket): Pair | undefined {
    this.stats.accepted++;
    client.on('error', () => undefined);
    if (this.refuseNew) {
      this.stats.reset++;
      if (this.refuseNew === 'reset') client.resetAndDestroy();
      else client.destroy();
      if (this.refusalsLeft !== undefined && --this.refusalsLeft <= 0) void this.accept();
      return undefined;
    }
    const pair: Pair = { id: this.nextId++, client, clientMessages: 0 };
    this.pairs.add(pair);
    client.on('close', () => this.destroyPair(pair));
    return pair;
  }

  /**
   * Drop a connection: the client side is reset (imctl sees the connection die mid-air, with
   * requests in flight); the DC side is closed after what was already forwarded, so the DC may
   * still apply requests whose answers will never reach imctl — the case that must not be
   * reported wrongly or done twice.
   */
  private destroyPair(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    const { client, upstream } = pair;
    if (!client.destroyed) {
      if (!(client as TLSSocket).encrypted) client.resetAndDestroy();
      else client.destroy();
    }
    if (upstream && !upstream.destroyed) {
      upstream.unpipe?.();
      upstream.removeAllListeners('data');
      upstream.end();
      setTimeout(() => upstream.destroy(), 2000).unref();
    }
  }

  /** Pass-through: pipe bytes both ways. */
  private onClient(client: Socket): void {
    const pair = this.register(client);
    if (!pair) return;
    const { host, port } = this.upstreamAddress();
    const upstream = netConnect({ host, port });
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.on('error', () => this.destroyPair(pair));
    upstream.on('close', () => this.destroyPair(pair));
    const view: ProxyConnection = {
      id: pair.id,
      get clientMessages() {
        return pair.clientMessages;
      },
    };
    const onServerChunk = this.options.onServerChunk;
    if (onServerChunk) {
      let chunks = 0;
      upstream.on('data', (chunk: Buffer) => {
        if (this.pairs.has(pair)) client.write(onServerChunk(chunk, ++chunks, view) ?? chunk);
      });
    } else {
      upstream.pipe(client);
    }
    const records = new TlsRecordCounter();
    client.on('data', (chunk: Buffer) => {
      if (!this.pairs.has(pair)) return;
      if (this.options.capture) this.stats.clientBytes.push(Buffer.from(chunk));
      let cut = false;
      for (const length of records.push(chunk)) {
        pair.clientMessages++;
        if (this.options.onClientRecord?.(++this.stats.clientRecords, view, length) === 'cut') cut = true;
      }
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
      // Forwarded, so the DC may act on it; its answer will never arrive.
      if (cut) setImmediate(() => this.cutAll());
    });
  }

  /** Plain LDAP: framed and judged like terminating mode, until StartTLS turns the stream into TLS. */
  private onPlainLdapClient(client: Socket): void {
    const pair = this.register(client);
    if (!pair) return;
    const { host, port } = this.upstreamAddress();
    const upstream = netConnect({ host, port });
    pair.upstream = upstream;
    upstream.on('error', () => this.destroyPair(pair));
    upstream.on('close', () => this.destroyPair(pair));
    this.judge(pair, client, upstream, true);
  }

  /** Terminating: TLS on both sides, LDAP messages framed and judged one by one. */
  private onTlsClient(client: TLSSocket): void {
    const pair = this.register(client);
    if (!pair) return;
    const t = this.options.terminate!;
    const { host, port } = this.upstreamAddress();
    const upstream = tlsConnect({ host, port, ca: t.ca, servername: t.servername, minVersion: 'TLSv1.2' });
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.on('error', () => this.destroyPair(pair));
    upstream.on('close', () => this.destroyPair(pair));
    this.judge(pair, client, upstream, false);
  }

  /** Frame the LDAP messages both ways and apply the rules; with `untilStartTls`, pass bytes raw once StartTLS was forwarded. */
  private judge(pair: Pair, client: Socket | TLSSocket, upstream: Socket | TLSSocket, untilStartTls: boolean): void {
    let rawFromClient = false;
    let rawFromServer = false;
    let startTlsId: number | undefined;
    const view: ProxyConnection = {
      id: pair.id,
      get clientMessages() {
        return pair.clientMessages;
      },
    };

    // Client → DC. Data may arrive before the upstream is connected: writes are buffered.
    const fromClient = new BerFramer();
    client.on('data', (chunk: Buffer) => {
      if (this.options.capture) this.stats.clientBytes.push(Buffer.from(chunk));
      if (rawFromClient) {
        upstream.write(chunk);
        return;
      }
      for (const bytes of fromClient.push(chunk)) {
        if (!this.pairs.has(pair)) return;
        pair.clientMessages++;
        const message = parseMessage(bytes);
        this.stats.clientOps.set(message.op, (this.stats.clientOps.get(message.op) ?? 0) + 1);
        const verdict = this.options.onClientMessage?.(message, view) ?? 'forward';
        if (verdict === 'cut') {
          this.stats.cut++;
          this.destroyPair(pair);
          return;
        }
        if (verdict === 'forward') {
          if (message.op === LdapOp.ModifyRequest && message.dn !== undefined) {
            const key = message.dn.toLowerCase();
            this.stats.modifiesForwarded.set(key, (this.stats.modifiesForwarded.get(key) ?? 0) + 1);
          }
          upstream.write(bytes);
          if (untilStartTls && message.op === LdapOp.ExtendedRequest && bytes.includes(START_TLS_OID)) {
            // The client's next bytes are its TLS ClientHello.
            rawFromClient = true;
            startTlsId = message.messageId;
          }
          continue;
        }
        if (message.op === LdapOp.ModifyRequest)
          this.stats.modifiesAnswered.set(verdict.answer, (this.stats.modifiesAnswered.get(verdict.answer) ?? 0) + 1);
        client.write(
          ldapResult(message.messageId, responseOpFor(message.op), verdict.answer, verdict.diagnostic ?? ''),
        );
      }
    });

    // DC → client.
    const fromServer = new BerFramer();
    upstream.on('data', (chunk: Buffer) => {
      if (rawFromServer) {
        client.write(chunk);
        return;
      }
      for (const bytes of fromServer.push(chunk)) {
        if (!this.pairs.has(pair)) return;
        const message = parseMessage(bytes);
        if (message.op === LdapOp.BindResponse && message.resultCode !== undefined) {
          this.stats.bindResults.set(message.resultCode, (this.stats.bindResults.get(message.resultCode) ?? 0) + 1);
        }
        const verdict = this.options.onServerMessage?.(message, view) ?? 'forward';
        if (verdict === 'forward-then-cut') {
          // Let the response reach the client, then reset: the next request finds no connection.
          client.write(bytes, () => {
            this.stats.cut++;
            this.destroyPair(pair);
          });
          return;
        }
        client.write(bytes);
        if (message.op === LdapOp.ExtendedResponse && message.messageId === startTlsId) rawFromServer = true;
      }
    });
  }
}

const START_TLS_OID = Buffer.from('1.3.6.1.4.1.1466.20037');

/**
 * Finds complete TLS application-data records (content type 23) in a byte stream. Their payload
 * lengths tell requests apart without decrypting them: a move's ModifyRequest is much larger
 * than a paged-search continuation and much smaller than a 100-name OR filter.
 */
export class TlsRecordCounter {
  private pending: Buffer = Buffer.alloc(0);

  /** Feed bytes; returns the payload length of each application-data record they completed. */
  push(chunk: Buffer): number[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lengths: number[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt16BE(3);
      if (this.pending.length < 5 + length) break;
      if (this.pending[0] === 23) lengths.push(length);
      this.pending = this.pending.subarray(5 + length);
    }
    return lengths;
  }
}

// ---------------------------------------------------------------------------
// BER, just enough for LDAPMessage framing

/** Splits a byte stream into complete top-level BER elements (LDAPMessage SEQUENCEs). */
export class BerFramer {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const header = readLength(this.buffer, 1);
      if (!header) break;
      const total = header.offset + header.length;
      if (this.buffer.length < total) break;
      out.push(this.buffer.subarray(0, total));
      this.buffer = this.buffer.subarray(total);
    }
    return out;
  }
}

/** The BER length at `at`: its value and where the content starts; undefined if not all there yet. */
function readLength(buffer: Buffer, at: number): { length: number; offset: number } | undefined {
  if (buffer.length <= at) return undefined;
  const first = buffer[at]!;
  if (first < 0x80) return { length: first, offset: at + 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new Error(`unsupported BER length form 0x${first.toString(16)}`);
  if (buffer.length < at + 1 + n) return undefined;
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + buffer[at + 1 + i]!;
  return { length, offset: at + 1 + n };
}

/** Read an LDAPMessage: messageID, protocolOp tag, and (where present) the DN and resultCode. */
export function parseMessage(bytes: Buffer): LdapMessage {
  if (bytes[0] !== 0x30) throw new Error(`not an LDAPMessage (tag 0x${bytes[0]?.toString(16)})`);
  const outer = readLength(bytes, 1)!;
  let at = outer.offset;
  if (bytes[at] !== 0x02) throw new Error('LDAPMessage without a messageID');
  const idLength = readLength(bytes, at + 1)!;
  let messageId = 0;
  for (let i = 0; i < idLength.length; i++) messageId = messageId * 256 + bytes[idLength.offset + i]!;
  at = idLength.offset + idLength.length;
  const op = bytes[at]!;
  const message: LdapMessage = { messageId, op, bytes };
  const opLength = readLength(bytes, at + 1);
  if (!opLength || (op & 0x20) === 0) return message; // a primitive op (UnbindRequest, DelRequest)
  let inner = opLength.offset;
  if (op === LdapOp.BindRequest && bytes[inner] === 0x02) {
    // BindRequest: version INTEGER first, then the name.
    const v = readLength(bytes, inner + 1)!;
    inner = v.offset + v.length;
  }
  if (bytes[inner] === 0x0a) {
    // LDAPResult: resultCode ENUMERATED, matchedDN, diagnosticMessage.
    const r = readLength(bytes, inner + 1)!;
    message.resultCode = bytes[r.offset];
  } else if (bytes[inner] === 0x04) {
    const s = readLength(bytes, inner + 1)!;
    message.dn = bytes.subarray(s.offset, s.offset + s.length).toString('utf8');
  }
  return message;
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

function encodeInteger(value: number): Buffer {
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

/** An LDAPMessage carrying an LDAPResult: SEQUENCE { messageID, [APPLICATION op] { resultCode, matchedDN "", diagnosticMessage } }. */
export function ldapResult(messageId: number, op: number, resultCode: number, diagnostic = ''): Buffer {
  const result = Buffer.concat([
    tlv(0x0a, Buffer.from([resultCode])),
    tlv(0x04, Buffer.alloc(0)),
    tlv(0x04, Buffer.from(diagnostic, 'utf8')),
  ]);
  return tlv(0x30, Buffer.concat([tlv(0x02, encodeInteger(messageId)), tlv(op, result)]));
}

/** The response op for a request op (ModifyRequest 0x66 → ModifyResponse 0x67, BindRequest → BindResponse, …). */
export function responseOpFor(requestOp: number): number {
  if (requestOp === LdapOp.SearchRequest) return LdapOp.SearchResultDone;
  if (requestOp === LdapOp.ExtendedRequest) return LdapOp.ExtendedResponse;
  return requestOp + 1;
}

/**
 * An `onServerChunk` that flips one bit in the middle of the `nth` chunk the DC sends that starts
 * with 0 — after a Kerberos bind, a SASL buffer (its 4-octet length) — and counts those chunks.
 */
export function flipSaslChunk(nth: number): {
  onServerChunk: (chunk: Buffer) => Buffer | undefined;
  seen: () => number;
} {
  let n = 0;
  return {
    onServerChunk: (chunk) => {
      if (chunk[0] !== 0 || ++n !== nth) return undefined;
      const copy = Buffer.from(chunk);
      copy[Math.floor(copy.length / 2)]! ^= 0x80;
      return copy;
    },
    seen: () => n,
  };
}
