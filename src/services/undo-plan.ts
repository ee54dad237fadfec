/**
 * Undo as targets for the write path: every entry a journal recorded, found by objectGUID (DNs
 * change on rename), put back to its "before" values with compare-and-set — unless it changed
 * since, which is reported and left alone. Undoing twice changes nothing.
 */
import { sameState } from '../core/im-model.js';
import { compareAndSetOps } from '../core/mod-ops.js';
import type { UserPlan } from '../core/provision.js';
import type { JournalContents } from '../journal/read-journal.js';
import type { DirectoryPort } from './directory-port.js';
import type { Target } from './write-run.js';

export async function planUndo(directory: DirectoryPort, journal: JournalContents): Promise<{ targets: Target[]; notices: string[] }> {
  const guids = [...new Set(journal.changes.map((c) => c.guid).filter((g) => /^[0-9a-f]{32}$/.test(g)))];
  const byGuid = await directory.usersByGuid(guids);
  const notices: string[] = [];
  // Another DC may not have received the journal's changes yet (entries look "as before"), nor a
  // newer change made elsewhere (compare-and-set cannot see it, and replication lets the later write win).
  const here = directory.dcHost.toLowerCase();
  if (journal.header.server.toLowerCase() !== here) {
    notices.push(`This journal was written on ${journal.header.server}; this run is on ${directory.dcHost}. An entry that still shows its old values here may only not have received the change yet, and a change made since on another DC that has not reached ${directory.dcHost} can be overwritten when the DCs replicate. Undo on ${journal.header.server}, or once the DCs have replicated.`);
  }
  // Newest change first, so an entry changed twice in one run ends at its oldest "before".
  const targets = [...journal.changes].reverse().map((change) => {
    const user = byGuid.get(change.guid);
    const base = { line: change.line, name: user?.sAMAccountName || change.dn, action: 'undo', dn: user?.dn ?? change.dn, guid: change.guid };
    let plan: UserPlan;
    if (!user) plan = { kind: 'failed', reason: `the entry (objectGUID ${change.guid}) no longer exists in ${directory.baseDn}` };
    else if (sameState(user.im, change.before)) plan = { kind: 'unchanged' };
    else if (sameState(user.im, change.after)) plan = { kind: 'write', before: user.im, after: change.before, ops: compareAndSetOps(user.im, change.before) };
    else plan = { kind: 'failed', reason: 'changed since the journal was written; left alone (use "imctl show" to see its state)' };
    return { ...base, plan };
  });
  return { targets, notices };
}
