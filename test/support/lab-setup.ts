/**
 * Vitest global setup for the integration project: bring the lab DC up once per run (install,
 * provision and seed on a fresh machine; reuse a running lab), return it to the seeded state,
 * and hand its facts to the tests. Tests put their own data in their own OUs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const root = join(import.meta.dirname, '..', '..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default function setup(project: TestProject): () => void {
  const lab = process.env.IMCTL_LAB_DIR ?? join(root, '.lab');
  const started = Date.now();
  const env = { ...process.env, IMCTL_LAB_DIR: lab };
  execFileSync('bash', [join(root, 'lab', 'lab.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'], env });

  // Restoring the seeded state would pull the floor from under another test run on this machine
  // (a developer's second terminal): only restore when no other run is registered.
  const runs = join(lab, 'test-runs');
  mkdirSync(runs, { recursive: true });
  const others = readdirSync(runs)
    .map(Number)
    .filter((pid) => pid !== process.pid && (alive(pid) || (rmSync(join(runs, String(pid)), { force: true }), false)));
  writeFileSync(join(runs, String(process.pid)), '');
  if (others.length === 0)
    execFileSync('bash', [join(root, 'lab', 'lab.sh'), 'restore'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  else process.stderr.write(`lab: another test run (pid ${others.join(', ')}) is using the lab; not restoring it\n`);

  process.stderr.write(`lab ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  project.provide('labDir', lab);
  project.provide('labFacts', readFileSync(join(lab, 'lab.json'), 'utf8'));
  return () => rmSync(join(runs, String(process.pid)), { force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    labDir: string;
    labFacts: string;
  }
}
