/**
 * `imctl rebalance`: plan — and with --apply carry out — the fewest moves that bring every home
 * server within capacity, through the same compare-and-set write path as `move`.
 */
import { UsageError } from '../core/errors.js';
import { infeasibleError, planRebalanceRun, rebalancePlanJson } from '../services/rebalance-plan.js';
import { withSpinner } from '../ui/progress.js';
import { renderRebalancePlan } from '../ui/rebalance-view.js';
import { printFitted } from '../ui/wrap.js';
import { plural } from '../core/words.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';

export interface RebalanceOptions extends WriteFlags {
  even?: boolean;
  drain?: string[];
  exclude?: string[];
  maxMoves?: number;
  apply?: boolean;
}

export async function rebalanceCommand(context: Context, options: RebalanceOptions): Promise<void> {
  checkWriteFlags(options, context.settings.json);
  const { out } = context;
  // Without --apply (or --ldif) nothing runs, so a report would never be written: say so up front.
  if (options.report !== undefined && !options.apply && options.ldif === undefined) {
    throw new UsageError(
      '--report records what --apply does: add --apply (with --dry-run to see every planned move in the report without writing).',
      'report-without-apply',
    );
  }
  const directory = await context.directory();
  // The plan keeps a few strings per homed user and reads the rest a page at a time: a lean heap
  // keeps V8 from growing on the pages' garbage (src/cli/heap-mode.ts).
  const whileStreaming = context.whileStreaming ?? ((work) => work());
  const { plan, names, moveTargets, activity, notices, excluded } = await whileStreaming(() =>
    withSpinner(
      out,
      'Reading every homed user to plan the moves',
      planRebalanceRun(directory, context.settings, options),
    ),
  );
  if (activity?.warning) out.warn(activity.warning);
  for (const notice of notices) out.info(notice);
  // Under --json the infeasible plan travels inside the error's one JSON document.
  if (!plan.feasible) throw infeasibleError(plan, excluded);

  const writing = !!options.apply || options.ldif !== undefined;
  // With --json and writes, the plan travels inside the one JSON document the write run prints.
  // `--ldif -` and `--report -` own stdout while writing.
  if (!(out.json && writing) && options.ldif !== '-' && !(writing && options.report === '-'))
    renderRebalancePlan(out, plan, names, !!options.even);
  if (!writing) {
    if (!out.json)
      printFitted(
        out,
        plan.moves.length > 0
          ? out.color.dim('Nothing written: add --apply to carry out this plan (or --ldif FILE for ldapmodify).')
          : 'Every home server is within capacity: nothing to do.',
      );
    return;
  }
  const { targets } = await withSpinner(out, `Reading the ${plural(plan.moves.length, 'user')} to move`, moveTargets());
  await runWrite(context, directory, targets, {
    ...options,
    command: 'rebalance',
    // The plan's keys beside the run's (results, summary, journal), as rebalance without --apply prints them.
    jsonExtra: rebalancePlanJson(plan, names),
  });
}
