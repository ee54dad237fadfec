/**
 * `imctl sync` on the lab DC (Samba), checked with ldapsearch: nested groups with a cycle (the
 * in-chain rule on memberOf), a primary-group member, a disabled member, a member outside --ou,
 * Domain Users, a second run that writes nothing, removal scoped to --ou, the guard, undo --last,
 * and a cron-style run of a config rule as the delegated operator from a keytab, with no password
 * anywhere. One small world of its own: tens of entries, no scan of the seeded domain.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imctlHere } from '../support/in-process.js';
import { exportKeytab, kerberosEnv, krb } from '../support/kerberos.js';
import {
  addUsers,
  imctlProcess,
  lab,
  ldapdeleteTree,
  ldapmodify,
  ldapsearch,
  ldifValue,
  repoRoot,
  scratchDir,
  server,
} from '../support/lab.js';
import { smallWorld, worldUser, type SmallWorld } from '../support/small-world.js';

const tag = `sy${process.pid}`;
let world: SmallWorld;
let inside: string;
let env: NodeJS.ProcessEnv;
/** The named group's cn has filter specials: its DN reaches the in-chain filter only escaped (RFC 4515). */
const CN: Record<string, string> = { 'im-users': 'IM Users (all)*' };
const group = (name: string) => `CN=${tag}-${CN[name] ?? name},${world.ou}`;
const userDn = (sam: string) => `CN=${tag}-${sam},${inside}`;

async function modify(ldif: string): Promise<void> {
  const result = await ldapmodify(ldif);
  if (result.code !== 0) throw new Error(`ldapmodify failed (${result.code}): ${result.stderr}`);
}

/** Who under `base` has an IM address, by short name (the tag stripped). */
async function imHolders(base = world.ou): Promise<string[]> {
  const found = await ldapsearch(base, '(&(objectClass=user)(msExchIMAddress=*))', ['sAMAccountName']);
  return found.map((e) => e.attrs.samaccountname![0]!.replace(`${tag}-`, '')).sort();
}

/** uSNChanged of every entry in the world: a write to any of them changes it. */
async function usns(): Promise<Record<string, string>> {
  const found = await ldapsearch(world.ou, '(objectClass=user)', ['uSNChanged']);
  return Object.fromEntries(found.map((e) => [e.dn, e.attrs.usnchanged![0]!]));
}

const sync = (args: string[]) => imctlHere(['sync', ...args], { env });

beforeAll(async () => {
  // fay sits in the world but outside --ou (OU=Inside); ola too, with IM.
  world = await smallWorld('sync', [
    worldUser({ sam: `${tag}-fay`, cn: `${tag}-fay` }),
    worldUser({ sam: `${tag}-ola`, cn: `${tag}-ola`, im: { server: server('im-west') } }),
  ]);
  inside = `OU=Inside,${world.ou}`;
  await modify(`dn: ${inside}\nchangetype: add\nobjectClass: organizationalUnit\n\n`);
  const person = (sam: string, extra: Parameters<typeof worldUser>[1] = {}, im?: string) =>
    worldUser({ sam: `${tag}-${sam}`, cn: `${tag}-${sam}`, ...(im ? { im: { server: server(im) } } : {}) }, extra);
  await addUsers(inside, [
    person('ann'),
    person('bob'),
    person('cal'),
    person('dot'),
    person('eli', { enabled: false }),
    person('gus', {}, 'im-south'),
    person('hal', {}, 'im-west'),
    person('ivy'),
  ]);
  // IM Users ⊃ Sales ⊃ Sales East ⊃ Sales: a cycle, which AD allows.
  const addGroup = (name: string, members: string[]) =>
    modify(
      [
        ldifValue('dn', group(name)),
        'changetype: add',
        'objectClass: group',
        `sAMAccountName: ${tag}-${name}`,
        ...members.map((m) => ldifValue('member', m)),
        '',
        '',
      ].join('\n'),
    );
  await addGroup('sales-east', [userDn('cal'), userDn('dot')]);
  await addGroup('sales', [userDn('bob'), group('sales-east')]);
  await modify(
    `${ldifValue('dn', group('sales-east'))}\nchangetype: modify\nadd: member\n${ldifValue('member', group('sales'))}\n-\n\n`,
  );
  await addGroup('im-users', [
    userDn('ann'),
    group('sales'),
    userDn('eli'),
    `CN=${tag}-fay,${world.ou}`,
    userDn('hal'),
  ]);
  // dot's primary group becomes Sales East (a member first, as AD requires); then it is no `member` of it.
  const [salesEast] = await ldapsearch(group('sales-east'), '(objectClass=*)', ['primaryGroupToken'], 'base');
  await modify(
    `${ldifValue('dn', userDn('dot'))}\nchangetype: modify\nreplace: primaryGroupID\nprimaryGroupID: ${salesEast!.attrs.primarygrouptoken![0]}\n-\n\n`,
  );
  const members = async () =>
    (await ldapsearch(group('sales-east'), '(objectClass=*)', ['member'], 'base'))[0]!.attrs.member ?? [];
  if ((await members()).includes(userDn('dot')))
    await modify(
      `${ldifValue('dn', group('sales-east'))}\nchangetype: modify\ndelete: member\n${ldifValue('member', userDn('dot'))}\n-\n\n`,
    );
  expect(await members()).not.toContain(userDn('dot'));
  env = world.env({ IMCTL_BASE_DN: world.ou });
}, 60_000);

afterAll(async () => {
  // A group that is someone's primary group cannot be deleted: dot goes back to Domain Users first.
  if (inside)
    await modify(
      `${ldifValue('dn', userDn('dot'))}\nchangetype: modify\nreplace: primaryGroupID\nprimaryGroupID: 513\n-\n\n`,
    ).catch(() => undefined);
  await world?.remove();
});

