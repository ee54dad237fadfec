// @ts-check
// Process helpers for the benchmark harness: run a command, time it wall-clock, capture or
// discard its output, and a few statistics.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** Children running now, so an interrupted harness can stop them (by PID) before cleaning up. */
/** @type {Set<import('node:child_process').ChildProcess>} */
export const activeChildren = new Set();

/**
 * @typedef {object} RunOptions
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string} [cwd]
 * @property {string | Buffer} [input] written to the child's stdin, which is then closed
 * @property {'capture' | 'ignore' | string} [stdout] 'capture', 'ignore' or a path to write to
 * @property {number} [timeoutMs]
 */

/**
 * @typedef {object} RunResult
 * @property {number} code the exit code; 128 after a signal, -1 if neither is known
 * @property {NodeJS.Signals | null} signal
 * @property {number} ms wall-clock milliseconds from spawn to exit
 * @property {string} stdout
 * @property {string} stderr
 */

/** An error of runOk: the command line and its stderr. @typedef {Error & { command?: string, stderr?: string }} RunError */

/**
 * Run `command args`, timing from spawn to exit. `stdout`: 'capture' (default), 'ignore'
 * (/dev/null, as a shell's `> /dev/null`), or a path to write to. stderr is captured.
 * Resolves { code, ms, stdout, stderr }; never rejects on a non-zero exit.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 * @returns {Promise<RunResult>}
 */
export function run(command, args, { env = process.env, cwd, input, stdout = 'capture', timeoutMs = 900_000 } = {}) {
  return new Promise((resolve, reject) => {
    /** @type {number | undefined} */
    let outFd;
    /** @type {'pipe' | number} */
    let outSpec = 'pipe';
    if (stdout === 'ignore') {
      outFd = openSync('/dev/null', 'w');
      outSpec = outFd;
    } else if (stdout !== 'capture') {
      outFd = openSync(stdout, 'w');
      outSpec = outFd;
    }
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, cwd, stdio: [input === undefined ? 'ignore' : 'pipe', outSpec, 'pipe'] });
    activeChildren.add(child);
    /** @type {Buffer[]} */
    const chunks = [];
    let err = '';
    child.stdout?.on('data', (/** @type {Buffer} */ d) => chunks.push(d));
    child.stderr?.setEncoding('utf8').on('data', (/** @type {string} */ d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      if (outFd !== undefined) closeSync(outFd);
      reject(e);
    });
    child.on('close', (code, signal) => {
      activeChildren.delete(child);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      if (outFd !== undefined) closeSync(outFd);
      resolve({
        code: code ?? (signal ? 128 : -1),
        signal,
        ms,
        stdout: Buffer.concat(chunks).toString('utf8'),
        stderr: err,
      });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Like run(), but throws with the command's stderr unless the exit code is in `ok`.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 * @param {readonly number[]} [ok]
 * @returns {Promise<RunResult>}
 */
export async function runOk(command, args, options = {}, ok = [0]) {
  const result = await run(command, args, options);
  if (!ok.includes(result.code)) {
    const shown = [command, ...args].join(' ');
    const last = result.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
    /** @type {RunError} */
    const error = new Error(`${command} exited ${result.code}: ${last}`);
    error.command = shown;
    error.stderr = result.stderr;
    throw error;
  }
  return result;
}

/**
 * The median of `values` (NaN when there are none).
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (/** @type {number} */ i) => sorted[i] ?? NaN;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** @param {number} ms */
export const seconds = (ms) => (ms / 1000).toFixed(2);
