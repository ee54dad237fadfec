/**
 * A module of src/ bundled on its own (esbuild, as scripts/build.mjs bundles the program) into a
 * folder a test chooses: for tests that must run imctl's code in a child process, at a path of
 * their own (a shared folder, beside planted files), without `npm run build`.
 */
import { build } from 'esbuild';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');

export async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    absWorkingDir: REPO,
    entryPoints: [join(REPO, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    define: { IMCTL_VERSION: '"0.0.0-test"' },
    logLevel: 'error',
    // The CommonJS libraries (commander, …) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  return outfile;
}
