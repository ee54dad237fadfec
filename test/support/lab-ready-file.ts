/**
 * How the integration global setup (main process) and the lab files (workers) share the lab's
 * readiness: a private folder holding result.json ({ code, seconds }) once `lab.sh up` is done.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set by the global setup in the main process, so the summary reporter can find the folder. */
export const LAB_READY_ENV = 'IMCTL_TEST_LAB_READY';

export interface LabResult {
  code: number;
  seconds: number;
}

/** The outcome of `lab.sh up`, or undefined while it runs. */
export function labResult(folder: string | undefined): LabResult | undefined {
  const file = folder && join(folder, 'result.json');
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LabResult) : undefined;
}
