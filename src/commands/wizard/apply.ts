/**
 * The wizard's last steps: review exactly what will change, confirm (or see the equivalent
 * command first), and apply through the one write path; then the journal, the undo command and
 * the scripted command that does the same next time.
 */
import { Interrupted, PartialFailure } from '../../core/errors.js';
import type { ImServer } from '../../core/im-model.js';
import { serversByDn } from '../../core/server-ref.js';
import type { UserRecord } from '../../core/user-record.js';
import { pasteShellFor, shellWord } from '../../core/shell-words.js';
import { equivalentCommand, type WizardTask } from './equivalent-command.js';
import type { Target } from '../../services/write-run.js';
import { countPlans, countsLine, reviewLines } from '../../ui/review.js';
import { runWrite } from '../write-command.js';
import { plural, say, type WizardSession } from './session.js';

export interface ReviewSpec {
  command: 'enable' | 'disable' | 'move' | 'rebalance';
  heading: string;
  targets: Target[];
  /** What the plan warns about (disabled accounts, a server pushed over capacity): shown at the review. */
  notices?: readonly string[];
  users: UserRecord[];
  servers: readonly ImServer[];
  equivalent: WizardTask;
  detailLimit?: number;
}

export async function reviewAndApply(session: WizardSession, spec: ReviewSpec): Promise<void> {
  const { out, c } = session;
  const shell = pasteShellFor(session.context.os);
  const equivalent = equivalentCommand(spec.equivalent, shell);
  out.print();
  say(out, c.bold(spec.heading));
  const lines = reviewLines(spec.targets, {
    color: c,
    users: new Map(spec.users.map((u) => [u.dn.toLowerCase(), u])),
    servers: serversByDn(spec.servers),
    ...(spec.detailLimit !== undefined ? { detailLimit: spec.detailLimit } : {}),
  });
  for (const line of lines) say(out, line);
  const counts = countPlans(spec.targets);
  say(out, countsLine(counts));
  // The scripted commands print these as warnings; at the review they are what to read before "Apply".
  for (const notice of spec.notices ?? []) say(out, c.yellow(`⚠ ${notice}`));

  if (counts.write > 0) {
    for (;;) {
      const answer = await session.prompts.select<'apply' | 'command' | 'cancel'>({
        message: `Apply ${plural(counts.write, 'change')} on ${session.directory.dcHost}?`,
        // A large batch is not applied by a reflexive Enter: the cursor starts on "No".
        default: reviewDefault(counts.write),
        choices: [
          { value: 'apply', name: 'Yes, apply them' },
          { value: 'command', name: 'Show the equivalent imctl command first' },
          { value: 'cancel', name: 'No, cancel (nothing is written)' },
        ],
      });
      if (answer === 'apply') break;
      if (answer === 'cancel') throw new Interrupted('Cancelled at the review: nothing was written.');
      out.print(`  ${equivalent}`);
    }
  } else {
    say(out, c.dim('Nothing to write.'));
  }

  out.print();
  try {
    // Confirmed above: the write path must not ask again. It prints every outcome (failures with their reasons) and the summary.
    const { journal } = await runWrite(session.context, session.directory, spec.targets, {
      command: spec.command,
      yes: true,
    });
    // The journal was named on stderr as the run started.
    if (journal) out.print(c.dim(`To put it all back: imctl undo ${shellWord(journal, shell)}`));
    out.print(c.dim(`Next time, without the wizard: ${equivalent}`));
  } catch (error) {
    if (error instanceof PartialFailure) {
      say(
        out,
        c.yellow('What to do: fix what each failure above says, then run the wizard again (or the command below).'),
      );
      say(
        out,
        c.yellow(
          'Users already done show as "unchanged"; nothing is written twice. The journal named above records what changed.',
        ),
      );
      out.print(c.dim(`  ${equivalent}`));
    }
    throw error;
  }
}

/** Past this many changes the review's question starts on "No". */
export const LARGE_BATCH = 50;

/** Where the cursor starts at "Apply N changes?": Yes for a few, No for a large batch. */
export function reviewDefault(writes: number): 'apply' | 'cancel' {
  return writes > LARGE_BATCH ? 'cancel' : 'apply';
}
