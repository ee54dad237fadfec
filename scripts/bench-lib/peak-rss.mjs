// @ts-check
// Peak memory of one imctl run (the bench's memory section).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Peak RSS of imctl (`imctlArgv`: the launcher and its arguments, -v among them) as /usr/bin/time -f %M reports it. The run is made with -v so that the
 * end of the syntax pass shows on stderr; the node process's VmHWM (its RSS high-water mark so far)
 * is read from /proc at that moment, to tell the file's share of the peak from the directory's.
 */
/**
 * @param {string[]} imctlArgv
 * @param {{ env: NodeJS.ProcessEnv, cwd: string }} options
 */
export async function peakRss(imctlArgv, { env, cwd }) {
  const child = spawn('/usr/bin/time', ['-f', 'BENCH_MAXRSS_KB %M', process.execPath, ...imctlArgv], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = process.hrtime.bigint();
  let stdout = '';
  let stderr = '';
  /** @type {number | undefined} */
  let nodePid;
  let hwmKb = 0;
  /** @type {number | undefined} */
  let syntaxKb;
  const poll = () => {
    try {
      nodePid ??=
        Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]) ||
        undefined;
      if (nodePid) hwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${nodePid}/status`, 'utf8'))?.[1] ?? hwmKb);
    } catch {
      // not started yet, or gone
    }
  };
  const timer = setInterval(poll, 10);
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    if (syntaxKb === undefined && /problem\(s\) in the syntax pass/.test(stderr)) {
      poll();
      syntaxKb = hwmKb;
    }
  });
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  });
  clearInterval(timer);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const kb = Number(/BENCH_MAXRSS_KB (\d+)/.exec(stderr)?.[1]);
  if (!kb) throw new Error(`/usr/bin/time gave no figure: ${stderr.slice(-500)}`);
  // /usr/bin/time reports the child's exit status as its own.
  return { mb: kb / 1024, syntaxMb: syntaxKb ? syntaxKb / 1024 : undefined, ms, code, stdout, stderr };
}
