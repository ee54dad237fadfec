/**
 * enable / disable / move against the lab DC, checked with ldapsearch: exact values, nothing else
 * touched, idempotent re-runs, LDIF that ldapmodify applies to the same effect.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IM_ATTRS,
  addUsers,
  createOu,
  imctlEnv,
  lab,
  ldapmodify,
  readEntry,
  scratchDir,
  server,
  type LdifEntry,
} from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';
import { journalRecords } from '../support/journal-files.js';

const HARD_NAMES = [
  { sam: 'pv-doe', cn: 'Doe, John', mailNickname: 'JDoe.PV' },
  { sam: 'pv-obrien', cn: "O'Brien, Pat" },
  { sam: 'pv-zoe', cn: 'Zoë Ångström' },
  { sam: 'pv-star', cn: 'Star*Gazer (Test)' },
  { sam: 'pv-back', cn: 'Back\\slash; Semi=colon' },
];

// Attributes AD itself updates on every modify; everything else must be untouched.
const VOLATILE = new Set(['whenchanged', 'usnchanged', 'dscorepropagationdata', 'replpropertymetadata']);

function withoutIm(entry: LdifEntry): Record<string, string[]> {
  return Object.fromEntries(Object.entries(entry.attrs).filter(([k]) => !IM_ATTRS.includes(k) && !VOLATILE.has(k)));
}

describe('enable, disable, move (against the lab DC)', () => {
  let ou: string;
  let dns: string[];
  let env: NodeJS.ProcessEnv;
  const sams = HARD_NAMES.map((u) => u.sam);

  beforeAll(async () => {
    ou = await createOu('provision');
    dns = await addUsers(
      ou,
      HARD_NAMES.map((u) => ({ ...u, extra: { msExchIMACL: 'opaque-acl-bytes' } })),
    );
    env = imctlEnv();
  });

  it('enables users with hard names writing exactly the contract values and nothing else', async () => {
    const before = await Promise.all(dns.map((dn) => readEntry(dn)));
    const west = server('im-west');
    const result = await imctlHere(['enable', ...sams, '--server', 'im-west', '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    expect(data.summary).toMatchObject({ changed: 5, failed: 0 });
    expect(data.journal).toMatch(/journal/);

    for (const [i, dn] of dns.entries()) {
      const after = (await readEntry(dn))!;
      const alias = (HARD_NAMES[i]!.mailNickname ?? HARD_NAMES[i]!.sam).toLowerCase();
      const d = lab().imDomain;
      expect(after.attrs.msexchimaddress).toEqual([`${alias}@${d}`]);
      expect(after.attrs.msexchimmetaphysicalurl).toEqual([`http://${d}/instmsg/aliases/${alias}`]);
      expect(after.attrs.msexchimphysicalurl).toEqual([
        `http://${west.host}/instmsg/local/${d}/instmsg/aliases/${alias}`,
      ]);
      expect(after.attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(west.dn.toLowerCase());
      expect(withoutIm(after)).toEqual(withoutIm(before[i]!));
    }
  });

  it('re-enabling reports every user unchanged and writes nothing', async () => {
    const before = await readEntry(dns[0]!, ['uSNChanged']);
    const result = await imctlHere(['enable', ...sams, '--server', 'im-west', '--yes', '--json'], { env });
    expect(result.code).toBe(0);
    expect(result.json().summary).toMatchObject({ changed: 0, unchanged: 5 });
    expect((await readEntry(dns[0]!, ['uSNChanged']))!.attrs.usnchanged).toEqual(before!.attrs.usnchanged);
  });

  it('enabling a user homed elsewhere is refused before anything is written, with a hint to move (exit 2)', async () => {
    const result = await imctlHere(['enable', 'pv-doe', '--server', 'im-north', '--json'], { env });
    expect(result.code).toBe(2);
    expect(result.json().problems[0].reason).toMatch(/already IM-enabled on im-west; use "imctl move"/);
  });

  it('moves users: only the home and the private URL change', async () => {
    const before = await Promise.all(dns.map((dn) => readEntry(dn)));
    const north = server('im-north');
    const result = await imctlHere(['move', ...sams, '--to', 'im-north', '--yes'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/move: 5 changed, 0 unchanged, 0 failed/);
    for (const [i, dn] of dns.entries()) {
      const after = (await readEntry(dn))!;
      expect(after.attrs.msexchimaddress).toEqual(before[i]!.attrs.msexchimaddress);
      expect(after.attrs.msexchimmetaphysicalurl).toEqual(before[i]!.attrs.msexchimmetaphysicalurl);
      expect(after.attrs.msexchimphysicalurl?.[0]).toMatch(
        new RegExp(`^http://${north.host.replace(/\./g, '\\.')}/instmsg/local/`),
      );
      expect(after.attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(north.dn.toLowerCase());
      expect(withoutIm(after)).toEqual(withoutIm(before[i]!));
    }
  });

  it('--dry-run shows the plan and writes nothing', async () => {
    const result = await imctlHere(['move', 'pv-doe', '--to', 'im-south', '--dry-run', '--json'], { env });
    expect(result.code).toBe(0);
    const data = result.json();
    expect(data.results[0].outcome).toBe('planned');
    expect(data.results[0].after.msExchIMVirtualServer).toBe(server('im-south').dn);
    expect((await readEntry(dns[0]!))!.attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(
      server('im-north').dn.toLowerCase(),
    );
  });

  it('disables users: the four attributes are cleared, msExchIMACL and the rest stay', async () => {
    const before = await Promise.all(dns.map((dn) => readEntry(dn)));
    const result = await imctlHere(['disable', ...sams, '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().summary).toMatchObject({ changed: 5 });
    for (const [i, dn] of dns.entries()) {
      const after = (await readEntry(dn))!;
      for (const attr of IM_ATTRS) expect(after.attrs[attr], attr).toBeUndefined();
      expect(after.attrs.msexchimacl).toBeDefined();
      expect(withoutIm(after)).toEqual(withoutIm(before[i]!));
    }
    const again = await imctlHere(['disable', ...sams, '--yes', '--json'], { env });
    expect(again.json().summary).toMatchObject({ changed: 0, unchanged: 5 });
  });

  it('writes a journal, readable by the owner only, with objectGUID and before/after values', async () => {
    const dir = join(env.XDG_STATE_HOME!, 'imctl', 'journal');
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    const disableJournal = files.find((f) => f.includes('-disable-'))!;
    const lines = journalRecords(join(dir, disableJournal));
    expect(lines[0]).toMatchObject({ type: 'run', command: 'disable' });
    const change = lines.find((l) => l.type === 'change' && l.dn === dns[0])!;
    expect(change.guid).toMatch(/^[0-9a-f]{32}$/);
    expect(change.before.msExchIMAddress).toBe(`jdoe.pv@${lab().imDomain}`);
    expect(change.after).toEqual({});
  });

  it('LDIF from --ldif, applied with ldapmodify, gives the same directory as imctl itself', async () => {
    const ldif = join(scratchDir(), 'enable.ldif');
    const plan = await imctlHere(['enable', ...sams, '--server', 'im-south', '--ldif', ldif], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/5 planned \(nothing written\)/);
    expect((await readEntry(dns[0]!))!.attrs.msexchimaddress).toBeUndefined();
    const applied = await ldapmodify(readFileSync(ldif, 'utf8'));
    expect(applied.code, applied.stderr).toBe(0);
    // imctl now finds exactly the state it would have written itself.
    const check = await imctlHere(['enable', ...sams, '--server', 'im-south', '--yes', '--json'], { env });
    expect(check.json().summary).toMatchObject({ changed: 0, unchanged: 5 });
  });

  it('LDIF for a move is a compare-and-set: applied after someone else changed the entry, ldapmodify fails and nothing is overwritten', async () => {
    const ldif = join(scratchDir(), 'move.ldif');
    expect((await imctlHere(['move', 'pv-zoe', '--to', 'im-west', '--ldif', ldif], { env })).code).toBe(0);
    // Another admin moves the user first.
    expect((await imctlHere(['move', 'pv-zoe', '--to', 'im-north', '--yes'], { env })).code).toBe(0);
    const stale = await ldapmodify(readFileSync(ldif, 'utf8'));
    expect(stale.code).toBe(16); // noSuchAttribute: the old value is gone
    expect((await readEntry(dns[2]!))!.attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(
      server('im-north').dn.toLowerCase(),
    );
  });

  it('an unknown name refuses the batch as an invalid CSV row would: nothing written (exit 2); a router is refused (exit 2)', async () => {
    const before = await readEntry(dns[2]!);
    const result = await imctlHere(['disable', 'pv-zoe', 'no-such-user-123', '--yes', '--json'], { env });
    expect(result.code).toBe(2);
    const data = result.json();
    expect(data.error.reason).toBe('invalid-targets');
    expect(data.problems).toEqual([{ user: 'no-such-user-123', reason: expect.stringMatching(/no user is named/) }]);
    expect(await readEntry(dns[2]!)).toEqual(before);
    const router = await imctlHere(['enable', 'pv-zoe', '--server', 'im-router'], { env });
    expect(router.code).toBe(2);
    expect(router.stderr).toMatch(/router, not a home server/);
  });

  it('an ambiguous name lists the candidates', async () => {
    await addUsers(ou, [
      { sam: 'pv-twin1', cn: 'Twin One' },
      { sam: 'pv-twin2', cn: 'Twin Two' },
    ]);
    // mail is not unique in AD: two users may share one.
    const shared = 'shared-mail@lab.imctl.test';
    await ldapmodify(
      ['pv-twin1', 'pv-twin2']
        .map(
          (_sam, i) =>
            `dn: CN=Twin ${i ? 'Two' : 'One'},${ou}\nchangetype: modify\nreplace: mail\nmail: ${shared}\n-\n\n`,
        )
        .join(''),
    );
    const result = await imctlHere(['enable', shared, '--json'], { env });
    expect(result.code).toBe(2);
    expect(result.json().problems[0].reason).toMatch(
      /ambiguous; candidates: pv-twin1 .*pv-twin2|ambiguous; candidates: pv-twin2 .*pv-twin1/,
    );
  });

  it('with no --server, new users go to the home server with the most room', async () => {
    const data = (await imctlHere(['servers', '--json'], { env })).json();
    const home = data.servers.filter((s: { role: string }) => s.role === 'home');
    const roomiest = home.reduce((a: { capacity: number; users: number }, b: { capacity: number; users: number }) =>
      b.capacity - b.users > a.capacity - a.users ? b : a,
    );
    await addUsers(ou, [{ sam: 'pv-new', cn: 'New, Person' }]);
    const result = await imctlHere(['enable', 'pv-new', '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().results[0].after.msExchIMVirtualServer).toBe(roomiest.dn);
  });
});
