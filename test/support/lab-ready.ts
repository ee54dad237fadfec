/**
 * Setup file of the integration project: a lab file starts only once the lab is up. On a fresh
 * machine the global setup provisions it in the background while the unit tier runs; the first
 * lab file waits here. The summary reporter leaves this wait (a file's setup time) out of the
 * file's seconds and shows the lab's own time instead.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { labResult } from './lab-ready-file.js';

const folder = inject('labReady');
let result = labResult(folder);
while (!result) {
  await sleep(250);
  result = labResult(folder);
}
if (result.code !== 0) throw new Error(`the lab did not come up (lab.sh up exit ${result.code}); its output is above`);
