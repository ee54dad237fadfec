/**
 * Finding users against the lab DC: AD's own name search, `(anr=…)` (Samba AD answers it like AD),
 * and batched resolution — the bound on the domain's users that decides between filtered
 * OR-searches and one scan of the scope, and both ways resolving alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { LdapConnection } from '../../src/directory/connection.js';
import { endpointsFromUrls } from '../../src/directory/endpoints.js';
import {
  netbiosName,
  quickSearchFilter,
  resolveUsers,
  searchUsers,
  shouldScan,
  usersUpperBound,
} from '../../src/directory/users.js';
import { addUsers, adminPassword, createOu, imctlEnv, lab, ldapcount, server } from '../support/lab.js';

describe('searchUsers (against the lab DC)', () => {
  let directory: LdapConnection;
  let ou: string;

  beforeAll(async () => {
    ou = await createOu('anr');
    await addUsers(ou, [
      {
        sam: 'anr-zangst',
        cn: 'Ångström, Zoë',
        mailNickname: 'zoe.angstrom',
        extra: { displayName: 'Zoë Ångström', givenName: 'Zoë', sn: 'Ångström' },
      },
      {
        sam: 'anr-mbrown',
        cn: 'Brown, Maxwell',
        extra: { displayName: 'Maxwell Brown', givenName: 'Maxwell', sn: 'Brown' },
      },
    ]);
    const settings = loadSettings({ baseDn: ou }, imctlEnv(), '/');
    directory = await LdapConnection.open({
      settings,
      endpoints: endpointsFromUrls([lab().ldapsUrl], false),
      password: async () => adminPassword(),
    });
  });
  afterAll(async () => directory?.close());

  it('the DC advertises ambiguous name resolution in its RootDSE', () => {
    expect(directory.rootDse.anr).toBe(true);
  });

  it('"zoe" finds Zoë Ångström by her alias (mailNickname), which the portable filter does not search', async () => {
    const found = await searchUsers(directory, ['zoe'], 20);
    expect(found.map((u) => u.sAMAccountName)).toEqual(['anr-zangst']);
  });

  it('"max bro" finds "Maxwell Brown" by given name and surname, as ADUC does', async () => {
    expect((await searchUsers(directory, ['max', 'bro'], 20)).map((u) => u.sAMAccountName)).toEqual(['anr-mbrown']);
  });

  it('an injection attempt is a literal value and matches nothing', async () => {
    expect(await searchUsers(directory, ['*)(sAMAccountName=*'], 20)).toEqual([]);
  });

  describe('as in a domain of 100,000 users (the bound given): the indexed whole-name search first', () => {
    const large = async () => 100_000;

    it('"maxwell brown" is found by given name and surname, either way round, and by the display name', async () => {
      for (const words of [['maxwell', 'brown'], ['brown', 'maxwell'], ['Maxwell Brown']]) {
        // The quick filter itself finds him (ldapsearch): not the full search it would fall back to.
        expect(await ldapcount(ou, quickSearchFilter(words)), words.join(' ')).toBe(1);
        expect(
          (await searchUsers(directory, words, 20, large)).map((u) => u.sAMAccountName),
          words.join(' '),
        ).toEqual(['anr-mbrown']);
      }
    });

    it('"zoë" by the given name with its accent, and the sAMAccountName as typed', async () => {
      expect(await ldapcount(ou, quickSearchFilter(['Zoë']))).toBe(1);
      expect((await searchUsers(directory, ['Zoë'], 20, large)).map((u) => u.sAMAccountName)).toEqual(['anr-zangst']);
      expect((await searchUsers(directory, ['anr-zangst'], 20, large)).map((u) => u.sAMAccountName)).toEqual([
        'anr-zangst',
      ]);
    });

    it('part of a name finds nobody by equality, so the full search runs and finds it', async () => {
      expect(await ldapcount(ou, quickSearchFilter(['max', 'bro']))).toBe(0);
      expect((await searchUsers(directory, ['max', 'bro'], 20, large)).map((u) => u.sAMAccountName)).toEqual([
        'anr-mbrown',
      ]);
    });

    it('an injection attempt is a literal value in the quick filter too', async () => {
      expect(await searchUsers(directory, ['*)(sAMAccountName=*'], 20, large)).toEqual([]);
      expect(await searchUsers(directory, ['x)(|(cn=*', '*'], 20, large)).toEqual([]);
    });
  });
});

describe('resolving many names (against the lab DC)', () => {
  let directory: LdapConnection;
  let ou: string;
  let dns: string[];

  beforeAll(async () => {
    ou = await createOu('resolve-scan');
    dns = await addUsers(ou, [
      { sam: `rs${process.pid}a`, cn: 'Scan, Alice', im: { server: server('im-west') } },
      { sam: `rs${process.pid}b`, cn: 'Scan, Bob' },
      { sam: `rs${process.pid}c`, cn: 'Scan, Carol' },
    ]);
    // Scoped to the OU, as --base-dn does: the scan reads three users, the bound is the domain's.
    const settings = loadSettings({}, imctlEnv({ IMCTL_BASE_DN: ou }), '/');
    directory = await LdapConnection.open({
      settings,
      endpoints: endpointsFromUrls([lab().ldapsUrl], false),
      password: async () => adminPassword(),
    });
  });
  afterAll(async () => directory?.close());

  it('reads an upper bound on the users from the RID Manager that is at least what ldapsearch counts', async () => {
    const bound = await usersUpperBound(directory);
    const counted = await ldapcount(lab().baseDn, '(sAMAccountType=805306368)');
    expect(bound).toBeGreaterThanOrEqual(counted);
  });

  it('scans only when the batch names most of the users the bound allows', () => {
    expect(shouldScan(1500, 2500)).toBe(false);
    expect(shouldScan(2400, 2500)).toBe(true);
    expect(shouldScan(100_000, undefined)).toBe(false);
  });

  it('resolves by sAMAccountName, UPN and DN the same through the scan as through filtered searches', async () => {
    const named = [
      `rs${process.pid}a`,
      `rs${process.pid}b@${lab().domain}`,
      dns[2]!,
      `LAB\\rs${process.pid}a`.toUpperCase(),
      'nobody-at-all',
    ];
    const bound = (await usersUpperBound(directory))!;
    // Enough names that nobody carries to push the batch past the bound: the scan path.
    const filler = Array.from({ length: Math.ceil(bound * 0.9) }, (_, i) => `rs-none-${i}`);
    expect(shouldScan(named.length + filler.length, bound)).toBe(true);
    const [scanned, filtered] = await Promise.all([
      resolveUsers(directory, [...named, ...filler]),
      resolveUsers(directory, named),
    ]);
    for (const name of named) {
      const a = scanned.get(name)!;
      const b = filtered.get(name)!;
      expect('user' in a ? a.user.dn : a.problem, name).toBe('user' in b ? b.user.dn : b.problem);
    }
    const alice = scanned.get(`rs${process.pid}a`)!;
    expect('user' in alice && alice.user.dn).toBe(dns[0]);
    expect('user' in alice && alice.user.im.msExchIMVirtualServer).toBe(server('im-west').dn);
    expect(scanned.get('nobody-at-all')).toEqual({ problem: 'unknown' });
    expect(scanned.get('rs-none-7')).toEqual({ problem: 'unknown' });
  });
});

describe('DOMAIN\\user (against the lab DC)', () => {
  let directory: LdapConnection;
  beforeAll(async () => {
    directory = await LdapConnection.open({
      settings: loadSettings({}, imctlEnv(), '/'),
      endpoints: endpointsFromUrls([lab().ldapsUrl], false),
      password: async () => adminPassword(),
    });
  });
  afterAll(async () => directory?.close());

  it('reads the NetBIOS name from the crossRef in CN=Partitions, as ldapsearch finds it', async () => {
    expect(await netbiosName(directory)).toBe(lab().adminNetbios.split('\\')[0]);
  });

  it('resolves LAB\\jdoe (any case) to jdoe, and never OTHERDOM\\jdoe to the local jdoe', async () => {
    const resolved = await resolveUsers(directory, ['LAB\\jdoe', 'lab\\jdoe', 'OTHERDOM\\jdoe']);
    expect(resolved.get('LAB\\jdoe')).toMatchObject({ user: { sAMAccountName: 'jdoe' } });
    expect(resolved.get('lab\\jdoe')).toMatchObject({ user: { sAMAccountName: 'jdoe' } });
    expect(resolved.get('OTHERDOM\\jdoe')).toEqual({ problem: 'other-domain', domain: 'OTHERDOM', ours: 'LAB' });
  });
});
