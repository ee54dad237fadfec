/**
 * Vitest global setup for the integration project: bring the lab DC up once per run (install,
 * provision and seed on a fresh machine; reuse a running lab), return it to the seeded state,
 * build dist/ if it is stale, and hand the lab's folder to the tests. Tests put their own data in
 * their own OUs.
 *
 * A lab built from nothing takes about two minutes. That provisioning runs in the background
 * while the build and the unit tier run (the unit project's group runs first); the first lab
 * file waits for it in `lab-ready.ts`. A lab that exists is started and restored before any test.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildIfStale } from './build.js';
import { LAB_READY_ENV } from './lab-ready-file.js';

const root = join(import.meta.dirname, '..', '..');
const labScript = join(root, 'lab', 'lab.sh');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `lab.sh up` in the background, its progress on our stderr; resolves with its exit code. */
function provisionInBackground(env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn('bash', [labScript, 'up'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  return new Promise((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Restoring the seeded state would pull the floor from under another test run on this machine
 * (a developer's second terminal): only restore when no other run is registered. */
function registerRun(lab: string, env: NodeJS.ProcessEnv, restore: boolean): () => void {
  const runs = join(lab, 'test-runs');
  mkdirSync(runs, { recursive: true });
  const others = readdirSync(runs)
    .map(Number)
    .filter((pid) => pid !== process.pid && (alive(pid) || (rmSync(join(runs, String(pid)), { force: true }), false)));
  writeFileSync(join(runs, String(process.pid)), '');
  if (!restore) {
    // Freshly provisioned: already the seeded state.
  } else if (others.length === 0)
    execFileSync('bash', [labScript, 'restore'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  else process.stderr.write(`lab: another test run (pid ${others.join(', ')}) is using the lab; not restoring it\n`);
  return () => rmSync(join(runs, String(process.pid)), { force: true });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lab = process.env.IMCTL_LAB_DIR ?? join(root, '.lab');
  const started = Date.now();
  const env = { ...process.env, IMCTL_LAB_DIR: lab };
  // Where the lab's readiness is told to the test files (their workers cannot see this process).
  const ready = mkdtempSync(join(tmpdir(), 'imctl-lab-ready-'));
  process.env[LAB_READY_ENV] = ready;

  let unregister = (): void => {};
  let labUp: Promise<number>;
  if (existsSync(join(lab, 'lab.json'))) {
    execFileSync('bash', [labScript, 'up'], { stdio: ['ignore', 'inherit', 'inherit'], env });
    unregister = registerRun(lab, env, true);
    labUp = Promise.resolve(0);
  } else {
    labUp = provisionInBackground(env).then((code) => {
      if (code === 0) unregister = registerRun(lab, env, false);
      return code;
    });
  }
  const told = labUp.then((code) => {
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(
      `lab ${code === 0 ? 'ready' : `failed (lab.sh up exit ${code})`} in ${seconds.toFixed(1)} s\n`,
    );
    writeFileSync(join(ready, 'result.json'), JSON.stringify({ code, seconds }));
  });

  await buildIfStale();
  project.provide('labDir', lab);
  project.provide('labReady', ready);
  return async () => {
    await told;
    unregister();
    rmSync(ready, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    labDir: string;
    /** A folder where the global setup writes result.json once the lab is up (or could not be). */
    labReady: string;
  }
}
