/**
 * `imctl undo JOURNAL`: put back the "before" values of every entry a run changed. Entries are
 * found by objectGUID (DNs change on rename); each is restored with compare-and-set, so an entry
 * changed since the run is reported and left alone. Undoing twice changes nothing.
 */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { sameState } from '../core/im-model.js';
import { compareAndSetOps } from '../core/mod-ops.js';
import type { UserPlan } from '../core/provision.js';
import type { UserRecord } from '../core/user-record.js';
import { USER_ATTRIBUTES, toUserRecord } from '../directory/users.js';
import { readJournal } from '../journal/read-journal.js';
import { executeTargets, type Target } from '../services/write-run.js';

const GUIDS_PER_SEARCH = 100;

/** objectGUID as a filter value: every byte escaped (RFC 4515 allows any octet as \XX). */
export function guidFilterValue(hex: string): string {
  return hex.replace(/(..)/g, '\\$1');
}

export async function undoCommand(context: Context, path: string, options: WriteFlags): Promise<void> {
  const journal = await readJournal(path);
  const directory = await context.directory();
  const guids = [...new Set(journal.changes.map((c) => c.guid).filter((g) => /^[0-9a-f]{32}$/.test(g)))];
  const batches: string[][] = [];
  for (let i = 0; i < guids.length; i += GUIDS_PER_SEARCH) batches.push(guids.slice(i, i + GUIDS_PER_SEARCH));
  const found = await Promise.all(
    batches.map((batch) =>
      directory.searchAll(directory.baseDn, {
        filter: `(|${batch.map((g) => `(objectGUID=${guidFilterValue(g)})`).join('')})`,
        attributes: USER_ATTRIBUTES,
        buffers: ['objectGUID'],
      }),
    ),
  );
  const byGuid = new Map<string, UserRecord>(found.flat().map((e) => toUserRecord(e)).map((u) => [u.guid, u]));

  // Newest change first, so an entry changed twice in one run ends at its oldest "before".
  const targets: Target[] = [...journal.changes].reverse().map((change) => {
    const user = byGuid.get(change.guid);
    const base = { line: change.line, name: user?.sAMAccountName || change.dn, action: 'undo', dn: user?.dn ?? change.dn, guid: change.guid };
    let plan: UserPlan;
    if (!user) plan = { kind: 'failed', reason: `the entry (objectGUID ${change.guid}) no longer exists in ${directory.baseDn}` };
    else if (sameState(user.im, change.before)) plan = { kind: 'unchanged' };
    else if (sameState(user.im, change.after)) plan = { kind: 'write', before: user.im, after: change.before, ops: compareAndSetOps(user.im, change.before) };
    else plan = { kind: 'failed', reason: 'changed since the journal was written; left alone (use "imctl show" to see its state)' };
    return { ...base, plan };
  });
  context.out.info(`Undoing ${journal.header.command} of ${journal.header.startedAt} on ${journal.header.server}: ${journal.changes.length} recorded change(s).`);
  await executeTargets(context, directory, targets, { ...options, command: 'undo' });
}
