/**
 * The bench times imctl's write phase from imctl's own summary line. The sections once each parsed
 * an older wording ("N writes in X s") and silently lost the figure when imctl began to print
 * "10,000 writes sent in 19.7 s"; the one parser is tested here against the line imctl prints.
 */
import { describe, expect, it } from 'vitest';
import { writePhaseMs } from '../../scripts/bench-lib/imctl-output.mjs';
import { summaryLine } from '../../src/ui/progress.js';

describe("the bench's reading of imctl's summary line", () => {
  it.each([
    [10_000, 19.73, 20_000],
    [1_500, 4.23, 4_200],
    [1, 4.2, 4_200],
    [2_811, 41.4, 41_000],
    [10_000, 75, 75_000],
    [90_000, 3725, 3_720_000],
  ])('%i writes in %s s read as %i ms', (writes, seconds, ms) => {
    const stderr = `imctl: bound as admin\n${summaryLine('import', writes, writes, seconds)}\n`;
    expect(writePhaseMs(stderr)).toBe(ms);
  });

  it("reads an older build's line, and nothing where there is no figure", () => {
    expect(writePhaseMs('import: 10000 writes in 19.7 s (508/s).')).toBe(19_700);
    expect(writePhaseMs(summaryLine('import', 3, 3, 0.04))).toBeUndefined();
    expect(writePhaseMs('import: nothing to do.')).toBeUndefined();
  });
});
