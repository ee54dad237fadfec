import { describe, expect, it } from 'vitest';
import { classifyUserRef, guidString, isOwnDomainPrefix, stripNetbiosDomain } from '../../src/core/user-record.js';
import { looksLikeDn } from '../../src/core/escape.js';

describe('guidString', () => {
  it('turns objectGUID bytes into the <GUID=…> form (first three groups little-endian)', () => {
    // Seen on the lab: bytes 5a2d0b8e… are the GUID 8e0b2d5a-c971-4231-989b-676c1b2d62a8.
    expect(guidString('5a2d0b8e71c93142989b676c1b2d62a8')).toBe('8e0b2d5a-c971-4231-989b-676c1b2d62a8');
  });
  it('refuses anything that is not 16 bytes', () => {
    expect(() => guidString('abcd')).toThrow(/not an objectGUID/);
  });
});

describe('naming users', () => {
  it.each([
    ['CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com', 'dn'],
    ['jdoe@corp.example.com', 'upn-or-mail'],
    ['jdoe', 'sam'],
    ['CORP\\jdoe', 'sam'],
  ])('%s is named by %s', (name, kind) => expect(classifyUserRef(name, looksLikeDn)).toBe(kind));
  it('strips a NetBIOS domain', () => expect(stripNetbiosDomain('CORP\\jdoe')).toBe('jdoe'));
});

describe('isOwnDomainPrefix', () => {
  it('takes the NetBIOS name or the DNS name of the naming context, in any case; nothing else', () => {
    const dn = 'DC=lab,DC=imctl,DC=test';
    expect(isOwnDomainPrefix('LAB', 'LAB', dn)).toBe(true);
    expect(isOwnDomainPrefix('lab', 'LAB', dn)).toBe(true);
    expect(isOwnDomainPrefix('lab.imctl.test', 'LAB', dn)).toBe(true);
    expect(isOwnDomainPrefix('LAB.IMCTL.TEST.', 'LAB', dn)).toBe(true);
    expect(isOwnDomainPrefix('imctl.test', 'LAB', dn)).toBe(false);
    expect(isOwnDomainPrefix('lab.imctl.test.attacker.example', 'LAB', dn)).toBe(false);
    expect(isOwnDomainPrefix('OTHERDOM', 'LAB', dn)).toBe(false);
  });
});
