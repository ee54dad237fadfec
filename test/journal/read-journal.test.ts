/** Reading journals back: bounded, strict, and forgiving only of the line a crash cut off. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { Journal } from '../../src/journal/journal.js';
import { readJournal } from '../../src/journal/read-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'imctl-journal-'));
let n = 0;
const file = (text: string) => {
  const path = join(dir, `j-${++n}.jsonl`);
  writeFileSync(path, text);
  return path;
};
const header = JSON.stringify({
  type: 'run',
  version: 1,
  command: 'enable',
  startedAt: '2026-12-02T00:00:00Z',
  server: 'dc1.corp.example',
  domain: 'DC=corp,DC=example',
});
const change = (i: number) =>
  JSON.stringify({
    type: 'change',
    dn: `CN=U${i},OU=Staff,DC=corp,DC=example`,
    guid: `${i}`.padStart(32, '0'),
    before: {},
    after: { msExchIMAddress: `u${i}@im.corp.example` },
    at: '2026-12-02T00:00:01Z',
  });

async function refusal(path: string, limits?: { line: number; total: number }): Promise<string> {
  const error = await readJournal(path, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

describe('readJournal', () => {
  it('reads the header (with its domain) and every change, with line numbers', async () => {
    const journal = await readJournal(file(`${header}\n${change(1)}\n${change(2)}\n`));
    expect(journal.header).toMatchObject({ server: 'dc1.corp.example', domain: 'DC=corp,DC=example' });
    expect(journal.changes.map((c) => c.line)).toEqual([2, 3]);
    expect(journal.warnings).toEqual([]);
  });

  it('a last line cut off (kill -9): the complete changes are kept and the torn line is named', async () => {
    const torn = change(3).slice(0, 40);
    const path = file(`${header}\n${change(1)}\n${change(2)}\n${torn}`);
    const journal = await readJournal(path);
    expect(journal.changes).toHaveLength(2);
    expect(journal.warnings).toEqual([expect.stringContaining(`${path} line 4 is incomplete`)]);
  });

  it('a damaged line anywhere else refuses the whole journal, naming the line', async () => {
    const path = file(`${header}\n${change(1)}\n{"type":"chan\n${change(2)}\n`);
    expect(await refusal(path)).toBe(`${path} line 3 is not JSON: this is not an imctl journal, or it was damaged.`);
    // A complete last line (it has its newline) that is not JSON was not cut off by a crash.
    expect(await refusal(file(`${header}\nnot json\n`))).toMatch(/line 2 is not JSON/);
  });

  it('ends on /dev/zero and on oversized input instead of reading without bound', async () => {
    expect(await refusal('/dev/zero')).toMatch(/line 1 is longer than 65536 bytes/);
    const path = file(`${header}\n${change(1)}\n${change(2)}\n`);
    expect(await refusal(path, { line: 64 * 1024, total: 300 })).toMatch(/is larger than 300 bytes/);
  });

  it('refuses a file that does not start with a header, or whose header is malformed', async () => {
    expect(await refusal(file(`${change(1)}\n`))).toMatch(/does not start with an imctl journal header/);
    expect(await refusal(file(`${JSON.stringify({ type: 'run', version: 1, server: 7 })}\n`))).toMatch(
      /does not start with an imctl journal header/,
    );
    expect(await refusal(file(''))).toMatch(/is empty: nothing to undo/);
    expect(await refusal(join(dir, 'missing.jsonl'))).toMatch(/Cannot read the journal .*: ENOENT/);
  });
});

describe('readJournal: records', () => {
  const HEADER = {
    type: 'run',
    version: 1,
    command: 'enable',
    startedAt: '2026-12-01T10:00:00.000Z',
    server: 'dc1.memory.test',
  };
  const CHANGE = {
    type: 'change',
    dn: 'CN=ann,DC=memory,DC=test',
    guid: '0'.repeat(32),
    before: {},
    after: { msExchIMAddress: 'ann@im.memory.test' },
    at: '2026-12-01T10:00:01.000Z',
  };
  // Every line ends with its newline: a complete file, not one a crash cut off.
  const lines = (records: unknown[]) =>
    file(records.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)) + '\n').join(''));

  it('reads what Journal writes: the header and each change with its line', async () => {
    const env = { XDG_STATE_HOME: dir };
    const journal = Journal.open(
      'move',
      { server: 'dc1.memory.test', domain: 'DC=memory,DC=test' },
      env,
      'admin@memory.test',
    );
    journal.record({ dn: CHANGE.dn, guid: CHANGE.guid, before: {}, after: CHANGE.after });
    journal.record(
      { dn: 'CN=ben,DC=memory,DC=test', guid: '1'.repeat(32), before: CHANGE.after, after: {} },
      'unconfirmed',
    );
    await journal.close();
    const contents = await readJournal(journal.path);
    expect(contents.header).toMatchObject({
      type: 'run',
      version: 1,
      command: 'move',
      server: 'dc1.memory.test',
      domain: 'DC=memory,DC=test',
      boundAs: 'admin@memory.test',
    });
    expect(contents.changes.map((c) => [c.line, c.type, c.dn])).toEqual([
      [2, 'change', CHANGE.dn],
      [3, 'unconfirmed', 'CN=ben,DC=memory,DC=test'],
    ]);
  });

  it("skips blank lines and keeps the file's line numbers", async () => {
    expect((await readJournal(lines([HEADER, '', CHANGE, '']))).changes.map((c) => c.line)).toEqual([3]);
  });

  it('a header alone is a journal with nothing to undo', async () => {
    expect((await readJournal(lines([HEADER]))).changes).toEqual([]);
  });

  it.each([
    [
      'another version',
      () => lines([{ ...HEADER, version: 2 }, CHANGE]),
      /does not start with an imctl journal header\.$/,
    ],
    [
      'an unknown record type',
      () => lines([HEADER, { ...CHANGE, type: 'delete' }]),
      /line 2 is not a valid journal change record\.$/,
    ],
    [
      'a change without a DN',
      () => lines([HEADER, { ...CHANGE, dn: 42 }]),
      /line 2 is not a valid journal change record\.$/,
    ],
    [
      'a value that is not an IM attribute',
      () => lines([HEADER, CHANGE, { ...CHANGE, after: { description: 'x' } }]),
      /line 3 is not a valid journal change record\.$/,
    ],
    [
      'a value that is not a string',
      () => lines([HEADER, { ...CHANGE, before: { msExchIMAddress: ['a', 'b'] } }]),
      /line 2 is not a valid journal change record\.$/,
    ],
    [
      'a state that is an array',
      () => lines([HEADER, { ...CHANGE, before: [] }]),
      /line 2 is not a valid journal change record\.$/,
    ],
  ])('%s is a usage error naming the line', async (_what, path, message) => {
    expect(await refusal(path())).toMatch(message);
  });
});
