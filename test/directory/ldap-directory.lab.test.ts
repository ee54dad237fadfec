/**
 * The directory port's contract (test/support/directory-port-contract.ts) against the LDAP
 * adapter on the lab DC, opened on an OU of its own holding the contract's population; the unit
 * tier runs the same cases against the in-memory fake (test/services/directory-port.test.ts).
 */
import { loadSettings } from '../../src/config/settings.js';
import { IM_ATTRIBUTES, type ImState } from '../../src/core/im-model.js';
import { openLdapDirectory } from '../../src/directory/ldap-directory.js';
import { directoryPortContract, GROUPS, POPULATION, PRIMARY_MEMBER } from '../support/directory-port-contract.js';
import type { FixtureGroup, FixtureUser } from '../support/directory-port-contract.js';
import {
  addUsers,
  adminPassword,
  createOu,
  escapeRdn,
  imctlEnv,
  lab,
  ldapdeleteTree,
  ldapmodify,
  ldapsearch,
  ldifValue,
  readEntry,
  server,
  type TestUser,
} from '../support/lab.js';

async function modify(ldif: string): Promise<void> {
  const result = await ldapmodify(ldif);
  if (result.code !== 0) throw new Error(`ldapmodify failed (${result.code}): ${result.stderr}`);
}

directoryPortContract('LDAP adapter on the lab DC', async () => {
  const l = lab();
  const ou = await createOu('port-contract');
  const port = await openLdapDirectory(loadSettings({ baseDn: ou }, imctlEnv(), '/'), {
    password: async () => adminPassword(),
    log: () => undefined,
    warn: () => undefined,
  });
  const servers = await port.servers();
  const named = (name: string) => servers.find((s) => s.name === name)!;
  const deleted = l.servers.find((s) => !s.exists) as ReturnType<typeof server> & { tombstoneDn: string };
  const homes = {
    a: named('im-north'),
    b: named('im-south'),
    // Samba refuses a DN naming no object ("Referenced object not found"); a deleted server's tombstone it keeps.
    gone: { dn: deleted.tombstoneDn, host: deleted.host },
  };

  const prefix = `pc${process.pid}`;
  const sam = (key: string) => `${prefix}${key}`;
  const dns = await addUsers(
    ou,
    POPULATION.map((p): TestUser => {
      const extra: Record<string, string> = { userAccountControl: p.disabled ? '546' : '544' };
      if (p.displayName) extra.displayName = p.displayName;
      if (p.addressOnly) extra.msExchIMAddress = `${sam(p.key).toLowerCase()}@${l.imDomain}`;
      return {
        sam: sam(p.key),
        cn: p.cn,
        extra,
        ...(p.home ? { im: { server: { ...server('im-north'), ...homes[p.home] } } } : {}),
      };
    }),
  );
  for (const p of POPULATION.filter((p) => p.mailOf)) {
    const i = POPULATION.indexOf(p);
    await modify(
      `${ldifValue('dn', dns[i]!)}\nchangetype: modify\nreplace: mail\nmail: ${sam(p.mailOf!)}@${l.domain}\n-\n\n`,
    );
  }
  // The GUIDs as the DC assigned them (read by sAMAccountName, which the contract checks separately).
  const resolved = await port.resolveUsers(POPULATION.map((p) => sam(p.key)));
  const users = new Map<string, FixtureUser>(
    POPULATION.map((p, i) => {
      const r = resolved.get(sam(p.key));
      if (!r || !('user' in r)) throw new Error(`${sam(p.key)} was not created`);
      return [p.key, { dn: dns[i]!, sam: sam(p.key), upn: `${sam(p.key)}@${l.domain}`, guid: r.user.guid }];
    }),
  );

  // The groups (a cycle among them), then dan's primary group: a member first, as AD requires.
  const groups = new Map<string, FixtureGroup>(
    GROUPS.map((g) => [g.key, { dn: `CN=Group ${g.key},${ou}`, sam: `${prefix}g${g.key}` }]),
  );
  const dnOf = (key: string) => dns[POPULATION.findIndex((p) => p.key === key)]!;
  for (const g of GROUPS)
    await modify(
      [
        ldifValue('dn', groups.get(g.key)!.dn),
        'changetype: add',
        'objectClass: group',
        `sAMAccountName: ${groups.get(g.key)!.sam}`,
        ...g.users.map((k) => ldifValue('member', dnOf(k))),
        '',
        '',
      ].join('\n'),
    );
  for (const g of GROUPS)
    for (const k of g.groups)
      await modify(
        `${ldifValue('dn', groups.get(g.key)!.dn)}\nchangetype: modify\nadd: member\n${ldifValue('member', groups.get(k)!.dn)}\n-\n\n`,
      );
  const primary = groups.get(PRIMARY_MEMBER.group)!.dn;
  const primaryUser = dnOf(PRIMARY_MEMBER.person);
  await modify(
    `${ldifValue('dn', primary)}\nchangetype: modify\nadd: member\n${ldifValue('member', primaryUser)}\n-\n\n`,
  );
  const [token] = await ldapsearch(primary, '(objectClass=*)', ['primaryGroupToken'], 'base');
  await modify(
    `${ldifValue('dn', primaryUser)}\nchangetype: modify\nreplace: primaryGroupID\nprimaryGroupID: ${token!.attrs.primarygrouptoken![0]}\n-\n\n`,
  );
  // Samba, as AD, keeps no `member` value for a primary member.
  const [afterwards] = await ldapsearch(primary, '(objectClass=*)', ['member'], 'base');
  if (afterwards!.attrs.member?.includes(primaryUser)) throw new Error('the primary member is still a member value');

  return {
    port,
    homes,
    groups,
    routerName: 'im-router',
    imDomain: l.imDomain,
    netbios: l.adminNetbios.split('\\')[0]!,
    users,
    otherWriter: (dn, im) =>
      modify(
        [
          ldifValue('dn', dn),
          'changetype: modify',
          ...IM_ATTRIBUTES.flatMap((a) => [`replace: ${a}`, ...(im[a] === undefined ? [] : [`${a}: ${im[a]}`]), '-']),
          '',
          '',
        ].join('\n'),
      ),
    stored: async (dn) => {
      const entry = await readEntry(dn, [...IM_ATTRIBUTES]);
      if (!entry) return undefined;
      const im: ImState = {};
      for (const a of IM_ATTRIBUTES) {
        const value = entry.attrs[a.toLowerCase()]?.[0];
        if (value !== undefined) im[a] = value;
      }
      return im;
    },
    rename: async (dn, newCn) => {
      await modify(
        `${ldifValue('dn', dn)}\nchangetype: modrdn\n${ldifValue('newrdn', `CN=${escapeRdn(newCn)}`)}\ndeleteoldrdn: 1\n\n`,
      );
      return `CN=${escapeRdn(newCn)},${ou}`;
    },
    // Its orphan and its homed users would change other files' domain-wide counts (users --orphaned).
    close: async () => {
      await port.close();
      // A group that is someone's primary group cannot be deleted: back to Domain Users first.
      await modify(
        `${ldifValue('dn', primaryUser)}\nchangetype: modify\nreplace: primaryGroupID\nprimaryGroupID: 513\n-\n\n`,
      );
      const removed = await ldapdeleteTree(ou);
      if (removed.code !== 0) throw new Error(`cannot delete ${ou}: ${removed.stderr}`);
    },
  };
});
