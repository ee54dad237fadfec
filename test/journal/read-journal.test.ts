/**
 * readJournal: a journal read back for undo, strict — a usage error (exit 2) naming the line of
 * anything it cannot trust. (Current public behaviour; the writer is src/journal/journal.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { Journal } from '../../src/journal/journal.js';
import { readJournal } from '../../src/journal/read-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'imctl-journal-'));
let files = 0;
function file(lines: unknown[]): string {
  const path = join(dir, `j${++files}.jsonl`);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
}

const HEADER = { type: 'run', version: 1, command: 'enable', startedAt: '2026-12-01T10:00:00.000Z', server: 'dc1.memory.test' };
const CHANGE = { type: 'change', dn: 'CN=ann,DC=memory,DC=test', guid: '0'.repeat(32), before: {}, after: { msExchIMAddress: 'ann@im.memory.test' }, at: '2026-12-01T10:00:01.000Z' };

async function refusal(path: string): Promise<UsageError> {
  const error = await readJournal(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('readJournal', () => {
  it('reads what Journal writes: the header and each change with its line', async () => {
    const env = { XDG_STATE_HOME: dir };
    const journal = Journal.open('move', 'dc1.memory.test', env, 'admin@memory.test');
    journal.record({ dn: CHANGE.dn, guid: CHANGE.guid, before: {}, after: CHANGE.after });
    journal.record({ dn: 'CN=ben,DC=memory,DC=test', guid: '1'.repeat(32), before: CHANGE.after, after: {} }, 'unconfirmed');
    await journal.close();
    const contents = await readJournal(journal.path);
    expect(contents.header).toMatchObject({ type: 'run', version: 1, command: 'move', server: 'dc1.memory.test', boundAs: 'admin@memory.test' });
    expect(contents.changes.map((c) => [c.line, c.type, c.dn])).toEqual([
      [2, 'change', CHANGE.dn],
      [3, 'unconfirmed', 'CN=ben,DC=memory,DC=test'],
    ]);
  });

  it("skips blank lines and keeps the file's line numbers", async () => {
    const contents = await readJournal(file([HEADER, '', CHANGE, '']));
    expect(contents.changes.map((c) => c.line)).toEqual([3]);
  });

  it('a header alone is a journal with nothing to undo', async () => {
    expect((await readJournal(file([HEADER]))).changes).toEqual([]);
  });

  it.each([
    ['a missing file', () => join(dir, 'missing.jsonl'), /^Cannot read the journal .*missing\.jsonl: ENOENT\.$/],
    ['an empty file', () => file([]), /is empty: nothing to undo\.$/],
    ['no header', () => file([CHANGE]), /does not start with an imctl journal header\.$/],
    ['another version', () => file([{ ...HEADER, version: 2 }, CHANGE]), /does not start with an imctl journal header\.$/],
    ['a line that is not JSON', () => file([HEADER, '{"type":"change",']), /line 2 is not JSON: this is not an imctl journal, or it was damaged\.$/],
    ['an unknown record type', () => file([HEADER, { ...CHANGE, type: 'delete' }]), /line 2 is not a valid journal change record\.$/],
    ['a change without a DN', () => file([HEADER, { ...CHANGE, dn: 42 }]), /line 2 is not a valid journal change record\.$/],
    ['a value that is not an IM attribute', () => file([HEADER, CHANGE, { ...CHANGE, after: { description: 'x' } }]), /line 3 is not a valid journal change record\.$/],
    ['a value that is not a string', () => file([HEADER, { ...CHANGE, before: { msExchIMAddress: ['a', 'b'] } }]), /line 2 is not a valid journal change record\.$/],
    ['a state that is an array', () => file([HEADER, { ...CHANGE, before: [] }]), /line 2 is not a valid journal change record\.$/],
  ])('%s is a usage error naming the file', async (_what, path, message) => {
    const error = await refusal(path());
    expect(error.message).toMatch(message);
    expect(error.reason).toBe('journal');
  });
});
