/**
 * The write path's bookkeeping against an in-memory directory port: what the sink sees, what is
 * written (once per target), the journal, and the exit-code errors. The wire itself (pipelining,
 * lost connections, compare-and-set on a real DC) is tested in test/directory and test/security.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { Interrupted, PartialFailure } from '../../src/core/errors.js';
import { imValues, type ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { planProvisioning } from '../../src/services/provisioning.js';
import {
  confirmQuestion,
  executeTargets,
  type ResultSink,
  type TargetResult,
  type WriteRunOptions,
} from '../../src/services/write-run.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { journalRecords } from '../support/journal-files.js';

const EAST: ImServer = {
  dn: 'CN=VS,CN=EXCH1,DC=corp,DC=test',
  name: 'im-east',
  cn: 'VS',
  host: 'exch1.corp.test',
  hostsUsers: true,
};
const DOMAIN = 'im.corp.test';
const user = (sam: string, enabled = false): UserRecord => ({
  dn: `CN=${sam},OU=Staff,DC=corp,DC=test`,
  guid: `${sam.charCodeAt(0).toString(16)}`.padStart(32, '0'),
  sAMAccountName: sam,
  accountDisabled: false,
  im: enabled ? imValues(sam, DOMAIN, EAST) : {},
});

function recordingSink() {
  const results: TargetResult[] = [];
  const events: string[] = [];
  const sink: ResultSink = {
    start: (total, writes) => void events.push(`start ${total}/${writes}`),
    result: (r) => void results.push(r),
    journalOpened: () => void events.push('journal'),
    progress: (done, failed) => void events.push(`progress ${done}/${failed}`),
    finish: async (summary, journal) =>
      void events.push(`finish ${JSON.stringify(summary)} ${journal ? 'with journal' : 'no journal'}`),
  };
  return { sink, results, events };
}

async function setUp(users: UserRecord[]) {
  const home = mkdtempSync(join(tmpdir(), 'imctl-run-'));
  const env = { XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state') };
  const settings = loadSettings({ imDomain: DOMAIN }, env, home);
  const directory = new MemoryDirectory([EAST], users);
  const app = { settings, env, signal: new AbortController().signal, directory: async () => directory };
  const { targets } = await planProvisioning(
    directory,
    settings,
    users.map((u) => ({ user: u.sAMAccountName, action: 'enable' as const, server: 'im-east' })),
  );
  return { app, directory, targets };
}

const run = async (users: UserRecord[], options: Partial<WriteRunOptions> = {}) => {
  const { app, directory, targets } = await setUp(users);
  const rec = recordingSink();
  const outcome = executeTargets(app, directory, targets, { command: 'enable', sink: rec.sink, ...options });
  return { ...rec, directory, outcome };
};

describe('executeTargets', () => {
  it('writes each planned change once, journals it, and reports every target', async () => {
    const { results, events, directory, outcome } = await run([user('a'), user('b'), user('c', true)]);
    const { summary, journal } = await outcome;
    expect(summary).toEqual({ changed: 2, unchanged: 1, failed: 0, planned: 0, notStarted: 0 });
    expect(directory.written.map((t) => t.dn)).toEqual([
      'CN=a,OU=Staff,DC=corp,DC=test',
      'CN=b,OU=Staff,DC=corp,DC=test',
    ]);
    // In target order (an import's line order), though c needed no write and settled first.
    expect(results.map((r) => [r.user, r.outcome])).toEqual([
      ['a', 'changed'],
      ['b', 'changed'],
      ['c', 'unchanged'],
    ]);
    expect(events).toEqual([
      'start 3/2',
      'journal',
      'progress 1/0',
      'progress 2/0',
      `finish ${JSON.stringify(summary)} with journal`,
    ]);
    const lines = journalRecords(journal!);
    expect(lines.filter((l) => l.type === 'change').map((l) => l.dn)).toEqual(directory.written.map((t) => t.dn));
    expect(directory.get('CN=a,OU=Staff,DC=corp,DC=test')!.im).toEqual(imValues('a', DOMAIN, EAST));
  });

  it('--dry-run reports planned and writes nothing, no journal', async () => {
    const { results, directory, outcome } = await run([user('a'), user('b')], { dryRun: true });
    expect((await outcome).journal).toBeUndefined();
    expect(results.map((r) => r.outcome)).toEqual(['planned', 'planned']);
    expect(directory.written).toEqual([]);
  });

  it('--ldif gets the header and one record per write, and nothing is written', async () => {
    const chunks: string[] = [];
    let closedWith = -1;
    const { directory, outcome } = await run([user('a'), user('b', true)], {
      ldif: { write: async (t) => void chunks.push(t), close: async (n) => void (closedWith = n) },
    });
    await outcome;
    expect(closedWith).toBe(1);
    expect(chunks.join('')).toMatch(/^version: 1\n[\s\S]*dn: CN=a,OU=Staff[\s\S]*changetype: modify/);
    expect(chunks.join('')).not.toContain('CN=b,');
    expect(directory.written).toEqual([]);
  });

  it('a declined confirmation writes nothing (exit 130)', async () => {
    const questions: string[] = [];
    const { directory, outcome } = await run([user('a'), user('b')], {
      confirm: async (q) => (questions.push(q), false),
    });
    await expect(outcome).rejects.toBeInstanceOf(Interrupted);
    expect(questions).toEqual(['Change 2 users on dc1.memory.test: 2 enables?']);
    expect(directory.written).toEqual([]);
  });

  it('the question splits the change by action and by server', async () => {
    const questions: string[] = [];
    const { outcome } = await run([user('a'), user('b'), user('c')], {
      confirm: async (q) => (questions.push(q), false),
      serverName: (dn) => (dn === EAST.dn ? EAST.name : null),
    });
    await expect(outcome).rejects.toBeInstanceOf(Interrupted);
    expect(questions).toEqual(['Change 3 users on dc1.memory.test: 3 enables (3 on im-east)?']);
  });

  it('confirmQuestion: enables, disables and moves, each by server', () => {
    const to = (server: string) => ({ msExchIMVirtualServer: server });
    const write = (action: string, before: object, after: object) => ({
      action,
      plan: { kind: 'write' as const, before, after, ops: [] },
    });
    const name = (dn: string) => ({ E: 'im-east', W: 'im-west' })[dn] ?? null;
    expect(
      confirmQuestion(
        [
          write('enable', {}, to('E')),
          write('enable', {}, to('W')),
          write('enable', {}, to('E')),
          write('disable', to('W'), {}),
          write('move', to('E'), to('W')),
        ],
        'dc1',
        name,
      ),
    ).toBe(
      'Change 5 users on dc1: 3 enables (2 on im-east, 1 on im-west); 1 disable (1 off im-west); 1 move (1 to im-west)?',
    );
  });

  it('the journal records the command line and the input file', async () => {
    const { app, directory, targets } = await setUp([user('a')]);
    const rec = recordingSink();
    const { journal } = await executeTargets(
      { ...app, commandLine: ['import', 'rows.csv', '--yes'] },
      directory,
      targets,
      {
        command: 'import',
        input: 'rows.csv',
        sink: rec.sink,
      },
    );
    expect(journalRecords(journal!)[0]).toMatchObject({
      type: 'run',
      commandLine: ['import', 'rows.csv', '--yes'],
      input: 'rows.csv',
    });
  });

  it('writes never sent when the run is stopped are "not-started", not failed', async () => {
    const { app, directory, targets } = await setUp([user('a'), user('b'), user('c')]);
    const abort = new AbortController();
    // The directory takes the first write, then Ctrl-C comes before the others are sent.
    directory.write = async (tasks, _options, onResult) => {
      onResult([...tasks][0]!, { outcome: 'changed' });
      abort.abort();
    };
    const rec = recordingSink();
    const runOutcome = executeTargets({ ...app, signal: abort.signal }, directory, targets, {
      command: 'enable',
      sink: rec.sink,
    });
    await expect(runOutcome).rejects.toThrow(/1 changed before stopping.*; 2 not started \(untouched\)/);
    expect(rec.results.map((r) => [r.user, r.outcome, r.reason])).toEqual([
      ['a', 'changed', null],
      ['b', 'not-started', 'not started: the run was interrupted first'],
      ['c', 'not-started', 'not started: the run was interrupted first'],
    ]);
  });

  it('one user changes without a question', async () => {
    let asked = false;
    const { outcome } = await run([user('a')], { confirm: async () => (asked = true) });
    await outcome;
    expect(asked).toBe(false);
  });

  it('a failed target makes the run a partial failure (exit 3) after the rest are done', async () => {
    const { app, directory, targets } = await setUp([user('a'), user('b')]);
    directory.set('CN=b,OU=Staff,DC=corp,DC=test', { msExchIMAddress: 'someone@else.test' }); // another writer, after planning
    const rec = recordingSink();
    await expect(executeTargets(app, directory, targets, { command: 'enable', sink: rec.sink })).rejects.toBeInstanceOf(
      PartialFailure,
    );
    expect(rec.results.map((r) => [r.user, r.outcome])).toEqual([
      ['a', 'changed'],
      ['b', 'failed'],
    ]);
    expect(directory.get('CN=b,OU=Staff,DC=corp,DC=test')!.im).toEqual({ msExchIMAddress: 'someone@else.test' });
  });
});
