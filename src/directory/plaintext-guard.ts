/**
 * The octets a DC sends before the protection of a connection starts (StartTLS, or the SASL
 * security layer after a Kerberos bind) are octets anyone on the path can write. ldapts parses
 * one stream before and after the switch and keeps an unfinished message in its parser, so a man
 * in the middle who appends the start of a message after the last cleartext answer gets it
 * completed by the first protected octets: a forged reply accepted as protected.
 *
 * The guard owns the plain socket's data path from its first octet:
 * - it hands ldapts whole LDAP messages only, so nothing is left in ldapts's parser when
 *   protection starts;
 * - once the answer that starts protection has been delivered (the StartTLS ExtendedResponse, or
 *   the successful BindResponse that ends a SASL bind), any further octet before protection is a
 *   protocol violation: a DC sends nothing until it is asked again. The socket is destroyed and
 *   `failure` says why;
 * - `handOver` gives the data path to the protection (the SASL layer's unwrap), refusing if
 *   anything is pending. TLS takes the socket's handle itself, so no octet reaches the guard after it.
 */
import type { Socket } from 'node:net';
import { plural } from '../core/words.js';

/** What ends the cleartext part of the connection. */
export type ProtectionStart = 'starttls' | 'sasl-layer';

/** LDAP protocolOp tags (RFC 4511, APPLICATION class). */
const BIND_RESPONSE = 0x61;
const EXTENDED_RESPONSE = 0x78;
/** Nothing before protection is large: bind and StartTLS answers are a few KB with Kerberos tokens. */
export const MAX_CLEARTEXT_MESSAGE = 256 * 1024;

/** A BER length at `offset`: its value and how many octets it took, or undefined if not all here yet. */
function berLength(buffer: Buffer, offset: number): { value: number; octets: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const first = buffer[offset]!;
  if (first < 0x80) return { value: first, octets: 1 };
  const count = first & 0x7f;
  if (count === 0 || count > 4) return { value: Number.POSITIVE_INFINITY, octets: 1 };
  if (offset + 1 + count > buffer.length) return undefined;
  let value = 0;
  for (let i = 0; i < count; i++) value = value * 256 + buffer[offset + 1 + i]!;
  return { value, octets: 1 + count };
}

interface Framed {
  /** The whole message's length in octets. */
  length: number;
  messageId: number;
  op: number;
  /** The LDAPResult's resultCode, for responses. */
  resultCode: number | undefined;
}

/**
 * The LDAPMessage at the start of `buffer` (SEQUENCE { messageID INTEGER, protocolOp, … }), or
 * undefined while it is incomplete. Throws on octets that cannot start an LDAP message.
 */
export function frameLdapMessage(buffer: Buffer): Framed | undefined {
  if (buffer.length === 0) return undefined;
  if (buffer[0] !== 0x30) throw new Error(`octet 0x${buffer[0]!.toString(16)} cannot start an LDAP message`);
  const outer = berLength(buffer, 1);
  if (!outer) return undefined;
  const length = 1 + outer.octets + outer.value;
  if (length > MAX_CLEARTEXT_MESSAGE)
    throw new Error(`a message of ${outer.value} octets before protection (at most ${MAX_CLEARTEXT_MESSAGE})`);
  if (buffer.length < length) return undefined;
  let at = 1 + outer.octets;
  if (buffer[at] !== 0x02) throw new Error('an LDAP message without a message ID');
  const idLength = berLength(buffer, at + 1)!;
  at += 1 + idLength.octets;
  let messageId = 0;
  for (let i = 0; i < idLength.value && i < 4; i++) messageId = messageId * 256 + buffer[at + i]!;
  at += idLength.value;
  const op = buffer[at]!;
  const opLength = berLength(buffer, at + 1);
  let resultCode: number | undefined;
  if (opLength && buffer[at + 1 + opLength.octets] === 0x0a) resultCode = buffer[at + 3 + opLength.octets];
  return { length, messageId, op, resultCode };
}

function startsProtection(message: Framed, until: ProtectionStart): boolean {
  // messageID 0 is an unsolicited notification (Notice of Disconnection), not the StartTLS answer.
  if (until === 'starttls') return message.op === EXTENDED_RESPONSE && message.messageId !== 0;
  return message.op === BIND_RESPONSE && message.resultCode === 0;
}

export class PlaintextGuard {
  /** Why the connection was refused; the socket is destroyed with it. */
  failure: Error | undefined;
  private pending: Buffer = Buffer.alloc(0);
  /** The answer that starts protection was delivered: nothing more may arrive in clear. */
  private protectionDue = false;
  private protectedHandler: ((chunk: Buffer) => void) | undefined;
  private readonly rawEmit: Socket['emit'];

  constructor(
    private readonly socket: Socket,
    private readonly until: ProtectionStart,
  ) {
    this.rawEmit = socket.emit.bind(socket) as Socket['emit'];
    socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== 'data') return this.rawEmit(event, ...args);
      if (this.protectedHandler) this.protectedHandler(args[0] as Buffer);
      else this.cleartext(args[0] as Buffer);
      return true;
    }) as Socket['emit'];
  }

  /** Deliver data to ldapts's listeners (for the protection, once it has unwrapped it). */
  deliver(chunk: Buffer): void {
    this.rawEmit('data', chunk);
  }

  /** Protection starts now: every later octet goes to `handler`. Throws if the cleartext part did not end cleanly. */
  handOver(handler: (chunk: Buffer) => void): void {
    if (this.failure) throw this.failure;
    if (!this.protectionDue || this.pending.length > 0) {
      this.fail(
        `${plural(this.pending.length, 'octet')} of an unfinished message ${this.pending.length === 1 ? 'was' : 'were'} pending when protection started`,
      );
      throw this.failure!;
    }
    this.protectedHandler = handler;
  }

  private cleartext(chunk: Buffer): void {
    if (this.failure) return;
    if (this.protectionDue) {
      this.fail(
        `${plural(chunk.length, 'octet')} arrived after the ${this.answerName()} and before protection started`,
      );
      return;
    }
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const messages: Buffer[] = [];
    try {
      for (let framed = frameLdapMessage(buffer); framed; framed = frameLdapMessage(buffer)) {
        messages.push(buffer.subarray(0, framed.length));
        buffer = buffer.subarray(framed.length);
        if (startsProtection(framed, this.until)) {
          // Refuse before ldapts sees the answer, so the bind or StartTLS never completes.
          if (buffer.length > 0) {
            this.fail(
              `${plural(buffer.length, 'octet')} came after the ${this.answerName()}, before protection started`,
            );
            return;
          }
          this.protectionDue = true;
        }
      }
    } catch (error) {
      this.fail(`the cleartext part of the connection is not LDAP (${(error as Error).message})`);
      return;
    }
    this.pending = Buffer.from(buffer);
    for (const message of messages) this.rawEmit('data', message);
  }

  private answerName(): string {
    return this.until === 'starttls' ? 'StartTLS answer' : 'answer that completed the Kerberos bind';
  }

  private fail(why: string): void {
    if (this.failure) return;
    this.failure = new Error(why);
    this.pending = Buffer.alloc(0);
    this.socket.destroy(this.failure);
  }
}
