/** Just enough BER for a test's fake LDAP server: building TLVs and reading one TLV's header. */

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : n < 0x10000
          ? Buffer.from([0x82, n >> 8, n & 0xff])
          : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
export const octets = (s: string | Buffer) => tlv(0x04, Buffer.isBuffer(s) ? s : Buffer.from(s));
export const int = (n: number) => tlv(0x02, Buffer.from([n]));
/** An LDAPResult of operation `tag` with `code`, and SASL credentials for a BindResponse ([7]). */
export const result = (tag: number, code = 0, saslCredentials?: Buffer) =>
  tlv(
    tag,
    tlv(0x0a, Buffer.from([code])),
    octets(''),
    octets(''),
    ...(saslCredentials ? [tlv(0x87, saslCredentials)] : []),
  );
export const message = (id: number, op: Buffer) => tlv(0x30, int(id), op);

/** Read one TLV's header at `at`: its tag, where the content starts and how long it is. */
export function header(b: Buffer, at: number): { tag: number; start: number; length: number } | undefined {
  if (b.length < at + 2) return undefined;
  const first = b[at + 1]!;
  if (first < 0x80) return { tag: b[at]!, start: at + 2, length: first };
  const k = first & 0x7f;
  if (b.length < at + 2 + k) return undefined;
  let length = 0;
  for (let i = 0; i < k; i++) length = length * 256 + b[at + 2 + i]!;
  return { tag: b[at]!, start: at + 2 + k, length };
}

/** The TLVs inside a constructed one (`b` is its content). */
export function children(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < b.length;) {
    const h = header(b, at)!;
    out.push(b.subarray(h.start, h.start + h.length));
    at = h.start + h.length;
  }
  return out;
}

/** Whole LDAP messages off the front of `plain`: each one's id, operation tag, operation content and bytes; and the rest. */
export function ldapMessages(plain: Buffer): {
  messages: { id: number; op: number; body: Buffer; pdu: Buffer }[];
  rest: Buffer;
} {
  const messages: { id: number; op: number; body: Buffer; pdu: Buffer }[] = [];
  for (;;) {
    const outer = header(plain, 0);
    if (!outer || plain.length < outer.start + outer.length) return { messages, rest: plain };
    const pdu = plain.subarray(0, outer.start + outer.length);
    plain = plain.subarray(pdu.length);
    const idTlv = header(pdu, outer.start)!;
    const opTlv = header(pdu, idTlv.start + idTlv.length)!;
    messages.push({
      id: pdu.readUIntBE(idTlv.start, idTlv.length),
      op: opTlv.tag,
      body: pdu.subarray(opTlv.start, opTlv.start + opTlv.length),
      pdu,
    });
  }
}
