/**
 * The SASL GSSAPI security layer beneath ldapts (RFC 4752 §3.1, RFC 4422 §3.7): the socket that
 * ldapts gets from its `createConnection` factory, which — once the bind has chosen a layer —
 * wraps every write into SASL buffers and unwraps every buffer that comes in before ldapts's
 * parser sees it. Before the layer starts (the bind itself) a PlaintextGuard hands ldapts whole
 * messages only and refuses any octet between the bind's last answer and the layer's start.
 *
 * - Outgoing: writes queued while a wrap is under way go out together in the next buffer (fewer
 *   GSS calls when requests are pipelined); a PDU larger than the server's maximum spans buffers.
 * - Incoming: `SaslBufferReader` reassembles buffers from any TCP split; each is unwrapped in
 *   order and its plaintext handed to ldapts's 'data' listener (a PDU may span buffers, a buffer
 *   may carry several PDUs: ldapts's parser already copes with both).
 * - Every GSS call on the context runs one at a time: the Kerberos sequence numbers must follow
 *   the order on the wire, and the `kerberos` package keeps one response slot per context.
 * - One socket per layer: if ldapts ever tried to reconnect this client on its own, the new
 *   socket would have no layer — it is refused, so nothing is ever sent unprotected.
 * - A buffer that fails to unwrap (tampering, a wrong key) or a sealed run receiving an unsealed
 *   token destroys the socket; `failure` says why, and the directory stops the run on it.
 */
import { connect as netConnect, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { wrapTokenSealed } from '../core/gss-wrap-token.js';
import { PlaintextGuard } from './plaintext-guard.js';
import {
  frameSaslBuffer,
  OUR_MAX_BUFFER,
  SaslBufferReader,
  SecurityLayer,
  splitForBuffers,
} from '../core/sasl-security-layer.js';

/** The GSS calls the layer needs (the `kerberos` package's client; tokens are base64). */
export interface GssWrapper {
  wrap(data: string, options: { protect?: boolean }): Promise<string>;
  unwrap(token: string): Promise<string>;
  /** After unwrap: 1 if the token was sealed (MIT only; the token itself is read first). */
  readonly responseConf?: number;
}

interface Pending {
  data: Buffer;
  callback?: ((error?: Error | null) => void) | undefined;
}

export class SaslSocketLayer {
  private socket: Socket | undefined;
  private gss: GssWrapper | undefined;
  private layer = 0;
  private serverMax = 0;
  private gssQueue: Promise<unknown> = Promise.resolve();
  private outgoing: Pending[] = [];
  private flushing = false;
  private rawWrite: Socket['write'] | undefined;
  private guard: PlaintextGuard | undefined;
  private layerFailure: Error | undefined;
  /** Told once when the layer breaks, so the connection stops the run before anything else is sent. */
  onFailure: ((failure: Error) => void) | undefined;
  /** Counters for -v and tests: buffers each way, GSS calls, and the time spent inside them (ms). */
  readonly stats = { buffersOut: 0, buffersIn: 0, wraps: 0, unwraps: 0, gssMs: 0 };

  /** For ldapts's `createConnection`: the one socket of this layer. */
  readonly connect = ((...args: Parameters<typeof netConnect>): Socket => {
    if (this.socket) {
      const refused = new Socket();
      process.nextTick(() =>
        refused.destroy(new Error('Socket error: a Kerberos-sealed connection is not re-opened without a new bind')),
      );
      return refused;
    }
    this.socket = netConnect(...args).setNoDelay(true);
    this.guard = new PlaintextGuard(this.socket, 'sasl-layer');
    return this.socket;
  }) as typeof netConnect;

  /** Why the connection broke: an octet in clear where none may be, or a buffer that failed to unwrap. */
  get failure(): Error | undefined {
    return this.layerFailure ?? this.guard?.failure;
  }

  /** The cleartext guard's refusal, if that is what broke the connection (not the layer itself). */
  get cleartextFailure(): Error | undefined {
    return this.guard?.failure;
  }

  get active(): boolean {
    return this.layer !== 0;
  }

  get sealed(): boolean {
    return this.layer === SecurityLayer.confidentiality;
  }

  /** Start the layer right after the bind succeeded: from here on every octet is wrapped. */
  start(gss: GssWrapper, layer: number, serverMax: number): void {
    const socket = this.socket;
    const guard = this.guard;
    if (!socket || !guard) throw new Error('the SASL layer has no socket to protect');
    const reader = new SaslBufferReader(OUR_MAX_BUFFER);
    guard.handOver((chunk) => {
      let tokens: Buffer[];
      try {
        tokens = reader.push(chunk);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      for (const token of tokens) this.deliver(token);
    });
    this.gss = gss;
    this.layer = layer;
    this.serverMax = serverMax;
    this.rawWrite = socket.write.bind(socket) as Socket['write'];
    socket.write = ((
      data: Buffer | string,
      encoding?: BufferEncoding | ((error?: Error | null) => void),
      callback?: (error?: Error | null) => void,
    ): boolean => {
      const done = typeof encoding === 'function' ? encoding : callback;
      this.outgoing.push({
        data: typeof data === 'string' ? Buffer.from(data, typeof encoding === 'string' ? encoding : 'utf8') : data,
        callback: done,
      });
      if (!this.flushing) void this.flush();
      return true;
    }) as Socket['write'];
  }

  /** One GSS call at a time, in the order asked. */
  private serial<T>(call: () => Promise<T>): Promise<T> {
    const result = this.gssQueue.then(async () => {
      const started = performance.now();
      try {
        return await call();
      } finally {
        this.stats.gssMs += performance.now() - started;
      }
    });
    this.gssQueue = result.catch(() => undefined);
    return result;
  }

  private deliver(token: Buffer): void {
    this.stats.buffersIn++;
    const gss = this.gss!;
    this.serial(async () => {
      const plain = Buffer.from(await gss.unwrap(token.toString('base64')), 'base64');
      this.stats.unwraps++;
      // The token says whether it was sealed; SSPI never sets responseConf (src/core/gss-wrap-token.ts).
      if (this.sealed && !(wrapTokenSealed(token) ?? gss.responseConf === 1))
        throw new Error('a message that should have been sealed arrived only signed');
      return plain;
    }).then(
      (plain) => {
        if (!this.failure && plain.length > 0) this.guard!.deliver(plain);
      },
      (error: Error) => this.fail(error),
    );
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.outgoing.length > 0 && !this.failure) {
        const batch = this.outgoing;
        this.outgoing = [];
        const plain = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((p) => p.data));
        for (const piece of splitForBuffers(plain, this.serverMax)) {
          const token = Buffer.from(
            await this.serial(() => this.gss!.wrap(piece.toString('base64'), { protect: this.sealed })),
            'base64',
          );
          this.stats.wraps++;
          if (token.length > this.serverMax)
            throw new Error(
              `a wrapped buffer of ${token.length} octets exceeds the server's maximum of ${this.serverMax}`,
            );
          this.stats.buffersOut++;
          this.rawWrite!(frameSaslBuffer(token));
        }
        for (const pending of batch) pending.callback?.();
      }
    } catch (error) {
      this.fail(error as Error);
    } finally {
      this.flushing = false;
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    const failure = (this.layerFailure = new Error(
      `the Kerberos security layer failed: ${error.message.split('\n')[0]}`,
    ));
    for (const pending of this.outgoing) pending.callback?.(failure);
    this.outgoing = [];
    this.onFailure?.(failure);
    this.socket?.destroy(failure);
  }
}
