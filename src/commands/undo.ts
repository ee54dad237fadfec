/** `imctl undo JOURNAL`: put back what a recorded run changed (compare-and-set; entries changed since are left alone). */
import { UsageError } from '../core/errors.js';
import { newestOwnJournal } from '../journal/history.js';
import { openJournal } from '../journal/provenance.js';
import { readJournal } from '../journal/read-journal.js';
import { planUndo } from '../services/undo-plan.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';
import { plural } from '../core/words.js';

export interface UndoOptions extends WriteFlags {
  /** The newest of the admin's own journals (`imctl history` lists them). */
  last?: boolean;
}

export async function undoCommand(context: Context, given: string | undefined, options: UndoOptions): Promise<void> {
  checkWriteFlags(options);
  if ((given === undefined) === !options.last)
    throw new UsageError(
      given === undefined
        ? 'Name the journal to undo, or give --last for your newest ("imctl history" lists them).'
        : 'Give a journal or --last, not both.',
      'journal',
    );
  // Opened once, whose it is decided from that descriptor, and read from it — all before anything
  // connects: nothing swapped in while the bind runs is read, and no bind happens for a bad file.
  const { fd, provenance, path } =
    given === undefined ? newestOwnJournal(context.env) : { ...openJournal(given, context.env), path: given };
  if (options.last) context.out.info(`The newest of your journals: ${path}`);
  const journal = await readJournal(path, undefined, fd);
  for (const warning of journal.warnings) context.out.warn(warning);
  if (!provenance.own)
    context.out.info(
      `This journal is not one of your own (${provenance.why}): each "before" value is checked as enable would check it before it is written.`,
    );
  const directory = await context.directory();
  const { targets, notices } = await planUndo(directory, journal, { imDomain: context.settings.imDomain, provenance });
  for (const notice of notices) context.out.warn(notice);
  context.out.info(
    `Undoing ${journal.header.command} of ${journal.header.startedAt} on ${journal.header.server}: ${plural(journal.changes.length, 'recorded change')}.`,
  );
  await runWrite(context, directory, targets, { ...options, command: 'undo' });
}
