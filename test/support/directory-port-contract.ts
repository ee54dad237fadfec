/**
 * One suite for the directory port (src/services/directory-port.ts), run against every
 * implementation: the in-memory fake of the unit tier (test/services/directory-port.test.ts) and
 * the LDAP adapter on the lab DC (test/directory/ldap-directory.lab.test.ts). Whatever the fake
 * answers here, Samba answers too — so a unit test built on the fake tests what production sees.
 *
 * Both fixtures hold the same small population (POPULATION) and every case is written relative to
 * it, never to seeded numbers. The writes mutate entries: they come last, on users of their own.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { canonicalDn } from '../../src/core/escape.js';
import { imValues, type ImServer, type ImState } from '../../src/core/im-model.js';
import { planUser } from '../../src/core/provision.js';
import type { UserRecord } from '../../src/core/user-record.js';
import type { DirectoryPort, WriteResult, WriteTask } from '../../src/services/directory-port.js';

/** Where a person is homed: one of two home servers, or a server DN that names no server (a deleted one). */
export type Home = 'a' | 'b' | 'gone';

export interface PersonSpec {
  /** Short and unique here; a fixture makes the sAMAccountName from it (the lab adds a run prefix). */
  key: string;
  cn: string;
  displayName?: string;
  /** IM-enabled (the four values Exchange writes) and homed there. */
  home?: Home;
  /** Only msExchIMAddress set: half-enabled, homed nowhere. */
  addressOnly?: boolean;
  disabled?: boolean;
  /** mail is the UPN of that person: the UPN then names two users. */
  mailOf?: string;
}

const filler = (n: number): PersonSpec => ({ key: `fill${n}`, cn: `Filler, Number ${n}` });

export const POPULATION: readonly PersonSpec[] = [
  { key: 'ann', cn: 'Abbot, Ann', displayName: 'Ann Abbot', home: 'a' },
  { key: 'ben', cn: 'Brook, Ben', displayName: 'Ben Brook', home: 'a' },
  { key: 'cat', cn: 'Cole, Cat', displayName: 'Cat Cole', home: 'a' },
  { key: 'dan', cn: 'Dunn, Dan', displayName: 'Dan Dunn', home: 'b' },
  { key: 'eve', cn: 'Eden, Eve', displayName: 'Eve Eden', home: 'b', disabled: true },
  { key: 'orf', cn: 'Orphan, Olga', displayName: 'Olga Orphan', home: 'gone' },
  { key: 'half', cn: 'Half, Harry', displayName: 'Harry Half', addressOnly: true },
  { key: 'hana', cn: 'Quill, Hana', displayName: 'Hana Quill' },
  { key: 'ivo', cn: 'Quill, Ivo', displayName: 'Ivo Quill' },
  { key: 'amb1', cn: 'Twin, Tom', mailOf: 'amb2' },
  { key: 'amb2', cn: 'Twin, Tim' },
  { key: 'ren', cn: 'Rename, Rita' },
  { key: 'wr1', cn: 'Writer, One', home: 'a' },
  { key: 'wr2', cn: 'Writer, Two', home: 'a' },
  { key: 'wr3', cn: 'Writer, Three', home: 'a' },
  { key: 'wr4', cn: 'Writer, Four', home: 'a' },
  ...Array.from({ length: 10 }, (_, i) => filler(i + 1)),
];

/**
 * Groups for sync (resolveGroups, groupMembers): top ⊃ mid ⊃ low ⊃ mid (a cycle, legal in AD), each
 * with one direct user member, and dan's primary group set to low (primaryGroupID, never `member`).
 */
export interface GroupSpec {
  key: string;
  /** Person keys that are direct members. */
  users: string[];
  /** Group keys that are members (nested). */
  groups: string[];
}
export const GROUPS: readonly GroupSpec[] = [
  { key: 'top', users: ['ann'], groups: ['mid'] },
  { key: 'mid', users: ['ben'], groups: ['low'] },
  { key: 'low', users: ['cat'], groups: ['mid'] },
];
/** dan's primary group (the person key and the group key). */
export const PRIMARY_MEMBER = { person: 'dan', group: 'low' } as const;

