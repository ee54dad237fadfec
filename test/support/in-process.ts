/**
 * The entry module run in-process, as `imctl ARGV` would run, with captured streams and a fresh
 * cwd and config/state home: for tests of what happens before any directory is opened.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';
import { imctlEnv, repoRoot, runResult, type RunResult } from './lab.js';

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

/**
 * An argument that names a file by a bare name (staff.csv, idle.ldif). imctl opens such paths
 * against the process's working directory, not run()'s cwd: a run that names one belongs in a
 * process of its own, started in the folder that holds the file.
 */
export const BARE_FILE = /^[\w-]+\.(csv|ldif|json)$/;

/**
 * `imctl ARGS` against the lab in this process, with imctlProcess()'s options and result: for
 * tests where what a command does is the point and a new Node process (start-up, TLS, bind and
 * RootDSE again) is not. The settings come from `env` (imctlEnv(), as for the built binary).
 */
export async function imctlHere(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<RunResult> {
  const env = options.env ?? imctlEnv();
  const streams = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
  let stdout = '';
  let stderr = '';
  streams.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  streams.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  streams.stdin.end(options.input ?? '');
  const code = await run(['node', 'imctl', ...args], { streams, env, cwd: options.cwd ?? repoRoot });
  await new Promise(setImmediate); // the last chunks written reach the listeners
  return runResult(code, stdout, stderr);
}
