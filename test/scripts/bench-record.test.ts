/**
 * Issue 33, item 3: the blocks that quote the bench (README, docs/kerberos.md) are rewritten by a
 * whole bench run into docs/benchmarks.md — and only by one. The bench once asked whether its
 * list of sections to run was empty, which it never is (no --only means all of them), so no run
 * rewrote the blocks.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRecordRun } from '../../scripts/docs-lib/bench-blocks.mjs';

const repo = join(import.meta.dirname, '..', '..');
const record = join(repo, 'docs', 'benchmarks.md');

describe('the bench run whose figures the documents quote', () => {
  it('is a run of every section into docs/benchmarks.md', () => {
    expect(isRecordRun({ only: undefined, out: record, repo })).toBe(true);
  });

  it('is not a run of some sections, nor one written elsewhere', () => {
    expect(isRecordRun({ only: 'sync', out: record, repo })).toBe(false);
    expect(isRecordRun({ only: undefined, out: '/tmp/bench.md', repo })).toBe(false);
  });
});
