import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { LDIF_HEADER, ldifLine, ldifModifyRecord } from '../../src/core/ldif.js';
import { compareAndSetOps } from '../../src/core/mod-ops.js';

describe('ldifLine', () => {
  it.each([
    { value: 'jdoe@im.example.com', line: 'msExchIMAddress: jdoe@im.example.com' },
    { value: 'a:b', line: 'msExchIMAddress: a:b' },
    { value: 'a<b', line: 'msExchIMAddress: a<b' },
    { value: 'a b', line: 'msExchIMAddress: a b' },
    { value: 'a\tb', line: 'msExchIMAddress: a\tb' },
    { value: 'x\x7f', line: 'msExchIMAddress:: eH8=' },
    { value: '\x1b]0;pwned\x07', line: 'msExchIMAddress:: G10wO3B3bmVkBw==' },
    { value: '\x1b[2J', line: 'msExchIMAddress:: G1sySg==' },
    { value: '', line: 'msExchIMAddress: ' },
    { value: ' leading', line: 'msExchIMAddress:: IGxlYWRpbmc=' },
    { value: ':colon', line: 'msExchIMAddress:: OmNvbG9u' },
    { value: '<file', line: 'msExchIMAddress:: PGZpbGU=' },
    { value: 'trailing ', line: 'msExchIMAddress:: dHJhaWxpbmcg' },
    { value: 'a\nb', line: 'msExchIMAddress:: YQpi' },
    { value: 'a\rb', line: 'msExchIMAddress:: YQ1i' },
    { value: 'a\0b', line: 'msExchIMAddress:: YQBi' },
    { value: 'Zoë', line: 'msExchIMAddress:: Wm/Dqw==' },
  ])('$value → $line', ({ value, line }) => {
    expect(ldifLine('msExchIMAddress', value)).toBe(line);
  });

  it('base64-encodes a non-ASCII DN as UTF-8', () => {
    expect(ldifLine('dn', 'CN=Ångström\\, Zoë,OU=Staff,DC=corp,DC=example,DC=com')).toBe(
      'dn:: Q049w4VuZ3N0csO2bVwsIFpvw6ssT1U9U3RhZmYsREM9Y29ycCxEQz1leGFtcGxlLERDPWNvbQ==',
    );
  });

  it('keeps an ASCII DN with escaped commas as a plain line', () => {
    expect(ldifLine('dn', 'CN=Doe\\, John,OU=Staff,DC=corp')).toBe('dn: CN=Doe\\, John,OU=Staff,DC=corp');
  });

  it('property: every value comes back from its line, plain or base64', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const line = ldifLine('a', value);
        if (line.startsWith('a:: ')) {
          expect(Buffer.from(line.slice(4), 'base64').toString('utf8')).toBe(value);
        } else {
          expect(line).toBe(`a: ${value}`);
          // RFC 2849 SAFE-STRING, and no control character but tab: LDIF is read on terminals.
          expect(value).toMatch(/^(?![ :<])[\x09\x20-\x7e]*$/);
          expect(value).not.toMatch(/ $/);
        }
      }),
    );
  });
});

describe('ldifModifyRecord', () => {
  const dn1 =
    'CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=IM1,CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Corp,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example,DC=com';
  const dn2 = dn1.replace('CN=IM1,', 'CN=IM2,');
  const before = imValues('jdoe', 'im.example.com', { dn: dn1, host: 'im1.corp.example.com' });
  const after = imValues('jdoe', 'im.example.com', { dn: dn2, host: 'im2.corp.example.com' });

  it('renders a move as one compare-and-set record, exactly', () => {
    const text = ldifModifyRecord(
      'CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com',
      compareAndSetOps(before, after),
      'move jdoe: IM1 -> IM2',
    );
    expect(text).toBe(
      [
        '# move jdoe: IM1 -> IM2',
        'dn: CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com',
        'changetype: modify',
        'delete: msExchIMPhysicalURL',
        'msExchIMPhysicalURL: http://im1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe',
        '-',
        'add: msExchIMPhysicalURL',
        'msExchIMPhysicalURL: http://im2.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe',
        '-',
        'delete: msExchIMVirtualServer',
        `msExchIMVirtualServer: ${dn1}`,
        '-',
        'add: msExchIMVirtualServer',
        `msExchIMVirtualServer: ${dn2}`,
        '-',
        '',
        '',
      ].join('\n'),
    );
  });

  it('base64-encodes a non-ASCII DN and keeps a multi-line comment on one line', () => {
    const text = ldifModifyRecord(
      'CN=Ångström\\, Zoë,OU=Staff,DC=corp,DC=example,DC=com',
      compareAndSetOps(before, {}),
      'disable\r\nzoe',
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('# disable zoe');
    expect(lines[1]).toBe('dn:: Q049w4VuZ3N0csO2bVwsIFpvw6ssT1U9U3RhZmYsREM9Y29ycCxEQz1leGFtcGxlLERDPWNvbQ==');
    expect(lines[2]).toBe('changetype: modify');
    expect(lines.filter((l) => l.startsWith('delete: '))).toEqual([
      'delete: msExchIMAddress',
      'delete: msExchIMMetaPhysicalURL',
      'delete: msExchIMPhysicalURL',
      'delete: msExchIMVirtualServer',
    ]);
    expect(text.endsWith('-\n\n')).toBe(true);
  });

  it('shows directory text in a comment inert, and keeps the values exact (base64)', () => {
    const server = 'im\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202e\x9b';
    const dn = `CN=${server},DC=corp`;
    const text = ldifModifyRecord(
      dn,
      [{ operation: 'add', attribute: 'msExchIMVirtualServer', values: [dn] }],
      `move x to ${server}`,
    );
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(text.split('\n')[0]).toBe(
      '# move x to im\\x1b]0;pwned\\x07\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J\\u202e\\x9b',
    );
    const base64 = text
      .split('\n')
      .filter((l) => l.includes(':: '))
      .map((l) => Buffer.from(l.split(':: ')[1]!, 'base64').toString());
    expect(base64).toEqual([dn, dn]);
  });

  it('without a comment starts at the dn line', () => {
    expect(ldifModifyRecord('CN=x,DC=y', [])).toBe('dn: CN=x,DC=y\nchangetype: modify\n\n');
  });

  it('the file header is version 1 and a blank line', () => {
    expect(LDIF_HEADER).toBe('version: 1\n\n');
  });
});
