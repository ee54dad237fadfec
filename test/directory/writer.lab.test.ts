/** The writer against the lab DC: compare-and-set losing to another writer, and a vanished entry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { compareAndSetOps } from '../../src/core/mod-ops.js';
import { Directory, endpointsFromUrls } from '../../src/directory/connection.js';
import { readImState, writeOne } from '../../src/directory/writer.js';
import { addUsers, adminPassword, createOu, imctlEnv, lab, readEntry, server } from '../support/lab.js';

describe('writeOne (against the lab DC)', () => {
  let directory: Directory;
  let ou: string;

  beforeAll(async () => {
    const settings = loadSettings({}, imctlEnv(), '/');
    directory = await Directory.open({ settings, endpoints: endpointsFromUrls([lab().ldapsUrl], false), password: async () => adminPassword() });
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
    const result = await writeOne(directory, { dn: dn!, before: stale, after: mine, ops: compareAndSetOps(stale, mine) });
    expect(result.outcome).toBe('failed');
    expect(result.outcome === 'failed' && result.reason).toMatch(/changed by someone else since it was read/);
    expect((await readEntry(dn!))!.attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(server('im-north').dn.toLowerCase());
  });

  it('says the entry no longer exists when it was deleted since it was read', async () => {
    const after = { msExchIMAddress: 'gone@im.lab.imctl.test' };
    const result = await writeOne(directory, { dn: `CN=Gone Since,${ou}`, before: {}, after, ops: compareAndSetOps({}, after) });
    expect(result).toEqual({ outcome: 'failed', reason: expect.stringMatching(/no longer exists/) });
  });
});
