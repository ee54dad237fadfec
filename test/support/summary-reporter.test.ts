import { describe, expect, it } from 'vitest';
import { slowestFiles } from './summary-reporter.js';

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
});
