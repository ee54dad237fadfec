/**
 * Bulk writes: one compare-and-set ModifyRequest per entry, a bounded window of them in flight
 * on the one bound connection, back-off on busy/unavailable, and reconnect-and-resume after a
 * dropped connection. After a loss, the entry is re-read to learn whether the write landed, so
 * nothing is done twice and nothing is reported done that was not.
 */
import { IM_ATTRIBUTES, sameState, type ImState } from '../core/im-model.js';
import type { WriteOptions, WriteResult, WriteTask } from '../services/directory-port.js';

export type { WriteOptions, WriteResult, WriteTask };
import { DirectoryError } from '../core/errors.js';
import { RETRIES, backoffMs, sleep } from './backoff.js';
import type { LdapConnection } from './connection.js';
import { isBusy, isConnectionLoss, resultCodeOf, translateError } from './errors.js';
import { toUserRecord, USER_ATTRIBUTES } from './users.js';

/** Thrown by writeOne when a sent write cannot be confirmed and the run cannot go on: `cause` stops the run. */
export class WriteInDoubt extends Error {
  constructor(override readonly cause: unknown) {
    super(`in doubt: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Apply tasks with at most `concurrency` in flight; `onResult` sees each task's result as it settles. */
export async function applyWrites<T extends WriteTask>(
  directory: LdapConnection,
  tasks: Iterable<T> | AsyncIterable<T>,
  options: WriteOptions,
  onResult: (task: T, result: WriteResult) => void | Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown;
  for await (const task of tasks as AsyncIterable<T>) {
    if (options.signal?.aborted || fatal) break;
    const running: Promise<void> = writeOne(directory, task)
      .then((result) => onResult(task, result))
      .catch(async (error) => {
        if (error instanceof WriteInDoubt) {
          // Say so for this entry (report, journal), then stop the run.
          fatal ??= error.cause;
          await onResult(task, {
            outcome: 'unknown',
            reason: error.cause instanceof Error ? error.cause.message : String(error.cause),
          });
          return;
        }
        fatal ??= error;
      })
      .catch((error) => {
        fatal ??= error;
      })
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (fatal) throw fatal;
}

/** One entry's write, with retries that never apply it twice. Throws only when the run cannot go on. */
export async function writeOne(directory: LdapConnection, task: WriteTask): Promise<WriteResult> {
  let retried = false;
  /** A request for this entry went out and its fate is not known yet (no answer, no re-read). */
  let unanswered = false;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    try {
      await directory.modifyOnce(task.dn, task.ops, () => (unanswered = true));
      return { outcome: 'changed' };
    } catch (error) {
      if (isConnectionLoss(error) || isBusy(error)) {
        retried = true;
        // Busy/unavailable is an answer: the DC did not apply the request.
        if (isBusy(error)) unanswered = false;
        await sleep(backoffMs(attempt));
        // Did the lost request land? Re-read (this reconnects and re-binds first).
        let now: ImState | undefined;
        try {
          now = await readImState(directory, task.dn);
        } catch (readError) {
          // The DC cannot be asked: if a request went out, the entry may or may not be changed.
          throw unanswered ? new WriteInDoubt(readError) : readError;
        }
        unanswered = false;
        if (now === undefined) return { outcome: 'failed', reason: 'the entry no longer exists' };
        if (sameState(now, task.after)) return { outcome: 'changed' };
        if (!sameState(now, task.before)) return { outcome: 'failed', reason: concurrentChange(now) };
        continue;
      }
      const sent = unanswered;
      unanswered = false;
      const code = resultCodeOf(error);
      if (code === 16 || code === 20 || code === 19) {
        // Compare-and-set lost: someone changed the entry since it was read.
        const now = await readImState(directory, task.dn);
        if (retried && now && sameState(now, task.after)) return { outcome: 'changed' };
        if (now && sameState(now, task.before)) {
          return {
            outcome: 'failed',
            reason: `the DC refused the change although the entry is as read (${(error as Error).message.split('\n')[0]}); nothing was written`,
          };
        }
        return { outcome: 'failed', reason: now ? concurrentChange(now) : 'the entry no longer exists' };
      }
      // noSuchObject on a modify is about the entry, not the search base: say so.
      if (code === 32)
        return {
          outcome: 'failed',
          reason: 'the entry no longer exists (deleted or renamed since it was read); nothing was written',
        };
      const translated = translateError(error, { server: directory.endpoint.host, doing: `modifying ${task.dn}` });
      // Sent and then the run had to stop: the entry may or may not be changed.
      if (isRunFatal(translated)) throw sent ? new WriteInDoubt(translated) : translated;
      return { outcome: 'failed', reason: translated.message };
    }
  }
  return {
    outcome: 'failed',
    reason: `${directory.endpoint.host} did not accept the change after ${RETRIES + 1} attempts; re-run to finish`,
  };
}

function concurrentChange(now: ImState): string {
  const shown = IM_ATTRIBUTES.filter((a) => now[a] !== undefined).map((a) => `${a}=${now[a]}`);
  return `changed by someone else since it was read (now ${shown.length ? shown.join(', ') : 'not IM-enabled'}); nothing was overwritten — re-run to act on the current state`;
}

/** Errors that no other entry would escape either: stop the run rather than fail every row. */
function isRunFatal(error: DirectoryError): boolean {
  return error.reason === 'insufficient-access'
    ? false
    : [
        'bad-password',
        'locked-out',
        'tls',
        'no-dc',
        'closed',
        'strong-auth-required',
        'sasl-layer',
        'protocol-violation',
      ].includes(error.reason);
}

export async function readImState(directory: LdapConnection, dn: string): Promise<ImState | undefined> {
  const entry = await directory.readEntry(dn, { attributes: USER_ATTRIBUTES, buffers: ['objectGUID'] });
  return entry ? toUserRecord(entry).im : undefined;
}
