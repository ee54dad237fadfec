/**
 * A crafted journal (issue 25): entries that carry the objectGUIDs of krbtgt and of a DC's computer
 * object beside a staff user's DN, and "before" values that point a real user at attacker.example.
 * `undo --base-dn OU=Staff… --yes` must write none of them — checked with ldapsearch — and a
 * journal of another domain is refused before anything is read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IM_ATTRS,
  imctlProcess,
  imctlEnv,
  lab,
  ldapToolEnv,
  ldapsearch,
  runProcess,
  scratchDir,
  searchArgs,
  simpleBind,
} from '../support/lab.js';

/** objectGUID as imctl's journals hold it (hex of the raw bytes), from ldapsearch's base64. */
async function guidOf(base: string, filter: string): Promise<{ dn: string; guid: string }> {
  const query = { base, filter, attributes: ['objectGUID'], paged: false };
  const result = await runProcess('ldapsearch', searchArgs(simpleBind(), query), { env: ldapToolEnv() });

  const dn = /^dn: (.*)$/m.exec(result.stdout)?.[1];
  const guid = /^objectGUID:: (.*)$/m.exec(result.stdout)?.[1];
  if (!dn || !guid) throw new Error(`no objectGUID for ${filter}: ${result.stderr}`);
  return { dn, guid: Buffer.from(guid, 'base64').toString('hex') };
}

const imValues = async (dn: string) => (await ldapsearch(dn, '(objectClass=*)', IM_ATTRS, 'base'))[0]?.attrs ?? {};

describe('a crafted journal (against the lab DC)', () => {
  const dir = scratchDir('imctl-hostile-journal-');
  const env = imctlEnv();
  let krbtgt: { dn: string; guid: string };
  let dc: { dn: string; guid: string };
  let staff: { dn: string; guid: string };
  let staffValues: Record<string, string[]>;
  const east = () => lab().servers.find((s) => s.name === 'im-east')!;
  const attackerValues = () => ({
    msExchIMAddress: `jdoe@${lab().imDomain}`,
    msExchIMMetaPhysicalURL: `http://${lab().imDomain}/instmsg/aliases/jdoe`,
    msExchIMPhysicalURL: `http://attacker.example/instmsg/local/${lab().imDomain}/instmsg/aliases/jdoe`,
    msExchIMVirtualServer: east().dn,
  });
  const header = (domain = lab().baseDn) =>
    JSON.stringify({
      type: 'run',
      version: 1,
      command: 'disable',
      startedAt: '2026-12-01T10:00:00Z',
      server: 'dc1.lab.imctl.test',
      domain,
    });
  const change = (dn: string, guid: string, before: object, after: object) =>
    JSON.stringify({ type: 'change', dn, guid, before, after, at: '2026-12-01T10:00:01Z' });

  beforeAll(async () => {
    krbtgt = await guidOf(lab().baseDn, '(sAMAccountName=krbtgt)');
    dc = await guidOf(`OU=Domain Controllers,${lab().baseDn}`, '(&(objectClass=computer)(primaryGroupID=516))');
    staff = await guidOf(lab().usersOu, '(sAMAccountName=jdoe)');
    staffValues = await imValues(staff.dn);
    expect(staffValues.msexchimaddress).toEqual([`jdoe@${lab().imDomain}`]);
  });

  it('writes nothing onto krbtgt, a DC, or a staff user pointed at attacker.example; says why for each', async () => {
    const current = Object.fromEntries(
      Object.entries(staffValues).map(([k, v]) => [
        IM_ATTRS.includes(k)
          ? {
              msexchimaddress: 'msExchIMAddress',
              msexchimmetaphysicalurl: 'msExchIMMetaPhysicalURL',
              msexchimphysicalurl: 'msExchIMPhysicalURL',
              msexchimvirtualserver: 'msExchIMVirtualServer',
            }[k]!
          : k,
        v[0],
      ]),
    );
    const journal = join(dir, 'crafted.jsonl');
    writeFileSync(
      journal,
      [
        header(),
        change(staff.dn, krbtgt.guid, attackerValues(), {}),
        change(staff.dn, dc.guid, attackerValues(), {}),
        change(staff.dn, staff.guid, attackerValues(), current),
      ].join('\n') + '\n',
    );
    const result = await imctlProcess(['--base-dn', lab().usersOu, 'undo', journal, '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(3);
    const reasons = (
      result.json<{ results: { guid?: string; dn: string; outcome: string; reason?: string }[] }>().results ?? []
    ).map((r) => `${r.outcome}: ${r.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^failed: no user with objectGUID ${krbtgt.guid} under ${lab().usersOu}`)),
        expect.stringMatching(new RegExp(`^failed: no user with objectGUID ${dc.guid} under`)),
        expect.stringMatching(
          /^failed: the journal's "before" values cannot be written: its home-server URL points at attacker\.example, which is not im-east's host/,
        ),
      ]),
    );
    for (const dn of [krbtgt.dn, dc.dn]) expect(await imValues(dn)).toEqual({});
    expect(await imValues(staff.dn)).toEqual(staffValues);
  });

  it("says when the journal's DN is not the entry its objectGUID names", async () => {
    const journal = join(dir, 'renamed.jsonl');
    const wrongDn = `CN=Someone Else,${lab().usersOu}`;
    writeFileSync(
      journal,
      [header(), change(wrongDn, staff.guid, {}, { msExchIMAddress: 'nobody@nowhere.example' })].join('\n') + '\n',
    );
    const result = await imctlProcess(['undo', journal, '--dry-run'], { env });
    expect(result.stderr).toContain(`the journal says ${wrongDn}; objectGUID ${staff.guid} is ${staff.dn}`);
    expect(await imValues(staff.dn)).toEqual(staffValues);
  });

  it('refuses a journal of another domain before reading any entry (exit 2)', async () => {
    const journal = join(dir, 'other-domain.jsonl');
    writeFileSync(journal, [header('DC=other,DC=example'), change(staff.dn, staff.guid, {}, {})].join('\n') + '\n');
    const result = await imctlProcess(['undo', journal, '--yes'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `This journal was written in the domain DC=other,DC=example; this run is connected to ${lab().baseDn}. Nothing was written`,
    );
  });
});
