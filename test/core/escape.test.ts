import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeDnValue,
  escapeFilterValue,
  firstRdnValue,
  looksLikeDn,
  normalizeDn,
  splitDn,
  unescapeDnValue,
} from '../../src/core/escape.js';

/** Undo RFC 4515 `\XX` escapes (ASCII only, which is all escapeFilterValue produces). */
function unescapeFilter(value: string): string {
  return value.replace(/\\([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    { input: 'jdoe', out: 'jdoe' },
    { input: '', out: '' },
    { input: 'a*b', out: 'a\\2ab' },
    { input: '(x)', out: '\\28x\\29' },
    { input: 'LAB\\jdoe', out: 'LAB\\5cjdoe' },
    { input: 'a\0b', out: 'a\\00b' },
    { input: '\\2a', out: '\\5c2a' },
    { input: 'Doe, John', out: 'Doe, John' },
    { input: 'o=b+c<d>;e"f#', out: 'o=b+c<d>;e"f#' },
    { input: 'Zoë Ångström', out: 'Zoë Ångström' },
    { input: '李雷', out: '李雷' },
    { input: 'smile 😀*', out: 'smile 😀\\2a' },
    { input: '*)(objectClass=*', out: '\\2a\\29\\28objectClass=\\2a' },
    { input: '*)(|(objectClass=*)', out: '\\2a\\29\\28|\\28objectClass=\\2a\\29' },
  ])('$input → $out', ({ input, out }) => {
    expect(escapeFilterValue(input)).toBe(out);
  });

  it('makes an injection attempt inert inside a filter: one balanced item, no wildcard', () => {
    const filter = `(sAMAccountName=${escapeFilterValue('*)(objectClass=*')})`;
    expect(filter).toBe('(sAMAccountName=\\2a\\29\\28objectClass=\\2a)');
    expect(filter.slice(1, -1)).not.toMatch(/[()*]/);
  });

  it('never leaves a special character unescaped, and every escape decodes back to the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const escaped = escapeFilterValue(s);
        expect(escaped).not.toMatch(/[*()\0]/);
        // every backslash starts a two-digit hex escape
        expect(escaped.replace(/\\[0-9a-f]{2}/g, '')).not.toContain('\\');
        expect(unescapeFilter(escaped)).toBe(s);
      }),
    );
  });
});

describe('escapeDnValue (RFC 4514)', () => {
  it.each([
    { input: 'jdoe', out: 'jdoe' },
    { input: '', out: '' },
    { input: 'Doe, John', out: 'Doe\\, John' },
    { input: 'a+b', out: 'a\\+b' },
    { input: 'say "hi"', out: 'say \\"hi\\"' },
    { input: 'LAB\\jdoe', out: 'LAB\\\\jdoe' },
    { input: '<x>', out: '\\<x\\>' },
    { input: 'a;b', out: 'a\\;b' },
    { input: 'a=b', out: 'a\\=b' },
    { input: 'a\0b', out: 'a\\00b' },
    { input: '#1 fan', out: '\\#1 fan' },
    { input: 'fan #1', out: 'fan #1' },
    { input: ' lead', out: '\\ lead' },
    { input: 'trail ', out: 'trail\\ ' },
    { input: 'in side', out: 'in side' },
    { input: ' ', out: '\\ ' },
    { input: '  ', out: '\\ \\ ' },
    { input: '   ', out: '\\  \\ ' },
    { input: 'Zoë Ångström', out: 'Zoë Ångström' },
    { input: '😀 ', out: '😀\\ ' },
  ])('$input → $out', ({ input, out }) => {
    expect(escapeDnValue(input)).toBe(out);
  });

  it.each(['Doe, John', ' Smith, Jr. ', '#hash', 'a+b=c;d<e>"f"\\g', 'Zoë Ångström', 'Smith ', 'Tab\t', '\u00a0nbsp'])(
    'round-trips %j through a DN',
    (s) => {
      const dn = `CN=${escapeDnValue(s)},OU=x`;
      expect(splitDn(dn)).toHaveLength(2);
      expect(firstRdnValue(dn)).toBe(s);
    },
  );

  it('unescapeDnValue undoes escapeDnValue for any unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(unescapeDnValue(escapeDnValue(s))).toBe(s);
      }),
    );
  });

  it('property: CN=<escaped>,OU=x has exactly two RDNs and firstRdnValue gives the value back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const dn = `CN=${escapeDnValue(s)},OU=x`;
        expect(splitDn(dn)).toHaveLength(2);
        expect(firstRdnValue(dn)).toBe(s);
      }),
    );
  });
});

