/**
 * One build per test run: `npm test` builds before vitest starts, and the package tests reuse that
 * build (dist/) instead of building again. A file run alone, or after a source changed, builds
 * once here: the first file that asks builds, the next finds dist/ current.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot, runProcess } from './lab.js';

/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = [
  'src',
  'scripts/build.mjs',
  'scripts/build-lib',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];
/** What `npm run build` writes (tsc's help-text module is what dist/help.json was made from). */
export const OUTPUTS = [
  'dist/imctl.mjs',
  'dist/imctl.cjs',
  'dist/help.json',
  'dist/THIRD-PARTY-NOTICES.txt',
  'build/cli/help-text.js',
];

/** The newest modification time under a file or folder (0 where there is none). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Every output exists and is newer than every input it was built from. */
export function isCurrent(outputs: readonly string[], inputs: readonly string[]): boolean {
  const built = outputs.map((o) => (existsSync(o) ? statSync(o).mtimeMs : 0));
  return Math.min(...built) > 0 && Math.min(...built) >= Math.max(...inputs.map(newest));
}

/** dist/ as `npm run build` leaves it, built now only if it is missing or older than a source. */
export async function distBuilt(): Promise<'reused' | 'built'> {
  const at = (paths: readonly string[]) => paths.map((p) => join(repoRoot, p));
  if (isCurrent(at(OUTPUTS), at(INPUTS))) return 'reused';
  const built = await runProcess('npm', ['run', 'build'], { timeoutMs: 280_000 });
  expect(built.code, built.stderr).toBe(0);
  expect(isCurrent(at(OUTPUTS), at(INPUTS)), 'dist/ after npm run build').toBe(true);
  return 'built';
}
