/**
 * The last step of a SASL GSSAPI bind (RFC 4752 §3.1): after the Kerberos context is established
 * the server sends a 4-octet offer — a bit mask of the security layers it supports and the largest
 * message it accepts — and the client answers with its choice, its own maximum, and an optional
 * authorisation identity. Pure: the GSS wrap/unwrap around these octets happens elsewhere.
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
  if (octets.length !== 4) throw new Error(`the server's SASL security-layer offer has ${octets.length} octets instead of 4`);
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
