/**
 * V8's --optimize-for-size is on only while an import plans: off again after the plan, after a
 * refused file (a usage error) and after a failure, and never while the writes run.
 * The audit's pass over every user runs with the young generation kept small and the old one
 * collected sooner (withLeanHeap), V8's defaults again after it.
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const flags: string[] = [];
vi.mock('node:v8', async (original) => ({
  ...(await original<typeof import('node:v8')>()),
  setFlagsFromString: (flag: string) => void flags.push(flag),
}));

const { withCompactHeap, withLeanHeap } = await import('../../src/cli/heap-mode.js');
const { imctlOnMemory, sampleDirectory } = await import('../support/run-imctl.js');

function csv(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'imctl-heap-')), 'rows.csv');
  writeFileSync(path, text);
  return path;
}

beforeEach(() => void (flags.length = 0));

describe('withCompactHeap', () => {
  it('sizes the heap for memory while the work runs, and restores it after', async () => {
    const during = await withCompactHeap(async () => [...flags]);
    expect(during).toEqual(['--optimize-for-size']);
    expect(flags).toEqual(['--optimize-for-size', '--no-optimize-for-size']);
  });

  it('restores it when the work throws', async () => {
    await expect(withCompactHeap(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(flags).toEqual(['--optimize-for-size', '--no-optimize-for-size']);
  });
});

describe('withLeanHeap', () => {
  const lean = ['--semi-space-growth-factor=1', '--heap-growing-percent=25'];
  const defaults = ['--semi-space-growth-factor=2', '--heap-growing-percent=0'];

  it("collects sooner while the work runs, and restores V8's defaults after, also when it throws", async () => {
    expect(await withLeanHeap(async () => [...flags])).toEqual(lean);
    expect(flags).toEqual([...lean, ...defaults]);
    flags.length = 0;
    await expect(withLeanHeap(async () => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    expect(flags).toEqual([...lean, ...defaults]);
  });

  it('imctl audit reads every user that way, and leaves V8 with its defaults', async () => {
    const run = await imctlOnMemory(['audit', '--json', '--no-dns'], { directory: sampleDirectory() });
    expect([0, 3]).toContain(run.code);
    expect(flags).toEqual([...lean, ...defaults]);
  });
});

describe('imctl import and the heap', () => {
  it('a file refused for invalid rows (exit 2) leaves V8 with its defaults', async () => {
    const run = await imctlOnMemory(['import', csv('user,action\r\nann,explode\r\n'), '--yes'], {
      directory: sampleDirectory(),
    });
    expect(run.code).toBe(2);
    expect(flags).toEqual(['--optimize-for-size', '--no-optimize-for-size']);
  });

  it('a usage error before planning never turns it on', async () => {
    const run = await imctlOnMemory(['import', csv('user\r\nann\r\n'), '--ldif', '-', '--json'], {
      directory: sampleDirectory(),
    });
    expect(run.code).toBe(2);
    expect(flags).toEqual([]);
  });

  it("the writes run with V8's defaults", async () => {
    const directory = sampleDirectory();
    const write = directory.write.bind(directory);
    const atWrite: string[][] = [];
    directory.write = ((...args: Parameters<typeof directory.write>) => (
      atWrite.push([...flags]),
      write(...args)
    )) as typeof directory.write;
    const run = await imctlOnMemory(['import', csv('user,action\r\nann,disable\r\n'), '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(atWrite.length).toBeGreaterThan(0);
    expect(atWrite[0]).toEqual(['--optimize-for-size', '--no-optimize-for-size']);
  });
});
