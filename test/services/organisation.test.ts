/**
 * A bind account that may not read the Exchange organisation (issue 30, bug 2): the servers it
 * cannot see are not "missing", and the users homed on them are not orphans. Every read that
 * would otherwise report them so stops (exit 1) and writes nothing; a deleted server's users
 * (pointing at its tombstone) are still orphans. The real DC with a deny ACE is in
 * test/commands/unreadable-organisation.lab.test.ts.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDeletedObjectDn } from '../../src/core/server-ref.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, ROUTER, WEST, imctlOnMemory, person, sampleDirectory } from '../support/run-imctl.js';

/** An import whose rows name their server: enable dee on im-east, move ann to im-west. */
const CSV_WITH_SERVER = join(mkdtempSync(join(tmpdir(), 'imctl-org-')), 'rows.csv');
writeFileSync(CSV_WITH_SERVER, 'user,action,server\ndee,enable,im-east\nann,move,im-west\n');

const TOMBSTONE =
  'CN=IM Virtual Server\\0ADEL:0d3f6a6c-2c2e-4b1c-9a55-6a1f1d2e3c4b,CN=Deleted Objects,CN=Configuration,DC=memory,DC=test';

describe('an Exchange organisation the bind account cannot read', () => {
  it.each([
    [['servers', '--json']],
    [['rebalance', '--json']],
    [['users', '--json']],
    [['show', 'ann', '--json']],
    [['audit', '--json', '--no-dns']],
    [['enable', 'dee', '--yes', '--json']],
    // A server named where the account sees none (issue 30): the same stop, not "no IM server is named".
    [['enable', 'dee', '--server', 'im-east', '--yes', '--json']],
    [['move', 'ann', '--to', 'im-west', '--yes', '--json']],
    [['users', '--server', 'im-east', '--json']],
    [['import', CSV_WITH_SERVER, '--yes', '--json']],
    [['import', CSV_WITH_SERVER, '--skip-invalid', '--yes', '--json']],
    [['sync', '--group', 'IM Users', '--server', 'im-east', '--yes', '--json']],
  ])('%j exits 1, says why, and writes nothing', async (argv) => {
    const directory = sampleDirectory().hideServers();
    directory.addGroup({
      dn: 'CN=IM Users,OU=Staff,DC=memory,DC=test',
      sAMAccountName: 'IM Users',
      rid: 2001,
      member: [],
    });
    const run = await imctlOnMemory(argv, { directory });
    expect(run.code, run.stderr).toBe(1);
    expect(run.json().error.reason).toBe('unreadable-servers');
    expect(run.stderr).toMatch(/cannot read \(CN=IM Virtual Server,.*\): it probably cannot read/);
    expect(directory.written).toEqual([]);
  });

  it('servers leaves the completion cache alone (a readable run writes it)', async () => {
    const hidden = await imctlOnMemory(['servers'], { directory: sampleDirectory().hideServers() });
    expect(hidden.code).toBe(1);
    expect(existsSync(join(hidden.home, 'cache', 'imctl', 'servers.json'))).toBe(false);
    const readable = await imctlOnMemory(['servers'], { directory: sampleDirectory() });
    expect(readable.code).toBe(0);
    expect(existsSync(join(readable.home, 'cache', 'imctl', 'servers.json'))).toBe(true);
  });

  it('with no user homed anywhere, an unknown server says the account may not see the organisation', async () => {
    const directory = new MemoryDirectory([EAST, WEST], [person('dee')]).hideServers();
    const run = await imctlOnMemory(['enable', 'dee', '--server', 'im-east', '--yes'], { directory });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'Known: none found (there are none, or the bind account cannot read the Exchange organisation',
    );
    expect(directory.written).toEqual([]);
  });

  it('a mistyped server name costs the search for users homed elsewhere, not a count per server', async () => {
    const directory = sampleDirectory();
    const counted: string[] = [];
    const countHomed = directory.countHomed.bind(directory);
    directory.countHomed = (dns, only) => (counted.push('countHomed'), countHomed(dns, only));
    const homesElsewhere = directory.homesElsewhere.bind(directory);
    directory.homesElsewhere = (dns) => (counted.push('homesElsewhere'), homesElsewhere(dns));
    const run = await imctlOnMemory(['enable', 'dee', '--server', 'im-eats', '--yes'], { directory });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No IM server is named "im-eats"/);
    expect(counted).toEqual(['homesElsewhere']);
    expect(directory.written).toEqual([]);
  });

  it("a deleted server's users are orphans still, not a sign of missing rights", async () => {
    const gone = person('gus', { ...EAST, dn: TOMBSTONE });
    const directory = new MemoryDirectory([EAST, WEST, ROUTER], [person('ann', EAST), gone]);
    const run = await imctlOnMemory(['servers', '--json'], { directory });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().totals.orphaned).toBe(1);
  });

  it('tells tombstones from live DNs', () => {
    expect(isDeletedObjectDn(TOMBSTONE)).toBe(true);
    expect(isDeletedObjectDn('CN=IM Virtual Server\nDEL:0d3f,CN=Deleted Objects,CN=Configuration,DC=x')).toBe(true);
    expect(isDeletedObjectDn(WEST.dn)).toBe(false);
    expect(isDeletedObjectDn(ROUTER.dn)).toBe(false);
  });
});
