import { describe, expect, it } from 'vitest';
import { slowestFiles, suiteRecord } from './summary-reporter.js';

describe('the summary reporter', () => {
  it('lists the ten slowest files, slowest first, seconds aligned', () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.test.ts`, seconds: i * 10.04 }));
    const lines = slowestFiles(files).trim().split('\n');
    expect(lines[0]).toBe('Slowest test files:');
    expect(lines.slice(1)).toHaveLength(10);
    expect(lines[1]).toBe('  110.4 s  f11.test.ts');
    expect(lines[10]).toBe('   20.1 s  f2.test.ts');
  });

  it('says nothing when no file ran', () => {
    expect(slowestFiles([])).toBe('');
  });

  it('records a whole run: tests, wall time, each tier, the slowest files', () => {
    const record = suiteRecord({
      passed: 1772,
      skipped: 2,
      seconds: 600,
      files: [
        { name: 'test/a.test.ts', seconds: 2.5, project: 'unit' },
        { name: 'test/b.lab.test.ts', seconds: 80.2, project: 'integration' },
        { name: 'test/c.lab.test.ts', seconds: 19.9, project: 'integration' },
      ],
      when: new Date('2026-12-06T08:00:00Z'),
      cores: 2,
      load: 1.25,
      labSeconds: 131.4,
    });
    expect(record).toContain('| tests | 1,772 passed, 2 skipped |');
    expect(record).toContain('| wall time of `vitest run` | 10.0 min (600 s) |');
    expect(record).toContain('| lab up | 131 s, in the background during the build and the unit tier |');
    expect(record).toContain('| unit tier | 1 files, 3 s |');
    expect(record).toContain('| lab tier | 2 files, 100 s (one file at a time, against the lab DC) |');
    expect(record).toContain(
      '```\n  80.2 s  test/b.lab.test.ts\n  19.9 s  test/c.lab.test.ts\n   2.5 s  test/a.test.ts\n```',
    );
    expect(record).toContain('| when | 2026-12-06 08:00 UTC |');
  });

  it('has no lab line when the run did not start the lab', () => {
    const record = suiteRecord({ passed: 1, skipped: 0, seconds: 1, files: [], when: new Date(), cores: 2, load: 0 });
    expect(record).not.toContain('lab up');
  });
});
