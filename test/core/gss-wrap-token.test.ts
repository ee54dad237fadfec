/**
 * Sealing read from a GSS_Wrap token itself (src/core/gss-wrap-token.ts), since SSPI never says it
 * after unwrap: RFC 4121's flags octet, RFC 1964/4757's SEAL_ALG; anything else is not read.
 */
import { describe, expect, it } from 'vitest';
import { wrapTokenSealed } from '../../src/core/gss-wrap-token.js';

/** An RFC 4121 wrap token's 16-octet header with `flags`, and some payload. */
const rfc4121 = (flags: number) =>
  Buffer.concat([Buffer.from([0x05, 0x04, flags, 0xff]), Buffer.alloc(12), Buffer.alloc(40, 7)]);
/** An RFC 4757 (RC4-HMAC) wrap token: GSS framing, the Kerberos OID, TOK_ID 02 01, SGN_ALG 11 00, SEAL_ALG. */
function rfc4757(sealAlg: [number, number]): Buffer {
  const oid = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]);
  const body = Buffer.concat([
    oid,
    Buffer.from([0x02, 0x01, 0x11, 0x00, ...sealAlg, 0xff, 0xff]),
    Buffer.alloc(200, 3),
  ]);
  return Buffer.concat([Buffer.from([0x60, 0x81, body.length]), body]);
}

describe('wrapTokenSealed', () => {
  it('RFC 4121 (AES): the Sealed bit of the flags octet, whoever sent it', () => {
    expect(wrapTokenSealed(rfc4121(0x02))).toBe(true);
    expect(wrapTokenSealed(rfc4121(0x07))).toBe(true); // from the acceptor, sealed, with its subkey
    expect(wrapTokenSealed(rfc4121(0x05))).toBe(false);
    expect(wrapTokenSealed(rfc4121(0x00))).toBe(false);
  });

  it('RFC 4757 (RC4-HMAC) and RFC 1964: SEAL_ALG ff ff is none, anything else sealed', () => {
    expect(wrapTokenSealed(rfc4757([0x10, 0x00]))).toBe(true);
    expect(wrapTokenSealed(rfc4757([0xff, 0xff]))).toBe(false);
  });

  it('anything else is not read (the caller falls back to what the GSS library said)', () => {
    expect(wrapTokenSealed(Buffer.from([0xee, 1, 2, 3]))).toBeUndefined();
    expect(wrapTokenSealed(rfc4121(0x02).subarray(0, 8))).toBeUndefined();
    const otherMech = rfc4757([0x10, 0x00]);
    otherMech[12] = 0x03; // not the Kerberos OID
    expect(wrapTokenSealed(otherMech)).toBeUndefined();
  });
});
