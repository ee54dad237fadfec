/**
 * The adapter's filters for names with @ (src/directory/users.ts): an IM address is looked up by
 * msExchIMAddress beside UPN and mail, escaped per RFC 4515, as typed and lower-cased (the attribute
 * compares case-sensitively; imctl writes it lower-case). The DC's side is the lab's
 * (test/support/directory-port-contract.ts); here, what is asked of it.
 */
import { describe, expect, it } from 'vitest';
import type { LdapConnection, SearchSpec } from '../../src/directory/connection.js';
import { DirEntry } from '../../src/directory/entry.js';
import { LARGE_DOMAIN_USERS } from '../../src/services/directory-port.js';
import { quickSearchFilter, resolveUsers, searchUsers, userSearchFilter } from '../../src/directory/users.js';

const BASE = 'DC=corp,DC=test';
/** A connection that records each search's filter and answers with `entries` to every search. */
function recording(entries: DirEntry[] = []) {
  const filters: string[] = [];
  const connection = {
    baseDn: BASE,
    rootDse: { defaultNamingContext: BASE },
    async forEachEntry(_base: string, spec: SearchSpec, visit: (entry: DirEntry) => void) {
      filters.push(spec.filter);
      for (const entry of entries) visit(entry);
    },
  } as unknown as LdapConnection;
  return { connection, filters };
}

const sam = (name: string, imAddress: string) =>
  new DirEntry(`CN=${name},OU=Staff,${BASE}`, { sAMAccountName: name, msExchIMAddress: imAddress });

describe('resolveUsers: a name with @ is a UPN, a mail address or an IM address', () => {
  it('asks for msExchIMAddress as typed and lower-cased, escaped', async () => {
    const { connection, filters } = recording();
    await resolveUsers(connection, ['J*Doe(x)@IM.corp.test'], async () => undefined);
    expect(filters).toHaveLength(1);
    expect(filters[0]).toContain('(userPrincipalName=J\\2aDoe\\28x\\29@IM.corp.test)');
    expect(filters[0]).toContain('(msExchIMAddress=J\\2aDoe\\28x\\29@IM.corp.test)');
    expect(filters[0]).toContain('(msExchIMAddress=j\\2adoe\\28x\\29@im.corp.test)');
  });

  it('matches the entry by its IM address, in the searches and in the one scan of a large batch', async () => {
    const jdoe = sam('jdoe', 'jdoe@im.corp.test');
    const searched = await resolveUsers(recording([jdoe]).connection, ['JDoe@im.corp.test'], async () => undefined);
    expect(searched.get('JDoe@im.corp.test')).toMatchObject({ user: { sAMAccountName: 'jdoe' } });

    // 150 names of a domain of at most 150 users: one scan of every user, kept by name.
    const names = ['jdoe@im.corp.test', ...Array.from({ length: 149 }, (_, i) => `nobody${i}`)];
    const { connection, filters } = recording([jdoe, sam('other', 'other@im.corp.test')]);
    const scanned = await resolveUsers(connection, names, async () => 150);
    expect(filters).toEqual(['(sAMAccountType=805306368)']);
    expect(scanned.get('jdoe@im.corp.test')).toMatchObject({ user: { sAMAccountName: 'jdoe' } });
  });
});

describe('searchUsers: in a large domain the whole name by index first, parts of names when it finds nobody', () => {
  /** A connection that records each search and answers with what `answer` gives for its filter. */
  function paging(answer: (filter: string) => DirEntry[]) {
    const specs: SearchSpec[] = [];
    const connection = {
      baseDn: BASE,
      rootDse: { defaultNamingContext: BASE, anr: true },
      async *pages(_base: string, spec: SearchSpec) {
        specs.push(spec);
        yield answer(spec.filter);
      },
    } as unknown as LdapConnection;
    return { connection, specs };
  }
  const zoe = new DirEntry(`CN=Zimmermann\\, Zoe,OU=Staff,${BASE}`, { sAMAccountName: 'zzimmermann' });

  it('the quick filter is equality on indexed names, the two words as given name and surname, escaped', () => {
    expect(quickSearchFilter(['zoe', 'zimmermann'])).toBe(
      '(&(sAMAccountType=805306368)(|(sAMAccountName=zoe zimmermann)(displayName=zoe zimmermann)(cn=zoe zimmermann)' +
        '(givenName=zoe zimmermann)(sn=zoe zimmermann)(mailNickname=zoe zimmermann)' +
        '(&(givenName=zoe)(sn=zimmermann))(&(givenName=zimmermann)(sn=zoe))))',
    );
    const hostile = quickSearchFilter(['*)(cn=*']);
    expect(hostile).toContain('(sAMAccountName=\\2a\\29\\28cn=\\2a)');
    expect(hostile).not.toMatch(/[*]/); // no wildcard, no clause of its own
    expect(quickSearchFilter(['a', 'b', 'c'])).not.toContain('(&(givenName');
  });

  it('a large domain: the quick search, and nothing more when it finds someone', async () => {
    const { connection, specs } = paging(() => [zoe]);
    const found = await searchUsers(connection, ['zoe', 'zimmermann'], 20, async () => LARGE_DOMAIN_USERS + 1);
    expect(found.map((u) => u.sAMAccountName)).toEqual(['zzimmermann']);
    expect(specs.map((s) => s.filter)).toEqual([quickSearchFilter(['zoe', 'zimmermann'])]);
    expect(specs[0]).toMatchObject({ pageSize: 21, interactive: true });
  });

  it('a large domain: the full search when the quick one finds nobody', async () => {
    const { connection, specs } = paging((filter) => (filter.includes('*') ? [zoe] : []));
    const found = await searchUsers(connection, ['zimm'], 20, async () => LARGE_DOMAIN_USERS + 1);
    expect(found.map((u) => u.sAMAccountName)).toEqual(['zzimmermann']);
    expect(specs.map((s) => s.filter)).toEqual([quickSearchFilter(['zimm']), userSearchFilter(['zimm'], true)]);
  });

  it('a small domain, or one whose size the DC does not tell: the full search alone, as before', async () => {
    for (const bound of [LARGE_DOMAIN_USERS, undefined]) {
      const { connection, specs } = paging(() => [zoe]);
      await searchUsers(connection, ['zoe'], 20, async () => bound);
      expect(specs.map((s) => s.filter)).toEqual([userSearchFilter(['zoe'], true)]);
    }
  });

  it('at most limit + 1 users, from one page of that size', async () => {
    const many = Array.from({ length: 30 }, (_, i) => new DirEntry(`CN=u${i},${BASE}`, { sAMAccountName: `u${i}` }));
    const { connection, specs } = paging(() => many);
    expect(await searchUsers(connection, ['u'], 5, async () => 10)).toHaveLength(6);
    expect(specs[0]).toMatchObject({ pageSize: 6, sizeLimit: 6 });
  });
});