export interface FixtureGroup {
  dn: string;
  sam: string;
}

export interface FixtureUser {
  dn: string;
  sam: string;
  upn: string;
  /** objectGUID, lower-case hex. */
  guid: string;
}

export interface PortFixture {
  port: DirectoryPort;
  /** The two home servers (as servers() lists them) and the DN the `gone` users point at, with a host for their URLs. */
  homes: { a: ImServer; b: ImServer; gone: { dn: string; host: string } };
  /** A router's name: servers() lists it with hostsUsers false. */
  routerName: string;
  imDomain: string;
  /** The domain's NetBIOS name (`LAB\jdoe`). */
  netbios: string;
  users: ReadonlyMap<string, FixtureUser>;
  /** GROUPS as created, by key. */
  groups: ReadonlyMap<string, FixtureGroup>;
  /** Another writer sets the four IM attributes to `im` (unset = cleared). */
  otherWriter(dn: string, im: ImState): Promise<void>;
  /** The stored IM state, read independently of the port where the fixture can. */
  stored(dn: string): Promise<ImState | undefined>;
  /** Rename the entry (a new CN in the same container); the new DN. */
  rename(dn: string, newCn: string): Promise<string>;
  close?(): Promise<void>;
}

/** msExchIMVirtualServer compared as AD compares DNs (case-insensitively); the rest byte for byte. */
function imView(im: ImState): ImState {
  return im.msExchIMVirtualServer === undefined
    ? { ...im }
    : { ...im, msExchIMVirtualServer: im.msExchIMVirtualServer.toLowerCase() };
}

