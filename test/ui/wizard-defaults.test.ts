/** Issue 21, the wizard: a large batch's "Apply N changes?" starts on No; a few start on Yes. */
import { describe, expect, it } from 'vitest';
import { LARGE_BATCH, reviewDefault } from '../../src/commands/wizard/apply.js';

describe("the review question's default", () => {
  it.each([
    [1, 'apply'],
    [LARGE_BATCH, 'apply'],
    [LARGE_BATCH + 1, 'cancel'],
    [714, 'cancel'],
  ] as const)('%i change(s) → %s', (writes, answer) => {
    expect(reviewDefault(writes)).toBe(answer);
  });
});
