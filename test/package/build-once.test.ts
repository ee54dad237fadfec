/**
 * The package tests reuse the build the lab's global setup made (test/support/build.ts) and pack
 * with --ignore-scripts; what that leaves out is checked here: a checkout's `npm pack` still
 * builds first (prepack), the lab tier's global setup builds, and a build older than a source is
 * never reused.
 */
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCurrent } from '../support/build.js';
import { repoRoot } from '../support/lab.js';

describe('one build per test run', () => {
  it("a checkout's npm pack builds first, and the lab tier's global setup builds before any lab file", () => {
    const { scripts } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.prepack).toBe('npm run build');
    const setup = readFileSync(join(repoRoot, 'test', 'support', 'lab-setup.ts'), 'utf8');
    expect(setup).toMatch(/await buildIfStale\(\);[\s\S]*project\.provide\('labDir'/);
  });

  it('dist is current only when every output exists and is no older than every input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imctl-build-'));
    mkdirSync(join(dir, 'src', 'cli'), { recursive: true });
    const source = join(dir, 'src', 'cli', 'main.ts');
    const [a, b] = [join(dir, 'a.mjs'), join(dir, 'b.json')];
    for (const f of [source, a, b]) writeFileSync(f, '');
    const at = (f: string, s: number) => utimesSync(f, s, s);
    at(source, 1000);
    at(a, 2000);
    at(b, 2000);
    expect(isCurrent([a, b], [join(dir, 'src')])).toBe(true);
    at(source, 3000); // a source edited after the build
    expect(isCurrent([a, b], [join(dir, 'src')])).toBe(false);
    at(source, 1000);
    at(b, 500); // one output left from an older build
    expect(isCurrent([a, b], [join(dir, 'src')])).toBe(false);
    expect(isCurrent([a, join(dir, 'missing')], [join(dir, 'src')])).toBe(false);
  });
});
