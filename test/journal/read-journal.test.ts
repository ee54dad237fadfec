/** Reading journals back: bounded, strict, and forgiving only of the line a crash cut off. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { readJournal } from '../../src/journal/read-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'imctl-journal-'));
let n = 0;
const file = (text: string) => {
  const path = join(dir, `j-${++n}.jsonl`);
  writeFileSync(path, text);
  return path;
};
const header = JSON.stringify({ type: 'run', version: 1, command: 'enable', startedAt: '2026-12-02T00:00:00Z', server: 'dc1.corp.example', domain: 'DC=corp,DC=example' });
const change = (i: number) =>
  JSON.stringify({ type: 'change', dn: `CN=U${i},OU=Staff,DC=corp,DC=example`, guid: `${i}`.padStart(32, '0'), before: {}, after: { msExchIMAddress: `u${i}@im.corp.example` }, at: '2026-12-02T00:00:01Z' });

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
    expect(await refusal(file(`${JSON.stringify({ type: 'run', version: 1, server: 7 })}\n`))).toMatch(/does not start with an imctl journal header/);
    expect(await refusal(file(''))).toMatch(/is empty: nothing to undo/);
    expect(await refusal(join(dir, 'missing.jsonl'))).toMatch(/Cannot read the journal .*: ENOENT/);
  });
});
