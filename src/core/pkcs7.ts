/**
 * The certificates of a PKCS #7 bundle (`.p7b`, `.p7c`: RFC 2315 / RFC 5652 SignedData with no
 * signers), which Windows' certificate export wizard offers for a CA with its chain and
 * `certutil -ca.chain` writes. Read by a small DER walker: ContentInfo → SignedData → the
 * `certificates` field, each certificate returned as its DER bytes. Undefined when `der` is not
 * such a bundle; the caller checks each certificate (node:crypto's X509Certificate).
 */

/** 1.2.840.113549.1.7.2, id-signedData, as DER content octets. */
const SIGNED_DATA = Buffer.from('2a864886f70d010702', 'hex');

interface Tlv {
  tag: number;
  /** Where the contents start and end (exclusive), and where the whole TLV starts. */
  start: number;
  end: number;
  from: number;
}

/** One DER TLV at `at`, within `limit`; undefined when it does not fit. */
function tlvAt(der: Buffer, at: number, limit = der.length): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[start + i]!;
    start += octets;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end, from: at };
}

/** The TLVs inside a constructed one, in order. */
function children(der: Buffer, parent: Tlv): Tlv[] {
  const found: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const child = tlvAt(der, at, parent.end);
    if (!child) return [];
    found.push(child);
    at = child.end;
  }
  return found;
}

/** The DER certificates of a PKCS #7 SignedData bundle, or undefined when `der` is none. */
export function pkcs7Certificates(der: Buffer): Buffer[] | undefined {
  const contentInfo = tlvAt(der, 0);
  if (contentInfo?.tag !== 0x30) return undefined;
  const [type, explicit] = children(der, contentInfo);
  if (type?.tag !== 0x06 || !der.subarray(type.start, type.end).equals(SIGNED_DATA) || explicit?.tag !== 0xa0)
    return undefined;
  const [signedData] = children(der, explicit);
  if (signedData?.tag !== 0x30) return undefined;
  // version, digestAlgorithms, encapContentInfo, then [0] IMPLICIT certificates when there are any.
  const certificates = children(der, signedData).find((field, i) => i >= 3 && field.tag === 0xa0);
  if (!certificates) return [];
  return children(der, certificates)
    .filter((c) => c.tag === 0x30)
    .map((c) => Buffer.from(der.subarray(c.from, c.end)));
}
