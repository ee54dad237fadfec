/**
 * Issue 21, "Messages that fit": the closing sentence of a run with failures says what was and
 * was not done — a dry run or LDIF wrote nothing, a run where every target failed wrote nothing,
 * undo's conflicts are not fixed by a re-run — and Ctrl-C before the first write says nothing was
 * written.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { Interrupted } from '../../src/core/errors.js';
import { executeTargets, failureMessage, type ResultSink } from '../../src/services/write-run.js';
import { MemoryDirectory } from '../support/memory-directory.js';

const summary = (changed: number, unchanged: number, failed: number, planned = 0) => ({
  changed,
  unchanged,
  failed,
  planned,
  notStarted: 0,
});

describe('failureMessage', () => {
  it.each([
    {
      options: { command: 'enable', dryRun: true },
      s: summary(0, 0, 1, 2),
      says: '1 of 3 targets cannot be done as asked (see the reasons); nothing was written.',
    },
    {
      options: { command: 'enable', ldif: { write: async () => {}, close: async () => {} } },
      s: summary(0, 0, 1, 2),
      says: '1 of 3 targets cannot be done as asked (see the reasons); nothing was written, and the LDIF holds only the others.',
    },
    {
      options: { command: 'enable' },
      s: summary(0, 0, 3),
      says: 'All 3 targets failed; nothing was written. Fix the reasons and re-run.',
    },
    {
      options: { command: 'enable' },
      s: summary(2, 0, 1),
      says: '1 of 3 targets failed; the rest were done. Fix the reasons and re-run: done targets report "unchanged".',
    },
    {
      options: { command: 'undo' },
      s: summary(2, 0, 1),
      says: '1 of 3 targets was not put back (see the reasons: an entry changed since the recorded run is left as it is now, which a re-run will not change); the other 2 targets were put back.',
    },
  ])('$options.command $s', ({ options, s, says }) => {
    expect(failureMessage(options, s, 3)).toBe(says);
  });

  it.each([
    // Nothing else was in the run: no "rest" to speak of.
    [
      { command: 'undo' },
      summary(0, 0, 1),
      '1 of 1 target was not put back (see the reasons: an entry changed since the recorded run is left as it is now, which a re-run will not change); nothing was put back.',
    ],
    [{ command: 'enable' }, summary(0, 0, 1), 'The target failed; nothing was written. Fix the reasons and re-run.'],
    [
      { command: 'enable', ldif: { write: async () => {}, close: async () => {} } },
      summary(0, 0, 1),
      '1 of 1 target cannot be done as asked (see the reasons); nothing was written, and the LDIF holds no change.',
    ],
    [
      { command: 'import' },
      summary(11_325, 0, 1_203),
      '1,203 of 12,528 targets failed; the rest were done. Fix the reasons and re-run: done targets report "unchanged".',
    ],
  ])('%j %j: true of a run of one, and with separators', (options, s, says) => {
    expect(failureMessage(options, s, s.changed + s.unchanged + s.failed)).toBe(says);
  });
});

describe('Ctrl-C before the writes start', () => {
  it('says nothing was written, opens no journal and tells the sink nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-int-'));
    const env = { XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state') };
    const abort = new AbortController();
    abort.abort();
    const app = {
      settings: loadSettings({}, env, home),
      env,
      signal: abort.signal,
      directory: async () => new MemoryDirectory([]),
    };
    const events: string[] = [];
    const sink: ResultSink = {
      start: () => void events.push('start'),
      result: () => void events.push('result'),
      journalOpened: () => void events.push('journal'),
      progress: () => {},
      finish: async () => void events.push('finish'),
    };
    const target = {
      name: 'a',
      action: 'enable',
      dn: 'CN=a,DC=t',
      plan: { kind: 'write' as const, before: {}, after: {}, ops: [] },
    };
    const run = executeTargets(app, new MemoryDirectory([]), [target], { command: 'enable', sink });
    await expect(run).rejects.toThrow(Interrupted);
    await expect(run).rejects.toThrow('Interrupted before any change was sent; nothing was written.');
    expect(events).toEqual([]);
    expect(() => readdirSync(join(home, 'state'))).toThrow();
  });
});
