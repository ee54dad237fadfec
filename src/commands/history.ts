/** `imctl history`: the admin's recent runs from their own journal folder, newest first. */
import { recentRuns, type PastRun } from '../journal/history.js';
import { renderTable } from '../ui/table.js';
import type { Context } from './command-context.js';

export interface HistoryOptions {
  limit?: number;
}

/** How a run ended, in one word; `cut-off` when its journal was never closed. */
export function endedAs(run: PastRun): string {
  return run.end?.outcome ?? 'cut-off';
}

export async function historyCommand(context: Context, options: HistoryOptions): Promise<void> {
  const { out, env } = context;
  const { runs, leftOut } = await recentRuns(options.limit ?? 20, env);
  for (const { journal, why } of leftOut) out.warn(`Left out ${journal}: ${why}`);
  if (out.json) {
    out.printJson({
      runs: runs.map((run) => ({
        startedAt: run.header.startedAt,
        command: run.header.command,
        domainController: run.header.server,
        boundAs: run.header.boundAs ?? null,
        summary: {
          changed: run.end?.changed ?? run.changed,
          unchanged: run.end?.unchanged ?? null,
          failed: run.end?.failed ?? null,
        },
        ended: endedAs(run),
        journal: run.journal,
      })),
    });
    return;
  }
  if (runs.length === 0) {
    out.print('No runs recorded yet: each run that writes leaves a journal, and none is in your journal folder.');
    return;
  }
  const count = (n: number | undefined) => (n === undefined ? '-' : n.toLocaleString('en-US'));
  out.print(
    renderTable(
      out.color,
      ['Started (UTC)', 'Command', 'Changed', 'Unchanged', 'Failed', 'Ended', 'Journal'],
      runs.map((run) => [
        run.header.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ''),
        run.header.command,
        count(run.end?.changed ?? run.changed),
        count(run.end?.unchanged),
        count(run.end?.failed),
        endedAs(run),
        run.journal,
      ]),
      ['left', 'left', 'right', 'right', 'right', 'left', 'left'],
    ),
  );
  if (runs.some((run) => !run.end))
    out.print(
      'cut-off: the run stopped before closing its journal (killed, or a crash); "imctl undo JOURNAL" still puts back what it records.',
    );
}
