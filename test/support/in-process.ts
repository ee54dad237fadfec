/**
 * The entry module run in-process, as `imctl ARGV` would run, with captured streams and a fresh
 * cwd and config/state home: for tests of what happens before any directory is opened.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';

export async function imctlInProcess(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = mkdtempSync(join(tmpdir(), 'imctl-main-')),
) {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
  let stdout = '';
  let stderr = '';
  streams.stdout.on('data', (c) => (stdout += c));
  streams.stderr.on('data', (c) => (stderr += c));
  const code = await run(['node', 'imctl', ...argv], {
    streams,
    env: { XDG_CONFIG_HOME: join(cwd, 'config'), XDG_STATE_HOME: join(cwd, 'state'), ...env },
    cwd,
  });
  return { code, stdout, stderr, cwd };
}
