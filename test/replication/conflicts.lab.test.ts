/**
 * Two admins, two DCs, and undo on the other DC (issue 16). AD settles conflicting writes per
 * attribute: the higher version wins, then the later originating time (whole seconds), then the
 * higher invocation id. These tests write on both DCs before they replicate and then read every
 * entry on BOTH DCs with ldapsearch, with its replication stamps, to show what AD decided and what
 * imctl reports about it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addUsers, createOu, server } from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';
import { journalOf } from '../support/journal-files.js';
import { dc1, dc2, envFor, replicate, usersOn, type DcEntry, type LabDc } from '../support/two-dcs.js';

const home = (e: DcEntry | undefined) => e?.im.server?.toLowerCase();
const dnOf = (name: string) => server(name).dn.toLowerCase();
const hostOf = (name: string) => server(name).host;
/** Wait past the current second: AD's originating times have one-second resolution. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)));

async function show(
  dc: LabDc,
  sam: string,
): Promise<{ drift: { attribute: string }[]; problems: string[]; homeServer: string | null }> {
  const result = await imctlHere(['show', sam, '--json'], { env: envFor([dc]) });
  expect(result.code, result.stderr).toBe(0);
  return result.json();
}

describe('two admins move the same users to different servers at the same moment, one on each DC', () => {
  const SAMS = Array.from({ length: 8 }, (_, i) => `cf-${i}`);
  let ou: string;

  beforeAll(async () => {
    ou = await createOu('repl-conflict');
    await addUsers(
      ou,
      SAMS.map((sam) => ({ sam, cn: `Conflict ${sam}`, im: { server: server('im-south') } })),
    );
    await replicate();
  });

  it("each DC accepts its own admin's move (compare-and-set cannot see the other DC's write)", async () => {
    const [a, b] = await Promise.all([
      imctlHere(['move', ...SAMS, '--to', 'im-west', '--yes', '--json'], { env: envFor([dc1()]) }),
      imctlHere(['move', ...SAMS, '--to', 'im-north', '--yes', '--json'], { env: envFor([dc2()]) }),
    ]);
    expect(a.json().summary, a.stderr).toMatchObject({ changed: 8 });
    expect(b.json().summary, b.stderr).toMatchObject({ changed: 8 });
    const [on1, on2] = await Promise.all([usersOn(dc1(), ou), usersOn(dc2(), ou)]);
    for (const sam of SAMS) {
      expect(home(on1.get(sam))).toBe(dnOf('im-west'));
      expect(home(on2.get(sam))).toBe(dnOf('im-north'));
    }
  });

  it("after replication both DCs agree, and every entry's home server and physical URL come from one writer", async () => {
    await replicate();
    const [on1, on2] = await Promise.all([usersOn(dc1(), ou), usersOn(dc2(), ou)]);
    const winners = { 'im-west': 0, 'im-north': 0 };
    for (const sam of SAMS) {
      const e1 = on1.get(sam)!;
      const e2 = on2.get(sam)!;
      expect(e2.im, sam).toEqual(e1.im); // converged
      expect(e2.stamps, sam).toEqual(e1.stamps);
      // Both attributes carry the same stamp: the same write won both.
      expect(e1.stamps.physical!.invocationId, sam).toBe(e1.stamps.server!.invocationId);
      expect(e1.stamps.physical!.time, sam).toBe(e1.stamps.server!.time);
      const won = home(e1) === dnOf('im-west') ? 'im-west' : 'im-north';
      expect(home(e1), sam).toBe(dnOf(won));
      expect(new URL(e1.im.physical!).hostname, sam).toBe(hostOf(won));
      winners[won]++;
    }
    expect(winners['im-west'] + winners['im-north']).toBe(8);
    process.stderr.write(
      `same-moment moves: ${winners['im-west']} entries went to dc1's writer (im-west), ${winners['im-north']} to dc2's (im-north)\n`,
    );
  });

  it('`imctl show` on either DC names the winning server and finds nothing inconsistent', async () => {
    for (const dc of [dc1(), dc2()]) {
      for (const sam of SAMS.slice(0, 3)) {
        const shown = await show(dc, sam);
        expect(shown.problems, `${dc.name} ${sam}`).toEqual([]);
        expect(shown.drift, `${dc.name} ${sam}`).toEqual([]);
        expect(['im-west', 'im-north']).toContain(shown.homeServer);
      }
    }
  });
});

describe('a mix AD can make from two imctl runs: disable on dc1, a later move on dc2', () => {
  const SAMS = ['mix-1', 'mix-2'];
  let ou: string;
  let disableJournal: string;

  beforeAll(async () => {
    ou = await createOu('repl-mix');
    await addUsers(
      ou,
      SAMS.map((sam) => ({ sam, cn: `Mix ${sam}`, im: { server: server('im-south') } })),
    );
    await replicate();
  });

  it("after replication the entry holds dc2's home server and physical URL but dc1's cleared address and public URL", async () => {
    const a = await imctlHere(['disable', ...SAMS, '--yes'], { env: envFor([dc1()]) });
    expect(a.code, a.stderr).toBe(0);
    disableJournal = journalOf(a.stderr).path;
    await nextSecond(); // the move is later: its two attributes win; the disable alone wrote the other two
    const b = await imctlHere(['move', ...SAMS, '--to', 'im-north', '--yes'], { env: envFor([dc2()]) });
    expect(b.code, b.stderr).toBe(0);
    await replicate();
    for (const dc of [dc1(), dc2()]) {
      const users = await usersOn(dc, ou);
      for (const sam of SAMS) {
        const e = users.get(sam)!;
        expect(e.im, `${dc.name} ${sam}`).toEqual({
          address: undefined,
          meta: undefined,
          physical: expect.stringMatching(/^http:\/\/exch3\.lab\.imctl\.test\//),
          server: expect.stringMatching(/^CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=EXCH3,/),
        });
        expect(e.stamps.server!.invocationId).not.toBe(e.stamps.address!.invocationId); // two writers
      }
    }
  });

  it('`imctl show` on both DCs reports it (homed but no IM address), and undo of the losing disable leaves it alone', async () => {
    for (const dc of [dc1(), dc2()]) {
      const shown = await show(dc, 'mix-1');
      expect(shown.problems, dc.name).toContain('homed but has no IM address');
    }
    const undo = await imctlHere(['undo', disableJournal, '--yes', '--json'], { env: envFor([dc1()]) });
    expect(undo.json().summary).toMatchObject({ changed: 0, failed: 2 });
    expect(undo.stdout + undo.stderr).toMatch(/changed since the journal was written/);
  });

  it('repair: disable again (it clears what is left) and enable — then both DCs hold one consistent state', async () => {
    expect((await imctlHere(['disable', ...SAMS, '--yes'], { env: envFor([dc1()]) })).code).toBe(0);
    expect((await imctlHere(['enable', ...SAMS, '--server', 'im-north', '--yes'], { env: envFor([dc1()]) })).code).toBe(
      0,
    );
    await replicate();
    for (const dc of [dc1(), dc2()]) {
      for (const sam of SAMS) {
        const shown = await show(dc, sam);
        expect(shown.problems, `${dc.name} ${sam}`).toEqual([]);
        expect(shown.drift, `${dc.name} ${sam}`).toEqual([]);
        expect(shown.homeServer).toBe('im-north');
      }
    }
  });
});

describe('undo of a journal written on dc1, run against dc2', () => {
  const SAMS = ['ud-1', 'ud-2', 'ud-3', 'ud-4'];
  let ou: string;
  let journal: string;
  const homes = async (dc: LabDc) => {
    const users = await usersOn(dc, ou);
    return Object.fromEntries(
      SAMS.map((s) => [
        s,
        Object.entries({ 'im-south': 0, 'im-west': 0, 'im-north': 0, 'im-east': 0 }).find(
          ([n]) => dnOf(n) === home(users.get(s)),
        )?.[0],
      ]),
    );
  };

  beforeAll(async () => {
    ou = await createOu('repl-undo');
    await addUsers(
      ou,
      SAMS.map((sam) => ({ sam, cn: `Undo ${sam}`, im: { server: server('im-south') } })),
    );
    await replicate();
    const run = await imctlHere(['move', ...SAMS, '--to', 'im-west', '--yes'], { env: envFor([dc1()]) });
    expect(run.code, run.stderr).toBe(0);
    journal = journalOf(run.stderr).path;
  });

  it('before replication: dc2 shows every entry as before, so undo there restores nothing — and warns that the journal is from another DC', async () => {
    const undo = await imctlHere(['undo', journal, '--yes', '--json'], { env: envFor([dc2()]) });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.json().summary).toMatchObject({ changed: 0, unchanged: 4, failed: 0 });
    expect(undo.stderr).toMatch(/warning: This journal was written on 127\.0\.0\.1; this run is on 127\.0\.0\.2/);
    // The moves were not undone: replication brings them to dc2.
    await replicate();
    expect(await homes(dc1())).toEqual({ 'ud-1': 'im-west', 'ud-2': 'im-west', 'ud-3': 'im-west', 'ud-4': 'im-west' });
    expect(await homes(dc2())).toEqual(await homes(dc1()));
  });

  it('after replication: undo on dc2 restores what the journal changed and reports an entry changed since (seen on dc2) as changed, leaving it alone', async () => {
    // A newer change that has reached dc2 (ud-4), and one made on dc1 that has not (ud-3).
    expect((await imctlHere(['move', 'ud-4', '--to', 'im-east', '--yes'], { env: envFor([dc1()]) })).code).toBe(0);
    await replicate();
    await nextSecond();
    expect((await imctlHere(['move', 'ud-3', '--to', 'im-north', '--yes'], { env: envFor([dc1()]) })).code).toBe(0);
    await nextSecond();
    const undo = await imctlHere(['undo', journal, '--yes', '--json'], { env: envFor([dc2()]) });
    expect(undo.code, undo.stderr).toBe(3); // one target failed: ud-4
    const outcomes = Object.fromEntries(
      (undo.json().results as { user: string; outcome: string; reason: string | null }[]).map((r) => [
        r.user,
        `${r.outcome} ${r.reason ?? ''}`.trim(),
      ]),
    );
    expect(outcomes).toMatchObject({ 'ud-1': 'changed', 'ud-2': 'changed', 'ud-3': 'changed' });
    expect(outcomes['ud-4']).toMatch(/^failed changed since the journal was written/);
    expect(await homes(dc2())).toEqual({
      'ud-1': 'im-south',
      'ud-2': 'im-south',
      'ud-3': 'im-south',
      'ud-4': 'im-east',
    });
  });

  it('...but a newer change dc2 had not received (ud-3 on dc1) loses to the later undo once the DCs replicate', async () => {
    await replicate();
    const final = { 'ud-1': 'im-south', 'ud-2': 'im-south', 'ud-3': 'im-south', 'ud-4': 'im-east' };
    expect(await homes(dc1())).toEqual(final);
    expect(await homes(dc2())).toEqual(final);
  });
});
