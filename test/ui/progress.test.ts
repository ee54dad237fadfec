/**
 * The progress bar's library is loaded lazily; if it cannot be, the run goes on without a bar —
 * never an unhandled rejection, which Node turns into a crash (issue 33, item 4: what
 * no-floating-promises found).
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../../src/ui/output.js';
import { startProgress } from '../../src/ui/progress.js';

vi.mock('cli-progress', () => {
  throw new Error('cli-progress is not installed');
});

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
afterEach(() => void process.off('unhandledRejection', onUnhandled));

describe('startProgress on a terminal', () => {
  it('draws no bar and raises nothing when cli-progress cannot be loaded', async () => {
    process.on('unhandledRejection', onUnhandled);
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    const out = new Output({ stdin: new PassThrough(), stdout: new PassThrough(), stderr } as never, false, false);
    const progress = startProgress(out, 100, 'enable');
    progress.update(50, 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    progress.stop();
    expect(unhandled).toEqual([]);
  });
});
