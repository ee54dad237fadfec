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
import { readUsersByGuid } from '../directory/users.js';
import { readJournal } from '../journal/read-journal.js';
import { executeTargets, type Target } from '../services/write-run.js';

export async function undoCommand(context: Context, path: string, options: WriteFlags): Promise<void> {
  const journal = await readJournal(path);
  const directory = await context.directory();
  const guids = [...new Set(journal.changes.map((c) => c.guid).filter((g) => /^[0-9a-f]{32}$/.test(g)))];
  const byGuid = await readUsersByGuid(directory, guids);

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
  // issue 16: another DC may not have received the journal's changes (entries look "as before") or a
  // newer change (compare-and-set cannot see it, and replication then lets the later write win).
  if (journal.header.server.toLowerCase() !== directory.endpoint.host.toLowerCase()) {
    context.out.warn(`This journal was written on ${journal.header.server}; this run is on ${directory.endpoint.host}. An entry that still shows its old values here may only not have received the change yet, and a change made since on another DC that has not reached ${directory.endpoint.host} can be overwritten when the DCs replicate. Undo on ${journal.header.server}, or once the DCs have replicated.`);
  }
  await executeTargets(context, directory, targets, { ...options, command: 'undo' });
}
