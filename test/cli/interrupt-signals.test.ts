/**
 * Ctrl-Break (SIGBREAK) and a closed console (SIGHUP) on Windows stop a run as Ctrl-C does: the
 * writes in flight finish, the rest are reported as not sent, the journal is closed with its end
 * record, and the exit code is 130. Simulated: the signal is emitted while the in-memory directory
 * writes, with the platform passed to run(); on POSIX a hang-up keeps its own meaning.
 */
import { describe, expect, it } from 'vitest';
import { interruptSignals } from '../../src/platform/interrupt-signals.js';
import type { WriteOptions, WriteResult, WriteTask } from '../../src/services/directory-port.js';
import { journalOf } from '../support/journal-files.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, WEST, imctlOnMemory, person } from '../support/run-imctl.js';

/** A directory on which `signal` arrives once the first change has been written; it stops, as the LDAP writer does, when asked to. */
class SignalledDirectory extends MemoryDirectory {
  constructor(private readonly signal: NodeJS.Signals) {
    super([EAST, WEST], [person('ann', EAST), person('ben', EAST), person('cid', EAST)]);
  }

  override async write<T extends WriteTask>(
    tasks: Iterable<T>,
    options: WriteOptions,
    onResult: (task: T, result: WriteResult) => void,
  ): Promise<void> {
    for (const task of tasks) {
      if (options.signal?.aborted) break;
      await super.write([task], options, onResult);
      process.emit(this.signal);
    }
  }
}

describe('interruptSignals', () => {
  it.each([
    ['win32', ['SIGINT', 'SIGBREAK', 'SIGHUP']],
    ['linux', ['SIGINT']],
    ['darwin', ['SIGINT']],
  ] as const)('%s: %j', (os, signals) => {
    expect(interruptSignals(os)).toEqual(signals);
  });
});

describe('a stop signal during a write run', () => {
  it.each(['SIGBREAK', 'SIGHUP', 'SIGINT'] as const)('on Windows, %s is handled like Ctrl-C', async (signal) => {
    const run = await imctlOnMemory(['move', '--to=im-west', '--yes', '--', 'ann', 'ben', 'cid'], {
      directory: new SignalledDirectory(signal),
      os: 'win32',
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('imctl: interrupted; finishing the writes in flight, then stopping');
    expect(run.stderr).toMatch(/Interrupted: 1 change[d ]/);
    const journal = journalOf(run.stderr);
    expect(journal.changes).toHaveLength(1);
    expect(journal.end).toMatchObject({ type: 'end', outcome: 'interrupted' });
    // No listener is left behind for a later signal to force an exit with.
    expect(process.listenerCount(signal)).toBe(0);
  });

  it.each(['SIGBREAK', 'SIGHUP'] as const)("on Linux, %s is not imctl's to handle: the run goes on", async (signal) => {
    const run = await imctlOnMemory(['move', '--to=im-west', '--yes', '--', 'ann', 'ben', 'cid'], {
      directory: new SignalledDirectory(signal),
      os: 'linux',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('move: 3 changed, 0 unchanged, 0 failed.');
  });
});
