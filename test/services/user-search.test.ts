import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/core/user-record.js';
import { userSearchFilter as filterOf } from '../../src/directory/users.js';
import { searchUsers, searchWords, userDetails, userLabel } from '../../src/services/user-search.js';
import { MemoryDirectory } from '../support/memory-directory.js';

/** The filter a typed term becomes: its words (services) in the adapter's filter (directory). */
const userSearchFilter = (term: string) => {
  const words = searchWords(term);
  return words.length > 0 ? filterOf(words) : undefined;
};

const clause = (v: string) =>
  `(|(sAMAccountName=${v}*)(userPrincipalName=${v}*)(mail=${v}*)(displayName=*${v}*)(cn=*${v}*))`;

describe('search words in the user search filter', () => {
  it('matches the start of account names and mail, anywhere in display names and cn', () => {
    expect(userSearchFilter('jdo')).toBe(`(&(sAMAccountType=805306368)${clause('jdo')})`);
  });

  it('requires every word, so "doe john" finds "Doe, John"', () => {
    expect(userSearchFilter(' doe  john ')).toBe(`(&(sAMAccountType=805306368)${clause('doe')}${clause('john')})`);
    expect(userSearchFilter('Doe, John')).toBe(`(&(sAMAccountType=805306368)${clause('Doe')}${clause('John')})`);
  });

  it.each([
    ['*', '\\2a'],
    ['Star*Gazer', 'Star\\2aGazer'],
    ['(Test)', '\\28Test\\29'],
    ['Back\\Slash', 'Slash'],
    ['a\0b', 'a\\00b'],
    ['*)(objectClass=*', '\\2a\\29\\28objectClass=\\2a'],
  ])('escapes %j per RFC 4515', (term, escaped) => {
    expect(userSearchFilter(term)).toBe(`(&(sAMAccountType=805306368)${clause(escaped)})`);
  });

  it('takes DOMAIN\\user as the account name', () => {
    expect(userSearchFilter('LAB\\jdoe')).toBe(`(&(sAMAccountType=805306368)${clause('jdoe')})`);
  });

  it('bounds the words and has nothing to search for an empty term', () => {
    expect(userSearchFilter('   ')).toBeUndefined();
    expect(userSearchFilter('a b c d e f')!.match(/\(\|/g)).toHaveLength(4);
  });
});

describe('userLabel and userDetails', () => {
  const base: UserRecord = {
    dn: 'CN=Doe\\, John,OU=Staff,DC=lab',
    guid: '',
    sAMAccountName: 'jdoe',
    accountDisabled: false,
    im: {},
  };
  const east = { dn: 'CN=VS,CN=EXCH1', name: 'im-east', cn: 'VS', host: 'exch1.lab', hostsUsers: true };
  const servers = new Map([[east.dn.toLowerCase(), east]]);

  it('names the user by display name, else the cn, with the account name', () => {
    expect(userLabel({ ...base, displayName: 'John Doe' })).toBe('John Doe (jdoe)');
    expect(userLabel(base)).toBe('Doe, John (jdoe)');
    expect(userLabel({ ...base, displayName: 'JDOE' })).toBe('jdoe');
  });

  it('says where the user is homed, or that IM is off, and whether the account is disabled', () => {
    expect(
      userDetails(
        { ...base, mail: 'jdoe@lab', im: { msExchIMAddress: 'jdoe@im.lab', msExchIMVirtualServer: 'cn=vs,cn=exch1' } },
        servers,
      ),
    ).toBe('jdoe@lab · IM jdoe@im.lab on im-east');
    expect(userDetails({ ...base, accountDisabled: true }, servers)).toBe('IM off · account disabled');
    expect(userDetails({ ...base, im: { msExchIMVirtualServer: 'CN=gone' } }, servers)).toBe(
      'IM (no address) on a missing server',
    );
  });
});

describe('the search filter with ambiguous name resolution (AD, Samba AD)', () => {
  const portable = (v: string) =>
    `(|(sAMAccountName=${v}*)(userPrincipalName=${v}*)(mail=${v}*)(displayName=*${v}*)(cn=*${v}*))`;

  it('ORs (anr=term) with the portable filter', () => {
    expect(filterOf(['zoe'], true)).toBe(`(&(sAMAccountType=805306368)(|(anr=zoe)${portable('zoe')}))`);
    expect(filterOf(['doe', 'john'], true)).toBe(
      `(&(sAMAccountType=805306368)(|(anr=doe john)(&${portable('doe')}${portable('john')})))`,
    );
  });

  it('escapes the ANR value too', () => {
    expect(filterOf(['*)(objectClass=*'], true)).toContain('(anr=\\2a\\29\\28objectClass=\\2a)');
  });
});

describe('a search in a large domain (the fake as the adapter: quick search first)', () => {
  const person = (sam: string, displayName: string): UserRecord => ({
    dn: `CN=${displayName},OU=Staff,DC=memory,DC=test`,
    guid: sam,
    sAMAccountName: sam,
    displayName,
    accountDisabled: false,
    im: {},
  });
  const large = () => {
    const directory = new MemoryDirectory(
      [],
      [person('ann', 'Ann Abbot'), person('anna', 'Anna Berg'), person('joanne', 'Joanne Ruiz')],
    );
    directory.quickSearchAbove = 0;
    return directory;
  };

  it('a whole name lists the users of that name (and the exact account first)', async () => {
    const { users } = await searchUsers(large(), 'ann');
    expect(users.map((u) => u.sAMAccountName)).toEqual(['ann']);
    expect((await searchUsers(large(), 'anna berg')).users.map((u) => u.sAMAccountName)).toEqual(['anna']);
  });

  it('part of a name, which no name equals, finds what it always found', async () => {
    const { users } = await searchUsers(large(), 'nn');
    expect(users.map((u) => u.sAMAccountName).sort()).toEqual(['ann', 'anna', 'joanne']);
  });
});