describe('normalizeDn', () => {
  it.each([
    { dn: 'CN=Doe\\, John,OU=Staff,DC=Corp,DC=Example', out: 'cn=doe\\, john,ou=staff,dc=corp,dc=example' },
    { dn: 'CN=Doe\\, John, OU=Staff, DC=corp', out: 'cn=doe\\, john,ou=staff,dc=corp' },
    { dn: 'CN=X , OU=Y', out: 'cn=x,ou=y' },
    { dn: 'CN=a;OU=b', out: 'cn=a,ou=b' },
    { dn: 'CN="Doe, John",OU=b', out: 'cn="doe, john",ou=b' },
    { dn: 'CN=Zo\\C3\\AB,DC=x', out: 'cn=zo\\c3\\ab,dc=x' },
    { dn: '', out: '' },
  ])('$dn → $out', ({ dn, out }) => {
    expect(normalizeDn(dn)).toBe(out);
  });

  it('makes DNs that differ only in case and separator spacing equal', () => {
    expect(normalizeDn('CN=IM Virtual Server,CN=IM1,DC=corp')).toBe(
      normalizeDn('cn=im virtual server, cn=im1, dc=CORP'),
    );
  });
});

describe('splitDn', () => {
  it.each([
    { dn: 'CN=Doe\\, John,OU=Staff,DC=corp', rdns: ['CN=Doe\\, John', 'OU=Staff', 'DC=corp'] },
    { dn: 'CN="Doe, John",OU=Staff', rdns: ['CN="Doe, John"', 'OU=Staff'] },
    { dn: 'CN="a;b,c",OU=x;DC=y', rdns: ['CN="a;b,c"', 'OU=x', 'DC=y'] },
    { dn: 'CN=a\\\\,OU=b', rdns: ['CN=a\\\\', 'OU=b'] },
    { dn: 'CN=a\\"b,OU=c', rdns: ['CN=a\\"b', 'OU=c'] },
    { dn: 'CN=a\\;b;OU=c', rdns: ['CN=a\\;b', 'OU=c'] },
    { dn: 'CN=x', rdns: ['CN=x'] },
    { dn: 'CN=x,', rdns: ['CN=x', ''] },
    { dn: 'CN=a, OU=b', rdns: ['CN=a', ' OU=b'] },
    { dn: '', rdns: [] },
  ])('$dn → $rdns', ({ dn, rdns }) => {
    expect(splitDn(dn)).toEqual(rdns);
  });
});

describe('looksLikeDn', () => {
  it.each([
    { name: 'CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com', dn: true },
    { name: 'cn=jdoe,dc=corp', dn: true },
    { name: 'CN=jdoe', dn: true },
    { name: ' CN = jdoe , DC = corp', dn: true },
    { name: '2.5.4.3=jdoe,DC=corp', dn: true },
    { name: 'msExch-Attr=1', dn: true },
    // A single `attr=value` RDN is syntactically a DN; sAMAccountName may not contain "=".
    { name: 'a=b', dn: true },
    { name: 'jdoe', dn: false },
    { name: 'jdoe@x.com', dn: false },
    { name: 'LAB\\jdoe', dn: false },
    { name: 'Doe, John', dn: false },
    { name: '', dn: false },
    { name: '=b', dn: false },
    { name: '1abc=x', dn: false },
    { name: 'CN=x,', dn: false },
    { name: 'CN=x,jdoe', dn: false },
  ])('$name → $dn', ({ name, dn }) => {
    expect(looksLikeDn(name)).toBe(dn);
  });
});

describe('unescapeDnValue', () => {
  it.each([
    { input: '\\C3\\A9', out: 'é' },
    { input: 'Zo\\c3\\ab', out: 'Zoë' },
    { input: '\\E2\\82\\AC 5', out: '€ 5' },
    { input: '\\F0\\9F\\98\\80', out: '😀' },
    { input: '\\4a\\44oe', out: 'JDoe' },
    { input: 'Doe\\, John', out: 'Doe, John' },
    { input: '\\\\', out: '\\' },
    { input: '\\#a', out: '#a' },
    { input: '\\ a\\ ', out: ' a ' },
    { input: '\\00', out: '\0' },
    { input: '\\"q\\"', out: '"q"' },
    { input: 'Zoë 😀', out: 'Zoë 😀' },
    { input: 'a\\', out: 'a\\' },
    { input: '', out: '' },
    // An escaped character outside the BMP (two UTF-16 units) is that character, not two broken halves.
    { input: 'x\\😀\\c3\\a9', out: 'x😀é' },
  ])('$input → $out', ({ input, out }) => {
    expect(unescapeDnValue(input)).toBe(out);
  });
});

describe('firstRdnValue', () => {
  it.each([
    { dn: 'CN=Doe\\, John,OU=x', out: 'Doe, John' },
    { dn: 'CN=Ångström\\, Zoë,OU=Staff,DC=corp', out: 'Ångström, Zoë' },
    { dn: 'CN=Zo\\C3\\AB,DC=x', out: 'Zoë' },
    { dn: 'cn = jdoe , dc=x', out: 'jdoe' },
    { dn: 'CN=a=b,DC=x', out: 'a=b' },
    { dn: '', out: '' },
  ])('$dn → $out', ({ dn, out }) => {
    expect(firstRdnValue(dn)).toBe(out);
  });
});