export function directoryPortContract(name: string, makeFixture: () => Promise<PortFixture>): void {
  describe(`the directory port: ${name}`, () => {
    let f: PortFixture;
    beforeAll(async () => {
      f = await makeFixture();
    });
    afterAll(async () => f?.close?.());

    const user = (key: string) => f.users.get(key)!;
    const spec = (key: string) => POPULATION.find((p) => p.key === key)!;
    const keysWhere = (test: (p: PersonSpec) => boolean) => POPULATION.filter(test).map((p) => p.key);
    const samsOf = (keys: readonly string[]) => keys.map((k) => user(k).sam.toLowerCase()).sort();
    const samsIn = (records: readonly { sAMAccountName: string }[]) =>
      records.map((r) => r.sAMAccountName.toLowerCase()).sort();
    const homedOn = (home: Home) => keysWhere((p) => p.home === home);
    /** The IM state the fixture gave a person. */
    const imOf = (key: string): ImState => {
      const p = spec(key);
      const alias = user(key).sam.toLowerCase();
      if (p.home) return imValues(alias, f.imDomain, f.homes[p.home]);
      if (p.addressOnly) return { msExchIMAddress: `${alias}@${f.imDomain}` };
      return {};
    };
    const resolveOne = async (name: string) => (await f.port.resolveUsers([name])).get(name);
    const resolvedSam = async (name: string) => {
      const r = await resolveOne(name);
      return r && 'user' in r ? r.user.sAMAccountName.toLowerCase() : r;
    };
    const writeOne = async (task: WriteTask): Promise<WriteResult> => {
      const results: WriteResult[] = [];
      await f.port.write([task], { concurrency: 1 }, (_task, result) => results.push(result));
      expect(results).toHaveLength(1);
      return results[0]!;
    };
    /** A move of the user as read now, planned as `imctl move` plans it. */
    const moveTask = async (key: string, to: ImServer): Promise<WriteTask> => {
      const read = await resolveOne(user(key).dn);
      if (!read || !('user' in read)) throw new Error(`${key} does not resolve`);
      const servers = new Map((await f.port.servers()).map((s) => [s.dn.toLowerCase(), s]));
      const plan = planUser(read.user, { action: 'move', server: to }, servers);
      if (plan.kind !== 'write') throw new Error(`no move planned for ${key}: ${JSON.stringify(plan)}`);
      return { dn: user(key).dn, before: plan.before, after: plan.after, ops: plan.ops };
    };

    it('servers(): every virtual server sorted by name, home servers hosting users and the router not', async () => {
      const servers = await f.port.servers();
      const names = servers.map((s) => s.name);
      expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y)));
      const byDn = (dn: string) => servers.find((s) => canonicalDn(s.dn) === canonicalDn(dn));
      expect(byDn(f.homes.a.dn)).toMatchObject({ name: f.homes.a.name, host: f.homes.a.host, hostsUsers: true });
      expect(byDn(f.homes.b.dn)).toMatchObject({ name: f.homes.b.name, host: f.homes.b.host, hostsUsers: true });
      expect(servers.find((s) => s.name === f.routerName)?.hostsUsers).toBe(false);
      expect(byDn(f.homes.gone.dn)).toBeUndefined();
      for (const s of servers) expect(s.host).toMatch(/^[a-z0-9.-]+$/);
    });

    describe('resolveUsers', () => {
      it('by sAMAccountName, in any case and as OURDOMAIN\\name: the whole record as read', async () => {
        const names = POPULATION.map((p) => user(p.key).sam);
        const resolved = await f.port.resolveUsers(names);
        for (const p of POPULATION) {
          const r = resolved.get(user(p.key).sam);
          expect(r && 'user' in r, p.key).toBe(true);
          const got = (r as { user: UserRecord }).user;
          expect(canonicalDn(got.dn)).toBe(canonicalDn(user(p.key).dn));
          expect(got.guid).toBe(user(p.key).guid);
          expect(got.accountDisabled, p.key).toBe(p.disabled === true);
          expect(imView(got.im), p.key).toEqual(imView(imOf(p.key)));
        }
        const ann = ((await resolveOne(user('ann').sam)) as { user: UserRecord }).user;
        expect(ann).toMatchObject({
          sAMAccountName: user('ann').sam,
          userPrincipalName: user('ann').upn,
          mail: user('ann').upn,
          displayName: 'Ann Abbot',
        });
        expect(await resolvedSam(user('ann').sam.toUpperCase())).toBe(user('ann').sam.toLowerCase());
        expect(await resolvedSam(`${f.netbios}\\${user('ann').sam}`)).toBe(user('ann').sam.toLowerCase());
        expect(await resolvedSam(`${f.netbios.toLowerCase()}\\${user('ann').sam}`)).toBe(user('ann').sam.toLowerCase());
      });

      it('by DN spelt differently: case, a hex-escaped comma, spaces after the commas', async () => {
        const dn = user('hana').dn;
        expect(dn).toContain('\\,');
        const spellings = [
          dn,
          dn.toLowerCase(),
          dn.toUpperCase(),
          dn.replace('\\,', '\\2C'),
          dn.replace(/,(?=[A-Za-z]+=)/g, ', '),
        ];
        const resolved = await f.port.resolveUsers(spellings);
        for (const spelling of spellings) {
          const r = resolved.get(spelling);
          expect(r && 'user' in r ? r.user.sAMAccountName.toLowerCase() : r, spelling).toBe(
            user('hana').sam.toLowerCase(),
          );
        }
      });

      it('by UPN (any case), and by mail', async () => {
        expect(await resolvedSam(user('dan').upn)).toBe(user('dan').sam.toLowerCase());
        expect(await resolvedSam(user('dan').upn.toUpperCase())).toBe(user('dan').sam.toLowerCase());
        // amb1's mail is amb2's UPN; amb1's own UPN names amb1 alone.
        expect(await resolvedSam(user('amb1').upn)).toBe(user('amb1').sam.toLowerCase());
      });

      it('by IM address, as stored or typed in another case; a half-enabled user (address only) too', async () => {
        for (const key of ['dan', 'half']) {
          const address = imOf(key).msExchIMAddress!;
          expect(await resolvedSam(address), key).toBe(user(key).sam.toLowerCase());
          expect(await resolvedSam(address.toUpperCase()), key).toBe(user(key).sam.toLowerCase());
        }
        expect(await resolveOne(`nobody-here@${f.imDomain}`)).toEqual({ problem: 'unknown' });
      });

      it('a name nobody carries is unknown: sAMAccountName, UPN and DN alike', async () => {
        const names = ['nobody-here', 'nobody-here@nowhere.test', `CN=Nobody Here,${f.port.baseDn}`];
        const resolved = await f.port.resolveUsers(names);
        expect(names.map((n) => resolved.get(n))).toEqual(names.map(() => ({ problem: 'unknown' })));
      });

      it("OTHERDOM\\name is another domain's user, never the local one of that name", async () => {
        const name = `OTHERDOM\\${user('ann').sam}`;
        expect(await resolveOne(name)).toEqual({ problem: 'other-domain', domain: 'OTHERDOM', ours: f.netbios });
      });

      it('the DNS domain as the prefix (corp.example.com\\name) is this domain, as Windows takes it; a look-alike is not', async () => {
        const dnsName = f.port.domainDn.replace(/^DC=/i, '').replace(/,DC=/gi, '.');
        expect(await resolvedSam(`${dnsName}\\${user('ann').sam}`)).toBe(user('ann').sam.toLowerCase());
        expect(await resolvedSam(`${dnsName.toUpperCase()}\\${user('ann').sam}`)).toBe(user('ann').sam.toLowerCase());
        const lookAlike = `${dnsName}.attacker.example`;
        expect(await resolveOne(`${lookAlike}\\${user('ann').sam}`)).toEqual({
          problem: 'other-domain',
          domain: lookAlike,
          ours: f.netbios,
        });
      });

      it("a UPN that is also another user's mail is ambiguous, with both as candidates", async () => {
        const r = await resolveOne(user('amb2').upn);
        expect(r && 'problem' in r && r.problem).toBe('ambiguous');
        const candidates = (r as { candidates: UserRecord[] }).candidates;
        expect(samsIn(candidates)).toEqual(samsOf(['amb1', 'amb2']));
      });
    });

    it('countHomed: per server, and the users homed on no server given (missing)', async () => {
      const { a, b } = f.homes;
      const both = await f.port.countHomed([a.dn, b.dn]);
      expect(both).toEqual({
        perServer: new Map([
          [a.dn.toLowerCase(), homedOn('a').length],
          [b.dn.toLowerCase(), homedOn('b').length],
        ]),
        missing: homedOn('gone').length,
        missingServers: [f.homes.gone.dn],
      });
      const onlyA = await f.port.countHomed([a.dn]);
      expect(onlyA.missing).toBe(homedOn('b').length + homedOn('gone').length);
      expect(onlyA.missingServers.map((dn) => dn.toLowerCase()).sort()).toEqual(
        [b.dn, f.homes.gone.dn].map((dn) => dn.toLowerCase()).sort(),
      );
    });

    it('homesElsewhere: the server DNs users point at outside the ones given, each once', async () => {
      const { a, b, gone } = f.homes;
      expect(await f.port.homesElsewhere([a.dn, b.dn])).toEqual([gone.dn]);
      expect((await f.port.homesElsewhere([a.dn])).map((dn) => dn.toLowerCase()).sort()).toEqual(
        [b.dn, gone.dn].map((dn) => dn.toLowerCase()).sort(),
      );
    });

    it("unreadableServers: a deleted server's tombstone and a readable server are neither", async () => {
      expect(await f.port.unreadableServers([f.homes.gone.dn, f.homes.a.dn])).toEqual([]);
      expect((await f.port.countHomed([])).missing).toBe(keysWhere((p) => p.home !== undefined).length);
    });

    it('countOn: per server, keyed by the lower-cased DN given, whatever its case', async () => {
      const { a, b } = f.homes;
      const router = (await f.port.servers()).find((s) => s.name === f.routerName)!;
      const counts = await f.port.countOn([a.dn.toUpperCase(), b.dn, router.dn]);
      expect(counts).toEqual(
        new Map([
          [a.dn.toLowerCase(), homedOn('a').length],
          [b.dn.toLowerCase(), homedOn('b').length],
          [router.dn.toLowerCase(), 0],
        ]),
      );
    });

    it('imUsers: the users homed on one server, or every homed user; only the address and home of IM', async () => {
      const onA = await everyPage(f.port.imUsers(f.homes.a.dn));
      expect(samsIn(onA)).toEqual(samsOf(homedOn('a')));
      const all = await everyPage(f.port.imUsers());
      expect(samsIn(all)).toEqual(samsOf(keysWhere((p) => p.home !== undefined)));
      const ann = onA.find((u) => u.sAMAccountName.toLowerCase() === user('ann').sam.toLowerCase())!;
      expect(canonicalDn(ann.dn)).toBe(canonicalDn(user('ann').dn));
      expect(ann.displayName).toBe('Ann Abbot');
      // What the listing reads, and no more: the URLs are not fetched.
      const { msExchIMAddress, msExchIMVirtualServer } = imOf('ann');
      expect(imView(ann.im)).toEqual(imView({ msExchIMAddress, msExchIMVirtualServer }));
      const orphan = all.find((u) => u.sAMAccountName.toLowerCase() === user('orf').sam.toLowerCase())!;
      expect(orphan.im.msExchIMVirtualServer?.toLowerCase()).toBe(f.homes.gone.dn.toLowerCase());
    });

    it('homedUsers: every homed user once, with its DN, GUID and home as stored; with activity, its account state too', async () => {
      const homed = keysWhere((p) => p.home !== undefined);
      const read = await everyPage(f.port.homedUsers());
      expect(read.map((u) => u.guid).sort()).toEqual(homed.map((k) => user(k).guid).sort());
      for (const key of homed) {
        const u = read.find((h) => h.guid === user(key).guid)!;
        expect(canonicalDn(u.dn), key).toBe(canonicalDn(user(key).dn));
        expect(u.homeServer.toLowerCase(), key).toBe(f.homes[spec(key).home!].dn.toLowerCase());
        // What the plan needs, and no more: no account state unless asked.
        expect(u.accountDisabled, key).toBeUndefined();
      }
      const withActivity = await everyPage(f.port.homedUsers(true));
      expect(withActivity).toHaveLength(homed.length);
      for (const key of homed) {
        const u = withActivity.find((h) => h.guid === user(key).guid)!;
        expect(u.accountDisabled, key).toBe(spec(key).disabled === true);
      }
      expect(homed.some((k) => spec(k).disabled)).toBe(true);
    });

    describe('searchUsers', () => {
      it('every word must match: a word of the cn or displayName, in any case', async () => {
        expect(samsIn(await f.port.searchUsers(['quill'], 10))).toEqual(samsOf(['hana', 'ivo']));
        expect(samsIn(await f.port.searchUsers(['Quill', 'HANA'], 10))).toEqual(samsOf(['hana']));
        expect(samsIn(await f.port.searchUsers(['quill', 'nomatchword'], 10))).toEqual([]);
        expect(await f.port.searchUsers([], 10)).toEqual([]);
      });

      it('at most limit + 1 users, so the caller can tell there are more', async () => {
        const fillers = keysWhere((p) => p.key.startsWith('fill'));
        expect(samsIn(await f.port.searchUsers(['filler'], 50))).toEqual(samsOf(fillers));
        expect(await f.port.searchUsers(['filler'], 3)).toHaveLength(4);
        expect(await f.port.searchUsers(['filler'], fillers.length - 1)).toHaveLength(fillers.length);
      });
    });

    it('usersByImAddress: exactly the users holding that address; the match is case-sensitive', async () => {
      const address = imOf('dan').msExchIMAddress!;
      const found = await f.port.usersByImAddress(address);
      expect(samsIn(found)).toEqual(samsOf(['dan']));
      expect(found[0]!.guid).toBe(user('dan').guid);
      expect(samsIn(await f.port.usersByImAddress(imOf('half').msExchIMAddress!))).toEqual(samsOf(['half']));
      expect(await f.port.usersByImAddress(address.toUpperCase())).toEqual([]);
      expect(await f.port.usersByImAddress(`nobody@${f.imDomain}`)).toEqual([]);
    });

    it('auditUsers: pages of exactly the users with any IM attribute, each once, with its values', async () => {
      const seen: { sAMAccountName: string; guid: string; accountDisabled: boolean; im: ImState }[] = [];
      for await (const page of f.port.auditUsers()) seen.push(...page);
      expect(samsIn(seen)).toEqual(samsOf(keysWhere((p) => p.home !== undefined || p.addressOnly === true)));
      for (const u of seen) {
        const key = POPULATION.find((p) => user(p.key).sam.toLowerCase() === u.sAMAccountName.toLowerCase())!.key;
        expect(u.guid, key).toBe(user(key).guid);
        expect(u.accountDisabled, key).toBe(spec(key).disabled === true);
        expect(imView(u.im), key).toEqual(imView(imOf(key)));
      }
    });

    it('usersByGuid: by objectGUID, keyed by it, wherever the user was renamed to; unknown GUIDs left out', async () => {
      const unknown = 'f'.repeat(32);
      const found = await f.port.usersByGuid([user('ann').guid, user('dan').guid, unknown]);
      expect([...found.keys()].sort()).toEqual([user('ann').guid, user('dan').guid].sort());
      expect(found.get(user('dan').guid)?.sAMAccountName.toLowerCase()).toBe(user('dan').sam.toLowerCase());
      const renamed = await f.rename(user('ren').dn, 'Renamed, Rita');
      const after = (await f.port.usersByGuid([user('ren').guid])).get(user('ren').guid);
      expect(canonicalDn(after!.dn)).toBe(canonicalDn(renamed));
      expect(canonicalDn(after!.dn)).not.toBe(canonicalDn(user('ren').dn));
    });

    describe('groups (sync)', () => {
      const group = (key: string) => f.groups.get(key)!;
      const resolveGroup = async (name: string) => (await f.port.resolveGroups([name])).get(name);
      const membersOf = async (keys: string[], scope = f.port.baseDn) => {
        const resolved = await f.port.resolveGroups(keys.map((k) => group(k).dn));
        const groups = keys.map((k) => {
          const r = resolved.get(group(k).dn);
          if (!r || !('group' in r)) throw new Error(`group ${k} does not resolve: ${JSON.stringify(r)}`);
          return r.group;
        });
        return f.port.groupMembers(groups, scope);
      };

      it('resolveGroups: by DN in any spelling, sAMAccountName or cn; a user is not a group; unknown names', async () => {
        const top = group('top');
        const cn = top.dn.replace(/^CN=([^,]+),.*$/, '$1');
        for (const name of [top.dn, top.dn.toLowerCase(), top.sam, top.sam.toUpperCase(), cn]) {
          const r = await resolveGroup(name);
          expect(r && 'group' in r ? canonicalDn(r.group.dn) : r, name).toBe(canonicalDn(top.dn));
        }
        const r = (await resolveGroup(top.dn)) as { group: { rid: number; sAMAccountName: string } };
        expect(r.group.sAMAccountName.toLowerCase()).toBe(top.sam.toLowerCase());
        expect(r.group.rid).toBeGreaterThan(1000);
        expect(await resolveGroup(user('ann').sam)).toEqual({ problem: 'not-a-group' });
        expect(await resolveGroup(user('ann').dn)).toEqual({ problem: 'not-a-group' });
        expect(await resolveGroup('no-such-group-anywhere')).toEqual({ problem: 'unknown' });
        expect(await resolveGroup(`CN=No Such Group,${f.port.baseDn}`)).toEqual({ problem: 'unknown' });
      });

      it('groupMembers: through nested groups (the cycle ends) and primary members of a nested group', async () => {
        expect(samsIn(await membersOf(['top']))).toEqual(samsOf(['ann', 'ben', 'cat', PRIMARY_MEMBER.person]));
        // low ⊃ mid ⊃ low: ben is in low through the cycle.
        expect(samsIn(await membersOf(['low']))).toEqual(samsOf(['ben', 'cat', PRIMARY_MEMBER.person]));
        expect(samsIn(await membersOf(['mid', 'low']))).toEqual(samsOf(['ben', 'cat', PRIMARY_MEMBER.person]));
        const [ann] = await membersOf(['top'], user('ann').dn);
        expect(ann).toMatchObject({ guid: user('ann').guid, accountDisabled: false });
        expect(imView(ann!.im)).toEqual(imView(imOf('ann')));
      });

      it('groupMembers: only under the scope given', async () => {
        expect(samsIn(await membersOf(['top'], user('ben').dn))).toEqual(samsOf(['ben']));
        expect(await membersOf(['top'], user('hana').dn)).toEqual([]);
      });

      it('imUsersUnder: the users with any IM attribute under the scope, read whole', async () => {
        const all = await f.port.imUsersUnder(f.port.baseDn);
        expect(samsIn(all)).toEqual(samsOf(keysWhere((p) => p.home !== undefined || p.addressOnly === true)));
        const dan = all.find((u) => u.sAMAccountName.toLowerCase() === user('dan').sam.toLowerCase())!;
        expect(dan.guid).toBe(user('dan').guid);
        expect(imView(dan.im)).toEqual(imView(imOf('dan')));
        expect(samsIn(await f.port.imUsersUnder(user('dan').dn))).toEqual(samsOf(['dan']));
      });
    });

    describe('write (compare-and-set)', () => {
      it('the entry is as read: changed, and the stored state is `after`', async () => {
        const task = await moveTask('wr1', f.homes.b);
        expect(await writeOne(task)).toEqual({ outcome: 'changed' });
        expect(imView((await f.stored(task.dn))!)).toEqual(imView(task.after));
      });

      it('another writer changed the entry first: failed, with a reason, and its change stands', async () => {
        const task = await moveTask('wr2', f.homes.b);
        const theirs = imValues('theirs-wr2', f.imDomain, f.homes.a);
        await f.otherWriter(task.dn, theirs);
        const result = await writeOne(task);
        expect(result.outcome).toBe('failed');
        expect(result.outcome === 'failed' && result.reason).toMatch(/changed by someone else since it was read/);
        expect(imView((await f.stored(task.dn))!)).toEqual(imView(theirs));
      });

      it('another writer changed only an attribute the task does not touch: changed, both changes kept', async () => {
        const task = await moveTask('wr3', f.homes.b);
        expect(task.ops.map((op) => op.attribute)).not.toContain('msExchIMAddress');
        const theirs = { ...task.before, msExchIMAddress: `theirs-wr3@${f.imDomain}` };
        await f.otherWriter(task.dn, theirs);
        expect(await writeOne(task)).toEqual({ outcome: 'changed' });
        expect(imView((await f.stored(task.dn))!)).toEqual(
          imView({ ...task.after, msExchIMAddress: theirs.msExchIMAddress }),
        );
      });

      it('a home that names no object: failed, nothing written', async () => {
        const nowhere: ImServer = { ...f.homes.a, dn: `CN=No Such Server,${f.homes.a.dn}`, name: 'nowhere' };
        const task = await moveTask('wr4', nowhere);
        const result = await writeOne(task);
        expect(result.outcome).toBe('failed');
        expect(result.outcome === 'failed' && result.reason.length).toBeGreaterThan(0);
        expect(imView((await f.stored(task.dn))!)).toEqual(imView(task.before));
      });

      it('an entry that does not exist: failed, it no longer exists', async () => {
        const after = { msExchIMAddress: `gone-since@${f.imDomain}` };
        const dn = `CN=Gone Since,${f.port.baseDn}`;
        const result = await writeOne({
          dn,
          before: {},
          after,
          ops: [{ operation: 'add', attribute: 'msExchIMAddress', values: [after.msExchIMAddress] }],
        });
        expect(result).toEqual({ outcome: 'failed', reason: expect.stringMatching(/no longer exists/) });
        expect(await f.stored(dn)).toBeUndefined();
      });
    });
  });
}

/** A paged listing's pages, concatenated (the fixtures are small). */
async function everyPage<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
