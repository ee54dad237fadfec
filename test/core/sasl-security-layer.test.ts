import { describe, expect, it } from 'vitest';
import { noSecurityLayerAnswer, offersNoSecurityLayer, parseSecurityLayerOffer, SecurityLayer } from '../../src/core/sasl-security-layer.js';

describe('RFC 4752 security-layer negotiation', () => {
  it('reads the layers bit mask and the 24-bit maximum message size', () => {
    expect(parseSecurityLayerOffer(Uint8Array.from([0x07, 0x00, 0xa0, 0x00]))).toEqual({ layers: 7, maxMessageSize: 0xa000 });
    expect(parseSecurityLayerOffer(Uint8Array.from([0x01, 0xff, 0xff, 0xff]))).toEqual({ layers: 1, maxMessageSize: 0xffffff });
  });

  it('refuses an offer that is not 4 octets', () => {
    expect(() => parseSecurityLayerOffer(Uint8Array.from([1, 0, 0]))).toThrow(/3 octets instead of 4/);
    expect(() => parseSecurityLayerOffer(Uint8Array.from([1, 0, 0, 0, 0]))).toThrow(/5 octets/);
  });

  it('accepts an offer only if "no security layer" is among its bits', () => {
    expect(offersNoSecurityLayer({ layers: SecurityLayer.none | SecurityLayer.integrity | SecurityLayer.confidentiality, maxMessageSize: 65536 })).toBe(true);
    expect(offersNoSecurityLayer({ layers: SecurityLayer.none, maxMessageSize: 0 })).toBe(true);
    expect(offersNoSecurityLayer({ layers: SecurityLayer.integrity | SecurityLayer.confidentiality, maxMessageSize: 65536 })).toBe(false);
  });

  it('answers: no security layer, maximum size 0, then the authorisation identity', () => {
    expect([...noSecurityLayerAnswer()]).toEqual([1, 0, 0, 0]);
    expect([...noSecurityLayerAnswer('u:LAB\\op')]).toEqual([1, 0, 0, 0, ...Buffer.from('u:LAB\\op')]);
  });
});
