/**
 * Issue 13, part 1, against the lab DC: users whose values differ from imctl's only in case (as
 * Exchange's own tools stored them). Reading is lenient (show: no drift; enable: unchanged, no
 * write), writing is exact (move/disable compare-and-set on the stored bytes; undo restores them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, createOu, imctlEnv, lab, readEntry, server } from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';

const south = () => server('im-south');
function cased(alias: string, domain = 'IM.Lab.Imctl.Test'): Record<string, string> {
  return {
    msExchIMAddress: `${alias}@${domain}`,
    msExchIMMetaPhysicalURL: `http://${domain}/instmsg/aliases/${alias}`,
    msExchIMPhysicalURL: `http://EXCH4.Lab.Imctl.Test/instmsg/local/${domain}/instmsg/aliases/${alias}`,
    msExchIMVirtualServer: south().dn,
  };
}

describe("values equivalent to imctl's in all but case", () => {
  let env: NodeJS.ProcessEnv;
  let dns: string[];
  const USERS = [
    { sam: 'eq-show', cn: 'Equivalent, Show', alias: 'EQ-Show' },
    { sam: 'eq-move', cn: 'Equivalent, Move', alias: 'Eq-Move' },
    { sam: 'eq-disable', cn: 'Equivalent, Disable', alias: 'EQ-DISABLE' },
  ];

  beforeAll(async () => {
    const ou = await createOu('equivalence');
    dns = await addUsers(
      ou,
      USERS.map((u) => ({ sam: u.sam, cn: u.cn, mailNickname: u.sam, extra: cased(u.alias) })),
    );
    env = imctlEnv();
  });

  afterAll(async () => {
    if (dns) await imctlHere(['disable', ...dns, '--yes'], { env });
  });

  it('the seeded case-variant users (lab.json audit) show no drift, and say which values differ in case only', async () => {
    for (const user of lab().audit.users.filter((u) => u.caseOnly && !u.finding)) {
      const result = await imctlHere(['show', user.sam, '--json'], { env });
      expect(result.code, result.stderr).toBe(0);
      const data = result.json();
      expect(data.drift).toEqual([]);
      expect(data.caseOnly.length).toBeGreaterThan(0);
      expect(data.imAddress).toBe(user.im.msExchIMAddress);
    }
  });

  it('show: no drift, three case-only values, and a line saying so', async () => {
    const data = (await imctlHere(['show', 'eq-show', '--json'], { env })).json();
    expect(data.drift).toEqual([]);
    expect(data.caseOnly.map((d: { attribute: string }) => d.attribute)).toEqual([
      'msExchIMAddress',
      'msExchIMMetaPhysicalURL',
      'msExchIMPhysicalURL',
    ]);
    expect(data.caseOnly[0]).toEqual({
      attribute: 'msExchIMAddress',
      stored: 'EQ-Show@IM.Lab.Imctl.Test',
      expected: 'eq-show@im.lab.imctl.test',
    });
    const text = await imctlHere(['show', 'eq-show'], { env });
    expect(text.stdout).toContain('No drift');
    expect(text.stdout).toContain('Differ in case only');
  });

  it('enable on its own server and IM domain: unchanged, exit 0, nothing written (uSNChanged unchanged)', async () => {
    const before = await readEntry(dns[0]!, ['uSNChanged', 'msExchIMAddress']);
    const result = await imctlHere(
      ['enable', 'eq-show', '--server', 'im-south', '--im-domain', 'im.lab.imctl.test', '--yes', '--json'],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().summary).toMatchObject({ changed: 0, unchanged: 1, failed: 0 });
    const after = await readEntry(dns[0]!, ['uSNChanged', 'msExchIMAddress']);
    expect(after!.attrs.usnchanged).toEqual(before!.attrs.usnchanged);
    expect(after!.attrs.msexchimaddress).toEqual(['EQ-Show@IM.Lab.Imctl.Test']);
  });

  it('move: compare-and-set on the exact stored URL succeeds; the address keeps its case; undo restores the exact original', async () => {
    const west = server('im-west');
    const original = (await readEntry(dns[1]!))!.attrs;
    const moved = await imctlHere(['move', 'eq-move', '--to', 'im-west', '--yes', '--json'], { env });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.json().summary).toMatchObject({ changed: 1 });
    const after = (await readEntry(dns[1]!))!.attrs;
    expect(after.msexchimaddress).toEqual(['Eq-Move@IM.Lab.Imctl.Test']);
    expect(after.msexchimmetaphysicalurl).toEqual(original.msexchimmetaphysicalurl);
    // The new private URL is built from the address's parts, lower-case, as move always writes it.
    expect(after.msexchimphysicalurl).toEqual([
      `http://${west.host}/instmsg/local/im.lab.imctl.test/instmsg/aliases/eq-move`,
    ]);
    expect(after.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(west.dn.toLowerCase());

    const undone = await imctlHere(['undo', moved.json().journal, '--yes', '--json'], { env });
    expect(undone.code, undone.stderr).toBe(0);
    const back = (await readEntry(dns[1]!))!.attrs;
    expect(back.msexchimphysicalurl).toEqual(original.msexchimphysicalurl);
    expect(back.msexchimphysicalurl?.[0]).toBe(
      'http://EXCH4.Lab.Imctl.Test/instmsg/local/IM.Lab.Imctl.Test/instmsg/aliases/Eq-Move',
    );
    expect(back.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(south().dn.toLowerCase());
  });

  it('disable: deletes the exact stored values (compare-and-set) and clears all four', async () => {
    const result = await imctlHere(['disable', 'eq-disable', '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().summary).toMatchObject({ changed: 1 });
    const after = (await readEntry(dns[2]!))!.attrs;
    expect(after.msexchimaddress).toBeUndefined();
    expect(after.msexchimvirtualserver).toBeUndefined();
    const again = await imctlHere(['disable', 'eq-disable', '--yes', '--json'], { env });
    expect(again.json().summary).toMatchObject({ unchanged: 1 });
  });
});
