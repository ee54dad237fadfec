/**
 * The wizard's warnings on the command line (issue 21): a server pushed over capacity and a
 * disabled account are said by enable and move, through run() against the in-memory directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, ROUTER, WEST, imctlOnMemory, person, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;

describe("the wizard's warnings, on the command line", () => {
  it('enable --server onto a full server warns on stderr with the numbers, and writes as asked', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['enable', 'dee', '--server', 'im-east', '--capacity', '2', '--yes'], {
      directory,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: im-east holds 2 of 2 users (100%); with 1 more user it would hold 3 (150%), over capacity.',
    );
    expect(directory.get(dn('dee'))!.im.msExchIMVirtualServer).toBe(EAST.dn);
  });

  it('move --to onto a full server warns; --json keeps stdout one document', async () => {
    const run = await imctlOnMemory(['move', 'cid', '--to', 'im-east', '--capacity', '2', '--yes', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: im-east holds 2 of 2 users (100%); with 1 more user it would hold 3 (150%), over capacity.',
    );
    expect(run.json().summary.changed).toBe(1);
  });

  it('a per-server capacity in the config is checked against every server, not only the one receiving users', async () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-unit-'));
    mkdirSync(join(home, 'config', 'imctl'), { recursive: true });
    writeFileSync(
      join(home, 'config', 'imctl', 'config.json'),
      JSON.stringify({ servers: { 'im-east': { capacity: 2 } } }),
    );
    // The move goes to im-west: im-east's setting names a real server, so nothing is refused.
    const elsewhere = await imctlOnMemory(['move', 'ann', '--to', 'im-west', '--yes'], { home });
    expect(elsewhere.stderr).not.toMatch(/capacit/i);
    expect(elsewhere.code).toBe(0);
    // Onto im-east, its own capacity applies.
    const onto = await imctlOnMemory(['move', 'cid', '--to', 'im-east', '--yes'], { home });
    expect(onto.code).toBe(0);
    expect(onto.stderr).toContain(
      'warning: im-east holds 2 of 2 users (100%); with 1 more user it would hold 3 (150%)',
    );
  });

  it('enable with no --server when every home server is full: the placed server is over, and that is said', async () => {
    const run = await imctlOnMemory(['enable', 'dee', '--capacity', '1', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: im-west holds 1 of 1 users (100%); with 1 more user it would hold 2 (200%), over capacity.',
    );
  });

  it('enabling a disabled account is said; an enabled one is not', async () => {
    const directory = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [person('ann', EAST), person('gone', undefined, { accountDisabled: true }), person('dee')],
    );
    const run = await imctlOnMemory(['enable', 'gone', 'dee', '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: The account "gone" is disabled: IM gives it a seat nobody can use (an idle seat, as "imctl audit" counts them).',
    );
    expect(run.stderr).not.toContain('"dee"');
  });
});
