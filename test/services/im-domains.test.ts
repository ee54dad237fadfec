import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/core/user-record.js';
import { imDomainOptions } from '../../src/services/im-domains.js';

const user = (sam: string, extra: Partial<UserRecord> = {}): UserRecord => ({
  dn: `CN=${sam}`,
  guid: '',
  sAMAccountName: sam,
  accountDisabled: false,
  im: {},
  ...extra,
});

describe('imDomainOptions', () => {
  it("puts the configured default first, then the selected users' domains, then by use", () => {
    const options = imDomainOptions(
      'IM.Corp.Example',
      new Map([
        ['im.other.example', 40],
        ['im.corp.example', 100],
        ['im.third.example', 60],
      ]),
      [user('a', { im: { msExchIMAddress: 'a@im.other.example' } })],
    );
    expect(options.map((o) => o.domain)).toEqual(['im.corp.example', 'im.other.example', 'im.third.example']);
    expect(options[0]).toMatchObject({ configured: true, inUse: 100, ofSelected: 0 });
    expect(options[1]).toMatchObject({ configured: false, inUse: 40, ofSelected: 1 });
  });

  it("with nothing configured or in use, recommends im. + the users' SMTP domain", () => {
    expect(imDomainOptions(undefined, new Map(), [user('a', { mail: 'a@Corp.Example' })])).toEqual([
      { domain: 'im.corp.example', configured: false, inUse: 0, ofSelected: 0, recommended: true },
    ]);
  });

  it('does not recommend a domain already offered', () => {
    const options = imDomainOptions('im.corp.example', new Map(), [user('a', { mail: 'a@corp.example' })]);
    expect(options).toHaveLength(1);
    expect(options[0]!.recommended).toBe(false);
  });
});
