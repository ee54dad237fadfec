/** The writer against the lab DC: compare-and-set losing to another writer, and a vanished entry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { imValues } from '../../src/core/im-model.js';
import { compareAndSetOps } from '../../src/core/mod-ops.js';
import { LdapConnection } from '../../src/directory/connection.js';
import { endpointsFromUrls } from '../../src/directory/endpoints.js';
import { readImState, writeOne } from '../../src/directory/writer.js';
import { addUsers, adminPassword, createOu, imctlEnv, lab, ldapmodify, readEntry, server } from '../support/lab.js';

describe('writeOne (against the lab DC)', () => {
  let directory: LdapConnection;
  let ou: string;

  beforeAll(async () => {
    const settings = loadSettings({}, imctlEnv(), '/');
    directory = await LdapConnection.open({
      settings,
      endpoints: endpointsFromUrls([lab().ldapsUrl], false),
      password: async () => adminPassword(),
    });
    ou = await createOu('writer');
  });
  afterAll(async () => directory?.close());

  it('reports a user changed by someone else since it was read, and overwrites nothing', async () => {
    const [dn] = await addUsers(ou, [{ sam: 'wr-race', cn: 'Race, Ann', im: { server: server('im-west') } }]);
    const stale = (await readImState(directory, dn!))!;
    // Another writer moves the user first.
    const moved = { ...stale, msExchIMVirtualServer: server('im-north').dn };
    await writeOne(directory, { dn: dn!, before: stale, after: moved, ops: compareAndSetOps(stale, moved) });
    const mine = { ...stale, msExchIMVirtualServer: server('im-south').dn };
    const result = await writeOne(directory, {
      dn: dn!,
      before: stale,
      after: mine,
      ops: compareAndSetOps(stale, mine),
    });
    expect(result.outcome).toBe('failed');
    expect(result.outcome === 'failed' && result.reason).toMatch(/changed by someone else since it was read/);
    expect((await readEntry(dn!))!.attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(
      server('im-north').dn.toLowerCase(),
    );
  });

  // Issue 23: a move changes two attributes with one modify of four value operations. Each
  // attribute's delete of the value read is the precondition for that attribute, so a change to
  // either one alone since the read must stop the whole modify: nothing overwritten, nothing half-applied.
  describe('a move whose user was changed by someone else between read and write', () => {
    const homes = () => ({ west: server('im-west'), north: server('im-north'), south: server('im-south') });
    const move = async (sam: string) => {
      const [dn] = await addUsers(ou, [{ sam, cn: `Move ${sam}`, im: { server: homes().west } }]);
      const stale = (await readImState(directory, dn!))!;
      const after = imValues(sam, lab().imDomain, homes().north);
      return { dn: dn!, stale, after, ops: compareAndSetOps(stale, after) };
    };
    const current = async (dn: string) => {
      const entry = (await readEntry(dn))!;
      return {
        url: entry.attrs.msexchimphysicalurl?.[0],
        server: entry.attrs.msexchimvirtualserver?.[0]?.toLowerCase(),
      };
    };

    it('is one modify with a delete of the value read for each attribute it changes', async () => {
      const { ops, stale } = await move('wr-mv-ops');
      expect(ops.filter((o) => o.operation === 'delete').map((o) => [o.attribute, o.values])).toEqual([
        ['msExchIMPhysicalURL', [stale.msExchIMPhysicalURL]],
        ['msExchIMVirtualServer', [stale.msExchIMVirtualServer]],
      ]);
    });

    it("only the private URL changed meanwhile: the move fails and leaves the server as it was, the other writer's URL kept", async () => {
      const { dn, stale, after, ops } = await move('wr-mv-url');
      const theirs = `http://${homes().south.host}/instmsg/local/${lab().imDomain}/instmsg/aliases/wr-mv-url`;
      const other = await ldapmodify(
        `dn: ${dn}\nchangetype: modify\nreplace: msExchIMPhysicalURL\nmsExchIMPhysicalURL: ${theirs}\n-\n\n`,
      );
      expect(other.code, other.stderr).toBe(0);
      const result = await writeOne(directory, { dn, before: stale, after, ops });
      expect(result.outcome === 'failed' && result.reason).toMatch(/changed by someone else since it was read/);
      expect(await current(dn)).toEqual({ url: theirs, server: homes().west.dn.toLowerCase() });
    });

    it("only the home server changed meanwhile: the move fails and leaves the URL as it was, the other writer's server kept", async () => {
      const { dn, stale, after, ops } = await move('wr-mv-srv');
      const other = await ldapmodify(
        `dn: ${dn}\nchangetype: modify\nreplace: msExchIMVirtualServer\nmsExchIMVirtualServer: ${homes().south.dn}\n-\n\n`,
      );
      expect(other.code, other.stderr).toBe(0);
      const result = await writeOne(directory, { dn, before: stale, after, ops });
      expect(result.outcome === 'failed' && result.reason).toMatch(/changed by someone else since it was read/);
      expect(await current(dn)).toEqual({ url: stale.msExchIMPhysicalURL, server: homes().south.dn.toLowerCase() });
    });

    it('nothing changed meanwhile: both attributes move together', async () => {
      const { dn, stale, after, ops } = await move('wr-mv-ok');
      expect(await writeOne(directory, { dn, before: stale, after, ops })).toEqual({ outcome: 'changed' });
      expect(await current(dn)).toEqual({ url: after.msExchIMPhysicalURL, server: homes().north.dn.toLowerCase() });
    });
  });

  it('says the entry no longer exists when it was deleted since it was read', async () => {
    const after = { msExchIMAddress: 'gone@im.lab.imctl.test' };
    const result = await writeOne(directory, {
      dn: `CN=Gone Since,${ou}`,
      before: {},
      after,
      ops: compareAndSetOps({}, after),
    });
    expect(result).toEqual({ outcome: 'failed', reason: expect.stringMatching(/no longer exists/) });
  });
});
