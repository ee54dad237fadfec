/** Whose journal a file is: only imctl's own journals in the admin's own folder are put back exactly. */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  fstatSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';
import { journalProvenance, openJournal } from '../../src/journal/provenance.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-provenance-'));
const asRoot = process.getuid?.() === 0;

async function ownJournal(name: string): Promise<{ env: NodeJS.ProcessEnv; path: string; dir: string }> {
  const env = { XDG_STATE_HOME: join(root, name) };
  const journal = Journal.open('enable', { server: 'dc1', domain: 'DC=x' }, env);
  await journal.close();
  return { env, path: journal.path, dir: join(root, name, 'imctl', 'journal') };
}

/** Whose journal `path` is, as undo decides it: on the descriptor it opened. */
function provenance(path: string, env: NodeJS.ProcessEnv) {
  const { fd, provenance } = openJournal(path, env);
  closeSync(fd);
  return provenance;
}

describe('journalProvenance', () => {
  it("a journal imctl wrote into the admin's own folder is theirs", async () => {
    const { env, path } = await ownJournal('own');
    expect(provenance(path, env)).toEqual({ own: true });
  });

  it('a journal anywhere else is foreign, even one the admin owns', async () => {
    const { env, path } = await ownJournal('elsewhere');
    const copy = join(root, 'mailed.jsonl');
    copyFileSync(path, copy);
    expect(provenance(copy, env)).toEqual({
      own: false,
      why: expect.stringMatching(/^it is not in your journal folder /),
    });
  });

  it('a symlink in the folder is not opened at all', async () => {
    const { env, dir } = await ownJournal('symlink');
    const target = join(root, 'planted.jsonl');
    writeFileSync(target, '{}\n');
    symlinkSync(target, join(dir, 'planted.jsonl'));
    expect(() => openJournal(join(dir, 'planted.jsonl'), env)).toThrow(/it is a symbolic link/);
  });

  it('a FIFO is refused at once, never waited on', async () => {
    const { env, dir } = await ownJournal('fifo');
    execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
    expect(() => openJournal(join(dir, 'fifo.jsonl'), env)).toThrow(/is not a regular file/);
  });

  it('a journal others can write to, or with another name, is foreign', async () => {
    const { env, path, dir } = await ownJournal('shared');
    chmodSync(path, 0o666);
    expect(provenance(path, env)).toEqual({ own: false, why: 'anyone on this machine can change it (mode 666)' });
    chmodSync(path, 0o600);
    linkSync(path, join(root, 'second-name.jsonl'));
    expect(provenance(path, env)).toEqual({ own: false, why: 'it has other names (hard links)' });
    chmodSync(dir, 0o777);
    const fresh = join(dir, 'fresh.jsonl');
    writeFileSync(fresh, '{}\n', { mode: 0o600 });
    expect(provenance(fresh, env)).toEqual({ own: false, why: expect.stringMatching(/is not yours alone$/) });
  });

  it('a journal under a folder above the journal folder that others can write is foreign', async () => {
    const { env, path } = await ownJournal('above');
    chmodSync(join(root, 'above'), 0o777);
    expect(provenance(path, env)).toEqual({
      own: false,
      why: `a folder above your journal folder is not yours alone: anyone on this machine can write to the folder ${join(root, 'above')} (mode 777)`,
    });
  });

  it('the descriptor decides: a file swapped in at the name after the open is not what was judged', async () => {
    const { env, path, dir } = await ownJournal('swapped');
    const { fd } = openJournal(path, env);
    const stat = fstatSync(fd);
    closeSync(fd);
    writeFileSync(join(dir, 'other.jsonl'), '{}\n', { mode: 0o600 });
    renameSync(join(dir, 'other.jsonl'), path);
    expect(journalProvenance(path, stat, env)).toEqual({ own: false, why: 'it was replaced while it was opened' });
  });

  it.runIf(asRoot)('a file of another user in the folder is foreign', async () => {
    const { env, dir } = await ownJournal('theirs');
    const planted = join(dir, 'planted.jsonl');
    writeFileSync(planted, '{}\n', { mode: 0o600 });
    chownSync(planted, 65534, 65534);
    expect(provenance(planted, env)).toEqual({ own: false, why: 'it belongs to another user (uid 65534)' });
  });

  it('a missing journal folder makes every journal foreign', () => {
    const path = join(root, 'nowhere.jsonl');
    writeFileSync(path, '{}\n');
    mkdirSync(join(root, 'empty-state'));
    expect(provenance(path, { XDG_STATE_HOME: join(root, 'empty-state') }).own).toBe(false);
  });
});
