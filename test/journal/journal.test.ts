/** Where journals are kept: a folder of the user's own, owner-only; undo trusts what it finds there. */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/journal.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-journal-dir-'));

describe('Journal.open', () => {
  it('records the command, the DC and the domain; the folder is made owner-only, the file 0600', async () => {
    const state = join(root, 'mine');
    mkdirSync(join(state, 'imctl', 'journal'), { recursive: true, mode: 0o755 });
    chmodSync(join(state, 'imctl', 'journal'), 0o755);
    const journal = Journal.open(
      'enable',
      { server: 'dc1.corp.example', domain: 'DC=corp,DC=example' },
      { XDG_STATE_HOME: state },
      'admin@corp.example',
    );
    await journal.close();
    expect(statSync(join(state, 'imctl', 'journal')).mode & 0o777).toBe(0o700);
    expect(statSync(journal.path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(journal.path, 'utf8').split('\n')[0]!)).toMatchObject({
      type: 'run',
      command: 'enable',
      server: 'dc1.corp.example',
      domain: 'DC=corp,DC=example',
      boundAs: 'admin@corp.example',
    });
  });

  it('refuses a journal folder that belongs to another user (they could replace what undo reads)', () => {
    if (process.getuid?.() !== 0) return expect(process.getuid).toBeDefined(); // giving a folder away needs root
    const state = join(root, 'theirs');
    mkdirSync(join(state, 'imctl', 'journal'), { recursive: true });
    chownSync(join(state, 'imctl', 'journal'), 65534, 65534);
    expect(() => Journal.open('enable', { server: 'dc1', domain: 'DC=x' }, { XDG_STATE_HOME: state })).toThrow(
      /belongs to another user \(uid 65534\)/,
    );
  });

  it('never chmods through a link: a symlinked journal folder is refused, its target keeps its mode and gets no journal', () => {
    const target = join(root, 'linked-target');
    mkdirSync(target, { mode: 0o755 });
    chmodSync(target, 0o755);
    const state = join(root, 'linked');
    mkdirSync(join(state, 'imctl'), { recursive: true });
    symlinkSync(target, join(state, 'imctl', 'journal'));
    const refused = (() => {
      try {
        Journal.open('enable', { server: 'dc1', domain: 'DC=x' }, { XDG_STATE_HOME: state });
      } catch (error) {
        return error as Error;
      }
    })();
    expect(statSync(target).mode & 0o777).toBe(0o755);
    expect(readdirSync(target)).toEqual([]);
    expect(refused?.message).toMatch(/is not yours alone \(.* is a symbolic link or not a folder\)/);
  });

  it('refuses a folder above the journal folder that others can write, a sticky one (/tmp) aside', async () => {
    const state = join(root, 'shared-above');
    mkdirSync(state, { mode: 0o777 });
    chmodSync(state, 0o777);
    expect(() => Journal.open('enable', { server: 'dc1', domain: 'DC=x' }, { XDG_STATE_HOME: state })).toThrow(
      `anyone on this machine can write to the folder ${state} (mode 777)`,
    );
    expect(existsSync(join(state, 'imctl'))).toBe(false);
    chmodSync(state, 0o1777);
    await Journal.open('enable', { server: 'dc1', domain: 'DC=x' }, { XDG_STATE_HOME: state }).close();
  });

  it('refuses to create the journal folder chain under a folder another user owns', () => {
    if (process.getuid?.() !== 0) return expect(process.getuid).toBeDefined(); // giving a folder away needs root
    const state = join(root, 'their-state');
    mkdirSync(state);
    chownSync(state, 65534, 65534);
    expect(() => Journal.open('enable', { server: 'dc1', domain: 'DC=x' }, { XDG_STATE_HOME: state })).toThrow(
      `the folder ${state} belongs to another user (uid 65534)`,
    );
    expect(existsSync(join(state, 'imctl'))).toBe(false);
  });
});
