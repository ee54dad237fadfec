import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseSecurityLayer,
  describeLayer,
  frameSaslBuffer,
  noSecurityLayerAnswer,
  offersNoSecurityLayer,
  parseSecurityLayerOffer,
  plaintextLimit,
  SaslBufferReader,
  SecurityLayer,
  securityLayerAnswer,
  splitForBuffers,
} from '../../src/core/sasl-security-layer.js';

describe('RFC 4752 security-layer negotiation', () => {
  it('reads the layers bit mask and the 24-bit maximum message size', () => {
    expect(parseSecurityLayerOffer(Uint8Array.from([0x07, 0x00, 0xa0, 0x00]))).toEqual({
      layers: 7,
      maxMessageSize: 0xa000,
    });
    expect(parseSecurityLayerOffer(Uint8Array.from([0x01, 0xff, 0xff, 0xff]))).toEqual({
      layers: 1,
      maxMessageSize: 0xffffff,
    });
  });

  it('refuses an offer that is not 4 octets', () => {
    expect(() => parseSecurityLayerOffer(Uint8Array.from([1, 0, 0]))).toThrow(/3 octets instead of 4/);
    expect(() => parseSecurityLayerOffer(Uint8Array.from([1, 0, 0, 0, 0]))).toThrow(/5 octets/);
  });

  it('accepts an offer only if "no security layer" is among its bits', () => {
    expect(
      offersNoSecurityLayer({
        layers: SecurityLayer.none | SecurityLayer.integrity | SecurityLayer.confidentiality,
        maxMessageSize: 65536,
      }),
    ).toBe(true);
    expect(offersNoSecurityLayer({ layers: SecurityLayer.none, maxMessageSize: 0 })).toBe(true);
    expect(
      offersNoSecurityLayer({ layers: SecurityLayer.integrity | SecurityLayer.confidentiality, maxMessageSize: 65536 }),
    ).toBe(false);
  });

  it('answers: no security layer, maximum size 0, then the authorisation identity', () => {
    expect([...noSecurityLayerAnswer()]).toEqual([1, 0, 0, 0]);
    expect([...noSecurityLayerAnswer('u:LAB\\op')]).toEqual([1, 0, 0, 0, ...Buffer.from('u:LAB\\op')]);
  });
});

describe('choosing a security layer on plain LDAP', () => {
  const all = { layers: 7, maxMessageSize: 65536 };
  it('seal picks confidentiality, sign picks integrity, from a server offering everything', () => {
    expect(chooseSecurityLayer(all, 'seal')).toEqual({ layer: SecurityLayer.confidentiality });
    expect(chooseSecurityLayer(all, 'sign')).toEqual({ layer: SecurityLayer.integrity });
  });

  it('refuses a server offering only "no layer": nothing may travel in clear', () => {
    const refusal = chooseSecurityLayer({ layers: SecurityLayer.none, maxMessageSize: 0 }, 'seal');
    expect(refusal).toEqual({ refusal: expect.stringMatching(/only "no layer"/) });
    expect(chooseSecurityLayer({ layers: SecurityLayer.none, maxMessageSize: 0 }, 'sign')).toEqual({
      refusal: expect.stringMatching(/only "no layer"/),
    });
  });

  it('seal without sealing on offer points at --sasl-layer sign; a zero maximum is refused', () => {
    expect(
      chooseSecurityLayer({ layers: SecurityLayer.none | SecurityLayer.integrity, maxMessageSize: 4096 }, 'seal'),
    ).toEqual({
      refusal: expect.stringMatching(/offers signing and no layer but not sealing \(use --sasl-layer sign/),
    });
    expect(chooseSecurityLayer({ layers: SecurityLayer.confidentiality, maxMessageSize: 0 }, 'seal')).toEqual({
      refusal: expect.stringMatching(/maximum buffer of 0/),
    });
  });

  it('answers with the chosen layer, our 24-bit maximum and the authorisation identity', () => {
    expect([...securityLayerAnswer(SecurityLayer.confidentiality)]).toEqual([4, 0xff, 0xff, 0xff]);
    expect([...securityLayerAnswer(SecurityLayer.integrity, 0x010203, 'u:x')]).toEqual([
      2,
      1,
      2,
      3,
      ...Buffer.from('u:x'),
    ]);
    expect(() => securityLayerAnswer(4, 0x1000000)).toThrow(/24 bits/);
  });
});

describe('SASL buffers on the wire', () => {
  it('frames a token with its 4-octet big-endian length', () => {
    expect([...frameSaslBuffer(Buffer.from([9, 8, 7]))]).toEqual([0, 0, 0, 3, 9, 8, 7]);
    expect([...frameSaslBuffer(Buffer.alloc(0x10203, 1)).subarray(0, 4)]).toEqual([0, 1, 2, 3]);
  });

  it('splits plaintext so each wrapped buffer stays within the server maximum', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const pieces = splitForBuffers(data, 300, 100);
    expect(pieces.map((p) => p.length)).toEqual([200, 200, 200, 200, 200]);
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
    expect(splitForBuffers(data, 65536)).toEqual([data]);
    expect(() => plaintextLimit(100)).toThrow(/no room/);
  });

  it('reassembles buffers from any split of the stream, several per chunk or one over many chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 20 }),
        (tokens, cuts) => {
          const stream = Buffer.concat(tokens.map((t) => frameSaslBuffer(Buffer.from(t))));
          const reader = new SaslBufferReader();
          const got: Buffer[] = [];
          let offset = 0;
          for (let i = 0; offset < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            got.push(...reader.push(stream.subarray(offset, offset + size)));
            offset += size;
          }
          expect(got.map((b) => [...b])).toEqual(tokens.map((t) => [...t]));
          expect(reader.buffered).toBe(0);
        },
      ),
    );
  });

  it('refuses a length above its maximum instead of waiting for (or allocating) it', () => {
    const reader = new SaslBufferReader(1024);
    expect(() => reader.push(Buffer.from([0, 0, 4, 1, 0]))).toThrow(/1025 octets, more than the 1024 announced/);
  });

  it('says what -v shows for each layer', () => {
    expect(describeLayer(SecurityLayer.confidentiality, 65536)).toBe(
      'sealed (SASL GSSAPI confidentiality + integrity), buffers up to 65536 octets',
    );
    expect(describeLayer(SecurityLayer.integrity, 4096)).toMatch(/^signed .*values travel readable/);
  });
});
