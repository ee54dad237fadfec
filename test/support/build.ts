/**
 * One build per test run: the integration project's global setup builds dist/ when it is missing
 * or older than a source (while the lab starts), and every lab file, the package tests included,
 * reuses that build. A package test run alone after a source changed builds once here.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = join(import.meta.dirname, '..', '..');

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

const inRepo = (paths: readonly string[]): string[] => paths.map((p) => join(repoRoot, p));

/** dist/ as `npm run build` leaves it, built now only if it is missing or older than a source. */
export async function buildIfStale(): Promise<'reused' | 'built'> {
  if (isCurrent(inRepo(OUTPUTS), inRepo(INPUTS))) return 'reused';
  try {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: repoRoot, timeout: 280_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed:\n${stdout}${stderr}`);
  }
  if (!isCurrent(inRepo(OUTPUTS), inRepo(INPUTS))) throw new Error('dist/ is still stale after npm run build');
  return 'built';
}
