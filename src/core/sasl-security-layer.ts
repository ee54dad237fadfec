/**
 * The last step of a SASL GSSAPI bind (RFC 4752 §3.1): after the Kerberos context is established
 * the server sends a 4-octet offer — a bit mask of the security layers it supports and the largest
 * message it accepts — and the client answers with its choice, its own maximum, and an optional
 * authorisation identity. With a layer chosen, each direction then becomes a stream of SASL
 * buffers (RFC 4422 §3.7): a 4-octet big-endian length, then that many octets of one GSS_Wrap
 * token. Pure: the GSS wrap/unwrap around these octets happens elsewhere.
 */

/** Security-layer bits of the first octet. */
export const SecurityLayer = { none: 1, integrity: 2, confidentiality: 4 } as const;

export interface SecurityLayerOffer {
  /** Bit mask of SecurityLayer values the server supports. */
  layers: number;
  /** The largest wrapped message the server accepts (0 when it offers no layer only). */
  maxMessageSize: number;
}

/** Read the server's (already unwrapped) offer. */
export function parseSecurityLayerOffer(octets: Uint8Array): SecurityLayerOffer {
  if (octets.length !== 4)
    throw new Error(`the server's SASL security-layer offer has ${octets.length} octets instead of 4`);
  return { layers: octets[0]!, maxMessageSize: (octets[1]! << 16) | (octets[2]! << 8) | octets[3]! };
}

/**
 * The answer that chooses no security layer, as Active Directory requires on a TLS connection
 * (MS-ADTS 5.1.1.1.2): layer "none" and a maximum message size of 0 (RFC 4752: it must be 0
 * when no layer is chosen), then the authorisation identity — empty: act as the ticket's principal.
 */
export function noSecurityLayerAnswer(authorizationId = ''): Buffer {
  return Buffer.concat([Buffer.from([SecurityLayer.none, 0, 0, 0]), Buffer.from(authorizationId, 'utf8')]);
}

/** True if the server lets the client go without a security layer (over TLS nothing else is allowed). */
export function offersNoSecurityLayer(offer: SecurityLayerOffer): boolean {
  return (offer.layers & SecurityLayer.none) !== 0;
}

/** What a run asks for on plain LDAP: confidentiality (the default) or integrity only. */
export type SaslLayerMode = 'seal' | 'sign';
export const SASL_LAYER_MODES: readonly SaslLayerMode[] = ['seal', 'sign'];

/**
 * The largest SASL buffer imctl accepts (its "maximum buffer size" in the answer): the 24-bit
 * field's ceiling. A length above it on the wire is refused as corrupt, never allocated.
 */
export const OUR_MAX_BUFFER = 0xffffff;

/** The layer bit for a mode. */
export function layerBit(mode: SaslLayerMode): number {
  return mode === 'seal' ? SecurityLayer.confidentiality : SecurityLayer.integrity;
}

/**
 * The layer to choose from the server's offer, or why none fits. Never "no layer": on plain LDAP
 * that would send every message in clear, so a server offering only that is refused.
 */
export function chooseSecurityLayer(
  offer: SecurityLayerOffer,
  mode: SaslLayerMode,
): { layer: number } | { refusal: string } {
  const wanted = layerBit(mode);
  if ((offer.layers & wanted) !== 0 && offer.maxMessageSize > 0) return { layer: wanted };
  const offered = [
    offer.layers & SecurityLayer.confidentiality ? 'sealing' : '',
    offer.layers & SecurityLayer.integrity ? 'signing' : '',
    offer.layers & SecurityLayer.none ? 'no layer' : '',
  ].filter(Boolean);
  if (offered.length === 0 || (offered.length === 1 && offered[0] === 'no layer'))
    return { refusal: 'offers no SASL security layer (only "no layer"), so every message would travel in clear' };
  if (offer.maxMessageSize === 0) return { refusal: 'offers a SASL security layer with a maximum buffer of 0 octets' };
  return {
    refusal: `offers ${offered.join(' and ')} but not ${mode === 'seal' ? 'sealing (use --sasl-layer sign for integrity only)' : 'signing (leave --sasl-layer at seal)'}`,
  };
}

