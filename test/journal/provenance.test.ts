/** Whose journal a file is: only imctl's own journals in the admin's own folder are put back exactly. */
import {
  chmodSync,
  chownSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { journalProvenance } from '../../src/journal/provenance.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-provenance-'));
const asRoot = process.getuid?.() === 0;

async function ownJournal(name: string): Promise<{ env: NodeJS.ProcessEnv; path: string; dir: string }> {
  const env = { XDG_STATE_HOME: join(root, name) };
  const journal = Journal.open('enable', { server: 'dc1', domain: 'DC=x' }, env);
  await journal.close();
  return { env, path: journal.path, dir: join(root, name, 'imctl', 'journal') };
}

describe('journalProvenance', () => {
  it("a journal imctl wrote into the admin's own folder is theirs", async () => {
    const { env, path } = await ownJournal('own');
    expect(journalProvenance(path, env)).toEqual({ own: true });
  });

  it('a journal anywhere else is foreign, even one the admin owns', async () => {
    const { env, path } = await ownJournal('elsewhere');
    const copy = join(root, 'mailed.jsonl');
    copyFileSync(path, copy);
    expect(journalProvenance(copy, env)).toEqual({
      own: false,
      why: expect.stringMatching(/^it is not in your journal folder /),
    });
  });

  it('a symlink in the folder pointing elsewhere is foreign', async () => {
    const { env, dir } = await ownJournal('symlink');
    const target = join(root, 'planted.jsonl');
    writeFileSync(target, '{}\n');
    symlinkSync(target, join(dir, 'planted.jsonl'));
    expect(journalProvenance(join(dir, 'planted.jsonl'), env)).toEqual({ own: false, why: 'it is not a regular file' });
  });

  it('a journal others can write to, or with another name, is foreign', async () => {
    const { env, path, dir } = await ownJournal('shared');
    chmodSync(path, 0o666);
    expect(journalProvenance(path, env)).toEqual({ own: false, why: 'others can write to it' });
    chmodSync(path, 0o600);
    linkSync(path, join(root, 'second-name.jsonl'));
    expect(journalProvenance(path, env)).toEqual({ own: false, why: 'it has other names (hard links)' });
    chmodSync(dir, 0o777);
    const fresh = join(dir, 'fresh.jsonl');
    writeFileSync(fresh, '{}\n', { mode: 0o600 });
    expect(journalProvenance(fresh, env)).toEqual({ own: false, why: expect.stringMatching(/is not yours alone$/) });
  });

  it.runIf(asRoot)('a file of another user in the folder is foreign', async () => {
    const { env, dir } = await ownJournal('theirs');
    const planted = join(dir, 'planted.jsonl');
    writeFileSync(planted, '{}\n', { mode: 0o600 });
    chownSync(planted, 65534, 65534);
    expect(journalProvenance(planted, env)).toEqual({ own: false, why: 'it belongs to another user (uid 65534)' });
  });

  it('a missing journal folder makes every journal foreign', () => {
    const path = join(root, 'nowhere.jsonl');
    writeFileSync(path, '{}\n');
    mkdirSync(join(root, 'empty-state'));
    expect(journalProvenance(path, { XDG_STATE_HOME: join(root, 'empty-state') }).own).toBe(false);
  });
});
