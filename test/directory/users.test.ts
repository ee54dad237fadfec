/**
 * The adapter's filters for names with @ (src/directory/users.ts): an IM address is looked up by
 * msExchIMAddress beside UPN and mail, escaped per RFC 4515, as typed and lower-cased (the attribute
 * compares case-sensitively; imctl writes it lower-case). The DC's side is the lab's
 * (test/support/directory-port-contract.ts); here, what is asked of it.
 */
import { describe, expect, it } from 'vitest';
import type { LdapConnection, SearchSpec } from '../../src/directory/connection.js';
import { DirEntry } from '../../src/directory/entry.js';
import { resolveUsers } from '../../src/directory/users.js';

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
