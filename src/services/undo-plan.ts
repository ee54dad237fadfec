/**
 * Undo as targets for the write path: every entry a journal recorded, found by objectGUID (DNs
 * change on rename), put back to its "before" values with compare-and-set — unless it changed
 * since, which is reported and left alone. Undoing twice changes nothing.
 *
 * A journal is a file, so it is read as hostile (docs/security.md): each GUID must be a user under
 * the base DN and a journal of another domain is refused. The admin's own journals (written by
 * imctl into their own journal folder, src/journal/provenance.ts) are put back exactly, odd states
 * included; any other journal's "before" values must be ones imctl itself could have written
 * (src/core/undo-check.ts).
 */
import { UsageError } from '../core/errors.js';
import { canonicalDn } from '../core/escape.js';
import { sameState, splitAddress } from '../core/im-model.js';
import { compareAndSetOps } from '../core/mod-ops.js';
import type { UserPlan } from '../core/provision.js';
import { restoreProblem } from '../core/undo-check.js';
import type { JournalProvenance } from '../journal/provenance.js';
import type { JournalContents } from '../journal/read-journal.js';
import type { DirectoryPort } from './directory-port.js';
import { sampleImDomains } from './im-domains.js';
import type { Target } from './write-run.js';

export interface UndoOptions {
  /** The configured IM domain: restorable even if no address in the directory uses it yet. */
  imDomain?: string | undefined;
  /** Whose file the journal is; a journal of unknown origin is checked as foreign. */
  provenance?: JournalProvenance;
}

/** At most this many "the journal's DN differs" notices are listed one by one. */
const RENAMES_SHOWN = 5;

export async function planUndo(
  directory: DirectoryPort,
  journal: JournalContents,
  options: UndoOptions = {},
): Promise<{ targets: Target[]; notices: string[] }> {
  const { header } = journal;
  if (header.domain !== undefined && canonicalDn(header.domain) !== canonicalDn(directory.domainDn)) {
    throw new UsageError(
      `This journal was written in the domain ${header.domain}; this run is connected to ${directory.domainDn}. Nothing was written: undo it against a DC of ${header.domain}.`,
      'journal-domain',
    );
  }
  const guids = [...new Set(journal.changes.map((c) => c.guid).filter((g) => /^[0-9a-f]{32}$/.test(g)))];
  const [byGuid, servers, inUse] = await Promise.all([
    directory.usersByGuid(guids),
    directory.servers(),
    sampleImDomains(directory),
  ]);
  const notices: string[] = [];
  if (header.domain === undefined)
    notices.push(
      'This journal does not name its domain (written by an older imctl): its entries are found by objectGUID in the domain this run is connected to.',
    );
  // Another DC may not have received the journal's changes yet (entries look "as before"), nor a
  // newer change made elsewhere (compare-and-set cannot see it, and replication lets the later write win).
  const here = directory.dcHost.toLowerCase();
  if (header.server.toLowerCase() !== here) {
    notices.push(
      `This journal was written on ${header.server}; this run is on ${directory.dcHost}. An entry that still shows its old values here may only not have received the change yet, and a change made since on another DC that has not reached ${directory.dcHost} can be overwritten when the DCs replicate. Undo on ${header.server}, or once the DCs have replicated.`,
    );
  }
  const knownDomains = new Set([...inUse.counts.keys(), ...(options.imDomain ? [options.imDomain.toLowerCase()] : [])]);
  const renamed: string[] = [];
  const provenance = options.provenance ?? { own: false, why: 'its origin is unknown' };
  const foreignWhy = provenance.own
    ? ''
    : `this journal is not one of your own, ${provenance.why}: only your own journals are put back exactly as written`;
  // Newest change first, so an entry changed twice in one run ends at its oldest "before".
  const targets = [...journal.changes].reverse().map((change) => {
    const user = byGuid.get(change.guid);
    const base = {
      line: change.line,
      name: user?.sAMAccountName || change.dn,
      action: 'undo',
      dn: user?.dn ?? change.dn,
      guid: change.guid,
    };
    if (user && canonicalDn(user.dn) !== canonicalDn(change.dn))
      renamed.push(`line ${change.line}: the journal says ${change.dn}; objectGUID ${change.guid} is ${user.dn}`);
    const ownDomain = splitAddress(user?.im.msExchIMAddress)?.imDomain;
    const problem =
      user &&
      !provenance.own &&
      restoreProblem(change.before, user, {
        servers,
        imDomains: ownDomain ? new Set([...knownDomains, ownDomain]) : knownDomains,
      });
    let plan: UserPlan;
    if (!user)
      plan = {
        kind: 'failed',
        reason: `no user with objectGUID ${change.guid} under ${directory.baseDn} (deleted, outside the base DN, or not a user account); left alone`,
      };
    else if (problem)
      plan = {
        kind: 'failed',
        reason: `the journal's "before" values cannot be written: ${problem}; left alone (${foreignWhy})`,
      };
    else if (sameState(user.im, change.before)) plan = { kind: 'unchanged' };
    else if (sameState(user.im, change.after))
      plan = { kind: 'write', before: user.im, after: change.before, ops: compareAndSetOps(user.im, change.before) };
    else
      plan = {
        kind: 'failed',
        reason: 'changed since the journal was written; left alone (use "imctl show" to see its state)',
      };
    return { ...base, plan };
  });
  if (renamed.length > 0) {
    const more = renamed.length > RENAMES_SHOWN ? ` (and ${renamed.length - RENAMES_SHOWN} more)` : '';
    notices.push(
      `${renamed.length} entr${renamed.length === 1 ? 'y has' : 'ies have'} another DN than the journal records (renamed or moved since, or a journal that was edited); undo acts on the entry the objectGUID names: ${renamed.slice(0, RENAMES_SHOWN).join('; ')}${more}.`,
    );
  }
  return { targets, notices };
}
