/**
 * The report of a file with invalid rows (reportInvalidRows) waits for a slow destination to
 * drain, row by row, rather than queueing all 20,000 lines in memory (issue 33, item 4: what
 * no-floating-promises found).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ImportRow, RowProblem } from '../../src/core/import-rows.js';
import { reportInvalidRows } from '../../src/services/import-file.js';

/** A pipe that takes one chunk per turn of the event loop and remembers the most it ever held. */
function slowPipe() {
  let most = 0;
  const stream = new Writable({
    highWaterMark: 1024,
    write(_chunk, _encoding, done) {
      most = Math.max(most, stream.writableLength);
      setImmediate(done);
    },
  });
  return { stream, most: () => most };
}

describe('reportInvalidRows', () => {
  it('holds at most about one buffer of a slow destination, not the whole report', async () => {
    const rows: ImportRow[] = Array.from({ length: 2_000 }, (_, i) => ({
      line: i + 2,
      user: `user${i}`,
      action: 'enable',
    }));
    const invalid = new Map<number, RowProblem>([[2, { line: 2, user: 'user0', reason: 'no such user' }]]);
    const pipe = slowPipe();
    await reportInvalidRows('-', rows, invalid, pipe.stream);
    // 2,000 lines of some 60 bytes: about 120 KB if nobody waited for the pipe.
    expect(pipe.most()).toBeLessThan(4 * 1024);
  });
});
