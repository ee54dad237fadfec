/**
 * Whether a Kerberos GSS_Wrap token was sealed, read from the token itself. MIT's GSS-API says so
 * after unwrap (conf_state, the `kerberos` package's `responseConf`); Windows' SSPI does not — the
 * package never sets `responseConf` there — so a sealed layer cannot rely on it. The token says it
 * on both:
 * - RFC 4121 (AES, every current DC): TOK_ID 05 04, then a flags octet whose bit 0x02 is "Sealed";
 * - RFC 1964 / RFC 4757 (DES, RC4-HMAC): the GSS framing (0x60, the Kerberos OID), TOK_ID 02 01,
 *   SGN_ALG (2 octets), then SEAL_ALG, ff ff for "none".
 */

const RFC4121_WRAP = [0x05, 0x04];
const RFC4121_SEALED = 0x02;
const RFC1964_WRAP = [0x02, 0x01];
/** 1.2.840.113554.1.2.2, Kerberos V5, as DER content. */
const KRB5_OID = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]);

/** true: sealed; false: integrity only; undefined: not a Kerberos wrap token this reads. */
export function wrapTokenSealed(token: Uint8Array): boolean | undefined {
  if (token[0] === RFC4121_WRAP[0] && token[1] === RFC4121_WRAP[1] && token.length >= 16)
    return (token[2]! & RFC4121_SEALED) !== 0;
  const inner = framedTokenBody(token);
  if (inner && inner[0] === RFC1964_WRAP[0] && inner[1] === RFC1964_WRAP[1] && inner.length >= 8)
    return !(inner[4] === 0xff && inner[5] === 0xff);
  return undefined;
}

/** The token after RFC 2743's framing (0x60, a DER length, the Kerberos OID), or undefined. */
function framedTokenBody(token: Uint8Array): Uint8Array | undefined {
  if (token[0] !== 0x60 || token.length < 2) return undefined;
  let at = 2;
  const first = token[1]!;
  if (first & 0x80) at += first & 0x7f; // the long form's length octets; the length itself is not needed
  if (token[at] !== 0x06 || token[at + 1] !== KRB5_OID.length) return undefined;
  const oid = token.subarray(at + 2, at + 2 + KRB5_OID.length);
  if (!Buffer.from(oid).equals(KRB5_OID)) return undefined;
  return token.subarray(at + 2 + KRB5_OID.length);
}
