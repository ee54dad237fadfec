/**
 * The directory port's contract (test/support/directory-port-contract.ts) against the in-memory
 * fake the unit tier runs on; test/directory/ldap-directory.lab.test.ts runs the same cases
 * against the LDAP adapter on the lab DC.
 */
import { imValues, type ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import {
  directoryPortContract,
  GROUPS,
  POPULATION,
  PRIMARY_MEMBER,
  type FixtureGroup,
  type FixtureUser,
} from '../support/directory-port-contract.js';

const DOMAIN = 'DC=memory,DC=test';
const CONFIG = `CN=Configuration,${DOMAIN}`;
const IM_DOMAIN = 'im.memory.test';

/** The lab's servers, in the shape servers() gives them. */
const vs = (name: string, exch: string, host: string, hostsUsers = true): ImServer => ({
  dn: `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${exch},CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Memory Org,CN=Microsoft Exchange,CN=Services,${CONFIG}`,
  name,
  cn: 'IM Virtual Server',
  host,
  hostsUsers,
});
const SERVERS = [
  vs('im-east', 'EXCH1', 'exch1.memory.test'),
  vs('im-west', 'EXCH2', 'exch2.memory.test'),
  vs('im-north', 'EXCH3', 'exch3.memory.test'),
  vs('im-south', 'EXCH4', 'exch4.memory.test'),
  vs('im-router', 'EXCH5', 'imrouter.memory.test', false),
];
/** What a home server's DN becomes once the server is deleted. */
const TOMBSTONE = `CN=IM Virtual Server\\0ADEL:9b9430ba-2ee8-4573-9ab8-2ed083dfa508,CN=Deleted Objects,${CONFIG}`;

directoryPortContract('MemoryDirectory', async () => {
  const homes = {
    a: SERVERS.find((s) => s.name === 'im-north')!,
    b: SERVERS.find((s) => s.name === 'im-south')!,
    gone: { dn: TOMBSTONE, host: 'exch9.memory.test' },
  };
  const escapeCn = (cn: string) => cn.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
  const users = new Map<string, FixtureUser>();
  POPULATION.forEach((p, i) => {
    const sam = `pc-${p.key}`;
    users.set(p.key, {
      dn: `CN=${escapeCn(p.cn)},OU=Contract,${DOMAIN}`,
      sam,
      upn: `${sam}@memory.test`,
      guid: (0xc0000 + i).toString(16).padStart(32, '0'),
    });
  });
  const records: UserRecord[] = POPULATION.map((p) => {
    const u = users.get(p.key)!;
    return {
      dn: u.dn,
      guid: u.guid,
      sAMAccountName: u.sam,
      userPrincipalName: u.upn,
      mail: p.mailOf ? users.get(p.mailOf)!.upn : u.upn,
      displayName: p.displayName,
      accountDisabled: p.disabled === true,
      im: p.home
        ? imValues(u.sam, IM_DOMAIN, homes[p.home])
        : p.addressOnly
          ? { msExchIMAddress: `${u.sam}@${IM_DOMAIN}` }
          : {},
    };
  });
  const directory = new MemoryDirectory(SERVERS, records);
  const groups = new Map<string, FixtureGroup>(
    GROUPS.map((g) => [g.key, { dn: `CN=Group ${g.key},OU=Contract,${DOMAIN}`, sam: `pc-group-${g.key}` }]),
  );
  GROUPS.forEach((g, i) =>
    directory.addGroup({
      dn: groups.get(g.key)!.dn,
      sAMAccountName: groups.get(g.key)!.sam,
      rid: 1100 + i,
      member: [...g.users.map((k) => users.get(k)!.dn), ...g.groups.map((k) => groups.get(k)!.dn)],
    }),
  );
  directory.setPrimaryGroup(
    users.get(PRIMARY_MEMBER.person)!.dn,
    1100 + GROUPS.findIndex((g) => g.key === PRIMARY_MEMBER.group),
  );
  return {
    groups,
    port: directory,
    homes,
    routerName: 'im-router',
    imDomain: IM_DOMAIN,
    netbios: directory.netbiosName,
    users,
    otherWriter: async (dn, im) => directory.set(dn, im),
    stored: async (dn) => directory.get(dn)?.im,
    rename: async (dn, newCn) => directory.rename(dn, `CN=${escapeCn(newCn)},OU=Contract,${DOMAIN}`),
  };
});
