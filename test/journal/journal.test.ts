/** Where journals are kept: a folder of the user's own, owner-only; undo trusts what it finds there. */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
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
});
