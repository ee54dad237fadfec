/**
 * Vitest global setup for the integration project: bring the lab DC up once per run (install,
 * provision and seed on a fresh machine; reuse a running lab), restore it to the seeded state,
 * and hand its facts to the tests.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const root = join(import.meta.dirname, '..', '..');

export default function setup(project: TestProject): void {
  const lab = process.env.IMCTL_LAB_DIR ?? join(root, '.lab');
  const started = Date.now();
  execFileSync('bash', [join(root, 'lab', 'lab.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, IMCTL_LAB_DIR: lab } });
  // Start from the seeded state even when a previous run left changes behind.
  execFileSync('bash', [join(root, 'lab', 'lab.sh'), 'restore'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, IMCTL_LAB_DIR: lab } });
  process.stderr.write(`lab ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  project.provide('labDir', lab);
  project.provide('labFacts', readFileSync(join(lab, 'lab.json'), 'utf8'));
}

declare module 'vitest' {
  export interface ProvidedContext {
    labDir: string;
    labFacts: string;
  }
}
