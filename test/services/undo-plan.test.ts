/**
 * planUndo: a journal's changes as write targets against the in-memory directory — found by
 * objectGUID wherever the entry went, put back by compare-and-set, and left alone when changed
 * since. (Public behaviour only; the journal's parsing is tested in test/journal/read-journal.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { imValues, type ImState } from '../../src/core/im-model.js';
import type { JournalContents } from '../../src/journal/read-journal.js';
import { planUndo } from '../../src/services/undo-plan.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, WEST, person } from '../support/run-imctl.js';

const onEast = (sam: string) => imValues(sam, IM_DOMAIN, EAST);
const onWest = (sam: string) => imValues(sam, IM_DOMAIN, WEST);

function journal(
  changes: { dn: string; guid: string; before: ImState; after: ImState }[],
  server = 'dc1.memory.test',
): JournalContents {
  return {
    header: {
      type: 'run',
      version: 1,
      command: 'move',
      startedAt: '2026-12-01T10:00:00.000Z',
      server,
      domain: 'DC=memory,DC=test',
    },
    changes: changes.map((c, i) => ({ type: 'change' as const, at: '2026-12-01T10:00:01.000Z', ...c, line: i + 2 })),
    warnings: [],
  };
}

describe('planUndo', () => {
  it('an entry still as the run left it goes back to its "before" values, by compare-and-set', async () => {
    const ann = person('ann', WEST);
    const directory = new MemoryDirectory([EAST, WEST], [ann]);
    const { targets, notices } = await planUndo(
      directory,
      journal([{ dn: ann.dn, guid: ann.guid, before: onEast('ann'), after: onWest('ann') }]),
    );
    expect(notices).toEqual([]);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      line: 2,
      name: 'ann',
      action: 'undo',
      dn: ann.dn,
      guid: ann.guid,
      plan: { kind: 'write', before: onWest('ann'), after: onEast('ann') },
    });
  });

  it('finds a renamed entry by its objectGUID and writes to its new DN', async () => {
    const ann = person('ann', WEST, { dn: 'CN=Ann Renamed,OU=Moved,DC=memory,DC=test' });
    const directory = new MemoryDirectory([EAST, WEST], [ann]);
    const { targets } = await planUndo(
      directory,
      journal([
        { dn: 'CN=ann,OU=Staff,DC=memory,DC=test', guid: ann.guid, before: onEast('ann'), after: onWest('ann') },
      ]),
    );
    expect(targets[0]).toMatchObject({ dn: 'CN=Ann Renamed,OU=Moved,DC=memory,DC=test', plan: { kind: 'write' } });
  });

  it('already back at "before" is unchanged; changed since is failed and left alone; gone is failed', async () => {
    const [back, changed] = [person('back', EAST), person('changed', EAST)];
    const directory = new MemoryDirectory([EAST, WEST], [back, changed]);
    const gone = { dn: 'CN=gone,OU=Staff,DC=memory,DC=test', guid: 'f'.repeat(32), before: {}, after: onEast('gone') };
    const { targets } = await planUndo(
      directory,
      journal([
        { dn: back.dn, guid: back.guid, before: onEast('back'), after: onWest('back') },
        { dn: changed.dn, guid: changed.guid, before: {}, after: onWest('changed') },
        gone,
      ]),
    );
    const byName = Object.fromEntries(targets.map((t) => [t.name, t.plan]));
    expect(byName.back).toEqual({ kind: 'unchanged' });
    expect(byName.changed).toEqual({
      kind: 'failed',
      reason: expect.stringContaining('changed since the journal was written'),
    });
    expect(byName[gone.dn]).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(
        new RegExp(
          `^no user with objectGUID ${gone.guid} under DC=memory,DC=test \\(deleted, outside the base DN, or not a user account\\)`,
        ),
      ),
    });
  });

  it('newest change first, so an entry changed twice in one run ends at its oldest "before"', async () => {
    const ann = person('ann', WEST);
    const directory = new MemoryDirectory([EAST, WEST], [ann]);
    const { targets } = await planUndo(
      directory,
      journal([
        { dn: ann.dn, guid: ann.guid, before: {}, after: onEast('ann') },
        { dn: ann.dn, guid: ann.guid, before: onEast('ann'), after: onWest('ann') },
      ]),
    );
    expect(targets.map((t) => t.line)).toEqual([3, 2]);
    expect(targets[0]!.plan).toMatchObject({ kind: 'write', after: onEast('ann') });
  });

  it('a journal from another DC is planned with a warning about replication', async () => {
    const ann = person('ann', WEST);
    const { notices } = await planUndo(
      new MemoryDirectory([EAST, WEST], [ann]),
      journal([{ dn: ann.dn, guid: ann.guid, before: onEast('ann'), after: onWest('ann') }], 'dc2.memory.test'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^This journal was written on dc2\.memory\.test; this run is on dc1\.memory\.test\./);
  });

  it('asks the directory only for well-formed GUIDs', async () => {
    const directory = new MemoryDirectory([EAST, WEST], []);
    const asked: string[][] = [];
    const lookup = directory.usersByGuid.bind(directory);
    directory.usersByGuid = (guids) => (asked.push([...guids]), lookup(guids));
    await planUndo(
      directory,
      journal([{ dn: 'CN=x,DC=memory,DC=test', guid: '*)(objectClass=*', before: {}, after: onEast('x') }]),
    );
    expect(asked).toEqual([[]]);
  });

  it("puts the admin's own journal back exactly; another's is held to what enable could write", async () => {
    const ann = person('ann', WEST);
    // Before the run ann pointed at a server deleted since: a state imctl never writes.
    const deleted = {
      ...onEast('ann'),
      msExchIMVirtualServer: 'CN=1,CN=InstMsg,CN=Protocols,CN=EXCH9,CN=Servers,DC=memory,DC=test',
    };
    const changes = [{ dn: ann.dn, guid: ann.guid, before: deleted, after: onWest('ann') }];
    const own = await planUndo(new MemoryDirectory([EAST, WEST], [ann]), journal(changes), {
      provenance: { own: true },
    });
    expect(own.targets[0]!.plan).toMatchObject({ kind: 'write', after: deleted });
    const foreign = await planUndo(new MemoryDirectory([EAST, WEST], [ann]), journal(changes), {
      provenance: { own: false, why: 'it is not in your journal folder /x' },
    });
    expect(foreign.targets[0]!.plan).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(
        /its home server is not an IM virtual server of this directory; left alone \(this journal is not one of your own, it is not in your journal folder \/x/,
      ),
    });
  });

  it('refuses a journal of another domain before planning anything', async () => {
    const ann = person('ann', WEST);
    const other = { ...journal([{ dn: ann.dn, guid: ann.guid, before: {}, after: onWest('ann') }]) };
    other.header = { ...other.header, domain: 'DC=other,DC=example' };
    await expect(planUndo(new MemoryDirectory([EAST, WEST], [ann]), other)).rejects.toThrow(
      /written in the domain DC=other,DC=example; this run is connected to DC=memory,DC=test/,
    );
  });
});
