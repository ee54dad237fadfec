// Process helpers for the benchmark harness: run a command, time it wall-clock, capture or
// discard its output, and a few statistics.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** Children running now, so an interrupted harness can stop them (by PID) before cleaning up. */
export const activeChildren = new Set();

/**
 * Run `command args`, timing from spawn to exit. `stdout`: 'capture' (default), 'ignore'
 * (/dev/null, as a shell's `> /dev/null`), or a path to write to. stderr is captured.
 * Resolves { code, ms, stdout, stderr }; never rejects on a non-zero exit.
 */
export function run(command, args, { env = process.env, cwd, input, stdout = 'capture', timeoutMs = 900_000 } = {}) {
  return new Promise((resolve, reject) => {
    let outFd;
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
    const chunks = [];
    let err = '';
    child.stdout?.on('data', (d) => chunks.push(d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
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
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Like run(), but throws with the command's stderr unless the exit code is in `ok`. */
export async function runOk(command, args, options = {}, ok = [0]) {
  const result = await run(command, args, options);
  if (!ok.includes(result.code)) {
    const shown = [command, ...args].join(' ');
    const last = result.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
    const error = new Error(`${command} exited ${result.code}: ${last}`);
    error.command = shown;
    error.stderr = result.stderr;
    throw error;
  }
  return result;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const seconds = (ms) => (ms / 1000).toFixed(2);