describe('imctl sync on Samba', () => {
  it('nested groups with a cycle and a primary member get IM; not the disabled member, not one outside --ou', async () => {
    const result = await sync(['--group', `${tag}-im-users`, '--ou', inside, '--yes', '--json']);
    expect(result.code, result.stderr).toBe(0);
    // gus and hal had IM already (gus is in no group: without --remove he keeps it); ola is outside.
    expect(await imHolders()).toEqual(['ann', 'bob', 'cal', 'dot', 'gus', 'hal', 'ola']);
    const doc = JSON.parse(result.stdout);
    expect(doc.sync.skipped).toEqual([
      expect.objectContaining({ user: `${tag}-eli`, reason: expect.stringMatching(/disabled/) }),
    ]);
    expect(doc.summary).toMatchObject({ changed: 4, unchanged: 1, failed: 0 });
  });

  it('a second run writes nothing (uSNChanged of every entry as it was)', async () => {
    const before = await usns();
    const again = await sync(['--group', `${tag}-im-users`, '--ou', inside, '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ changed: 0, unchanged: 5, failed: 0 });
    expect(await usns()).toEqual(before);
  });

  it('Domain Users: members by primaryGroupID, which no `member` value lists', async () => {
    const domainUsers = `CN=Domain Users,CN=Users,${lab().baseDn}`;
    // ann is in Domain Users only as her primary group; dot (whose primary group changed) was made an
    // explicit member by the DC, as AD does with the former primary group.
    const [ann] = await ldapsearch(userDn('ann'), `(memberOf=${domainUsers})`, ['1.1'], 'base');
    expect(ann).toBeUndefined();
    const dry = await sync(['--group', 'Domain Users', '--ou', inside, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const results = JSON.parse(dry.stdout).results as { user: string; outcome: string }[];
    const by = (outcome: string) =>
      results
        .filter((r) => r.outcome === outcome)
        .map((r) => r.user.replace(`${tag}-`, ''))
        .sort();
    expect(by('planned')).toEqual(['ivy']);
    expect(by('unchanged')).toEqual(['ann', 'bob', 'cal', 'dot', 'gus', 'hal']);
  });

  it('the guard: more removals than --max-removals is exit 2 with how many and why, and nothing is written', async () => {
    const before = await usns();
    const refused = await sync([
      '--group',
      `${tag}-im-users`,
      '--ou',
      inside,
      '--remove',
      '--max-removals',
      '0',
      '--yes',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /would disable IM on 1 user under OU=Inside.*more than the 0 allowed.*nothing was written/,
    );
    expect(await usns()).toEqual(before);
  });

  it('--remove disables only under --ou; undo --last puts it back', async () => {
    const removed = await sync(['--group', `${tag}-im-users`, '--ou', inside, '--remove', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await imHolders()).toEqual(['ann', 'bob', 'cal', 'dot', 'hal', 'ola']);
    const undo = await imctlHere(['undo', '--last', '--yes'], { env });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stderr).toMatch(/The newest of your journals: .*-sync-/);
    expect(await imHolders()).toContain('gus');
    const history = await imctlHere(['history', '--limit', '2', '--json'], { env });
    expect(
      JSON.parse(history.stdout).runs.map((r: { command: string; ended: string }) => [r.command, r.ended]),
    ).toEqual([
      ['undo', 'done'],
      ['sync', 'done'],
    ]);
  });

  it('a config rule run as the delegated operator from a keytab: no password, no kinit', async () => {
    const { operator, krb5Conf } = krb();
    const pilotSam = `${tag}-pilot`;
    const [pilot] = await addUsers(operator.ou, [worldUser({ sam: pilotSam, cn: pilotSam })]);
    try {
      await modify(
        [
          ldifValue('dn', group('pilots')),
          'changetype: add',
          'objectClass: group',
          `sAMAccountName: ${tag}-pilots`,
          ldifValue('member', pilot!),
          '',
          '',
        ].join('\n'),
      );
      const dir = scratchDir('imctl-keytab-');
      const keytab = join(dir, 'imop.keytab');
      await exportKeytab(operator.principal, keytab);
      const config = join(dir, 'imctl.json');
      writeFileSync(
        config,
        JSON.stringify({ sync: { pilots: { group: [`${tag}-pilots`], ou: operator.ou, imDomain: lab().imDomain } } }),
        { mode: 0o600 },
      );
      // No ticket cache yet, no bind DN, no password file: the keytab is the only credential.
      const cache = `FILE:${join(dir, 'cc')}`;
      const cronEnv = kerberosEnv(cache, {
        KRB5_CLIENT_KTNAME: keytab,
        KRB5_CONFIG: krb5Conf,
        IMCTL_BASE_DN: undefined,
      });
      expect(Object.keys(cronEnv).filter((k) => /PASSWORD|BIND_DN/.test(k))).toEqual([]);
      const result = await imctlProcess(
        ['--config', config, '--auth', 'kerberos', 'sync', 'pilots', '--yes', '--json'],
        {
          env: cronEnv,
          cwd: repoRoot,
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).summary).toMatchObject({ changed: 1, failed: 0 });
      const [entry] = await ldapsearch(pilot!, '(objectClass=*)', ['msExchIMAddress'], 'base');
      expect(entry!.attrs.msexchimaddress).toEqual([`${pilotSam.toLowerCase()}@${lab().imDomain}`]);
    } finally {
      await ldapdeleteTree(pilot!);
    }
  });
});
