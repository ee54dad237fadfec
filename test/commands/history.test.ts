/**
 * `imctl history` and `imctl undo --last` against the in-memory directory: the journal's end line
 * (counts and how the run ended), the listing newest first, a run cut off before its end line,
 * and --last taking the newest of the admin's own journals — never a file that is not theirs.
 */
import { appendFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { EAST, IM_DOMAIN, WEST, imctlOnMemory, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;
const journalOf = (stderr: string) => /Journal: (\S+\.jsonl)/.exec(stderr)![1]!;

describe('imctl history', () => {
  it('lists the runs newest first with their counts and how each ended; a journal ends with its counts', async () => {
    const directory = sampleDirectory();
    const first = await imctlOnMemory(['enable', 'dee', '--server', 'im-west', '--yes'], { directory });
    const second = await imctlOnMemory(['disable', 'ann', 'dee', 'eve', '--yes'], { directory, home: first.home });
    const lines = readFileSync(journalOf(second.stderr), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      type: 'end',
      outcome: 'done',
      changed: 2,
      unchanged: 1,
      failed: 0,
    });

    const history = await imctlOnMemory(['history', '--json'], { directory, home: first.home });
    expect(history.code, history.stderr).toBe(0);
    expect(history.json().runs).toEqual([
      expect.objectContaining({
        command: 'disable',
        summary: { changed: 2, unchanged: 1, failed: 0 },
        ended: 'done',
        journal: journalOf(second.stderr),
      }),
      expect.objectContaining({
        command: 'enable',
        summary: { changed: 1, unchanged: 0, failed: 0 },
        ended: 'done',
        journal: journalOf(first.stderr),
      }),
    ]);
    const table = await imctlOnMemory(['history', '--limit', '1'], { directory, home: first.home });
    expect(table.stdout).toMatch(/│ disable\s+│\s+2 │\s+1 │\s+0 │ done\s+│/);
    expect(table.stdout).not.toContain('enable ');
  });

  it('a run cut off before its end line is "cut-off", counted from its changes', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['enable', 'dee', '--yes'], { directory });
    const path = journalOf(run.stderr);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, `${lines.slice(0, -1).join('\n')}\n`);
    const history = await imctlOnMemory(['history', '--json'], { directory, home: run.home });
    expect(history.json().runs[0]).toMatchObject({
      ended: 'cut-off',
      summary: { changed: 1, unchanged: null, failed: null },
    });
  });

  it('a line after the end line is an altered journal: left out of history, refused by undo', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['enable', 'dee', '--yes'], { directory });
    appendFileSync(journalOf(run.stderr), `${readFileSync(journalOf(run.stderr), 'utf8').split('\n')[1]}\n`);
    const history = await imctlOnMemory(['history', '--json'], { directory, home: run.home });
    expect(history.json().runs).toEqual([]);
    expect(history.stderr).toContain('follows the end of the run');
    expect((await imctlOnMemory(['undo', '--last', '--yes'], { directory, home: run.home })).code).toBe(2);
  });

  it('no journals yet: says so', async () => {
    const history = await imctlOnMemory(['history']);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('No runs recorded yet');
  });
});

describe('imctl undo --last', () => {
  it('puts back the newest of your journals', async () => {
    const directory = sampleDirectory();
    const first = await imctlOnMemory(['enable', 'dee', '--server', 'im-west', '--yes'], { directory });
    await imctlOnMemory(['move', 'ann', '--to', 'im-west', '--yes'], { directory, home: first.home });
    const undo = await imctlOnMemory(['undo', '--last', '--yes'], { directory, home: first.home });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stderr).toMatch(/The newest of your journals: .*-move-/);
    expect(directory.get(dn('ann'))!.im).toEqual(imValues('ann', IM_DOMAIN, EAST));
    expect(directory.get(dn('dee'))!.im).toEqual(imValues('dee', IM_DOMAIN, WEST));
  });

  it('skips a newer file that is not yours alone; with none of yours it is exit 2', async () => {
    const directory = sampleDirectory();
    const first = await imctlOnMemory(['enable', 'dee', '--server', 'im-west', '--yes'], { directory });
    const folder = dirname(journalOf(first.stderr));
    // A newer "journal" anyone may write: not the admin's own, so never the one --last picks.
    const planted = join(folder, '9999-12-31T00-00-00-000Z-disable-1.jsonl');
    writeFileSync(planted, readFileSync(journalOf(first.stderr)));
    chmodSync(planted, 0o666);
    const undo = await imctlOnMemory(['undo', '--last', '--dry-run', '--json'], { directory, home: first.home });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stderr).toContain(`The newest of your journals: ${journalOf(first.stderr)}`);
    const none = await imctlOnMemory(['undo', '--last', '--yes']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nothing to undo');
  });

  it('a journal and --last together, or neither: exit 2', async () => {
    expect((await imctlOnMemory(['undo', '--yes'])).code).toBe(2);
    expect((await imctlOnMemory(['undo', 'x.jsonl', '--last', '--yes'])).code).toBe(2);
  });
});