/** The answer choosing `layer`, with our maximum buffer size and an optional authorisation identity. */
export function securityLayerAnswer(layer: number, maxBuffer = OUR_MAX_BUFFER, authorizationId = ''): Buffer {
  if (maxBuffer < 0 || maxBuffer > 0xffffff)
    throw new RangeError(`a SASL maximum buffer size must fit 24 bits, not ${maxBuffer}`);
  const head = Buffer.from([layer, (maxBuffer >>> 16) & 0xff, (maxBuffer >>> 8) & 0xff, maxBuffer & 0xff]);
  return Buffer.concat([head, Buffer.from(authorizationId, 'utf8')]);
}

/** One SASL buffer on the wire: the 4-octet big-endian length, then the token. */
export function frameSaslBuffer(token: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(4 + token.length);
  frame.writeUInt32BE(token.length, 0);
  token.copy(frame, 4);
  return frame;
}

/**
 * Cut outgoing plaintext into pieces whose wrapped form fits the server's maximum buffer:
 * `maxBuffer` minus the GSS_Wrap overhead (a Kerberos wrap token adds at most a few dozen octets;
 * `overhead` is generous). A PDU larger than that spans several buffers, as RFC 4422 allows.
 */
export function splitForBuffers(data: Buffer, maxBuffer: number, overhead = WRAP_OVERHEAD): Buffer[] {
  const limit = plaintextLimit(maxBuffer, overhead);
  if (data.length <= limit) return [data];
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += limit) pieces.push(data.subarray(offset, offset + limit));
  return pieces;
}

/** Room left for GSS_Wrap's header, checksum and padding (RFC 4121 with AES: 16 + 16 + 12 + padding). */
export const WRAP_OVERHEAD = 128;

/** The most plaintext one buffer may carry, given the server's maximum. */
export function plaintextLimit(maxBuffer: number, overhead = WRAP_OVERHEAD): number {
  const limit = maxBuffer - overhead;
  if (limit < 1)
    throw new RangeError(
      `the server's SASL maximum buffer (${maxBuffer} octets) leaves no room for data after the GSS_Wrap overhead`,
    );
  return limit;
}

/**
 * Incoming bytes → whole SASL buffers (their tokens, without the length). TCP delivers any
 * split: a length may arrive in pieces, a buffer over many chunks, several buffers in one chunk.
 */
export class SaslBufferReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBuffer = OUR_MAX_BUFFER) {}

  /** Feed a chunk; returns the buffers it completed, in order. Throws on a length above the maximum. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    const tokens: Buffer[] = [];
    while (this.pendingBytes >= 4) {
      const head = this.peek(4);
      const length = head.readUInt32BE(0);
      if (length > this.maxBuffer)
        throw new Error(
          `a SASL buffer of ${length} octets, more than the ${this.maxBuffer} announced: the stream is corrupt`,
        );
      if (this.pendingBytes < 4 + length) break;
      const whole = this.take(4 + length);
      tokens.push(whole.subarray(4));
    }
    return tokens;
  }

  /** Octets received that do not yet make a whole buffer. */
  get buffered(): number {
    return this.pendingBytes;
  }

  private peek(n: number): Buffer {
    if (this.pending[0]!.length < n) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return taken;
  }
}

/** How -v names the protection a layer gives. */
export function describeLayer(layer: number, serverMax: number): string {
  const what =
    layer === SecurityLayer.confidentiality
      ? 'sealed (SASL GSSAPI confidentiality + integrity)'
      : 'signed (SASL GSSAPI integrity only: values travel readable)';
  return `${what}, buffers up to ${serverMax} octets`;
}
