/**
 * The admin's past runs, from their own journal folder: `imctl history` lists them, `imctl undo
 * --last` takes the newest. Only journals that are the admin's own (provenance.ts: in their
 * folder, theirs, writable by no one else, one link) count; anything else found there is named
 * with why, never read as a run of theirs.
 */
import { closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { journalDir, type JournalEnd, type JournalHeader } from './journal.js';
import { openJournal } from './provenance.js';
import { readJournal } from './read-journal.js';

export interface PastRun {
  journal: string;
  header: JournalHeader;
  /** Changes the DC confirmed, counted from the journal's lines. */
  changed: number;
  /** How it ended; undefined when the run was cut off before closing its journal. */
  end?: JournalEnd | undefined;
}

export interface History {
  runs: PastRun[];
  /** Files in the folder that are not the admin's own journals, or not journals: left out, with why. */
  leftOut: { journal: string; why: string }[];
}

/** Journal paths in the admin's folder, newest first (their names start with the run's UTC time). */
export function journalPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const folder = journalDir(env);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(
      `Cannot list the journal folder ${folder}: ${(error as NodeJS.ErrnoException).code}.`,
      'journal',
    );
  }
  return names
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .reverse()
    .map((name) => join(folder, name));
}

/** The newest `limit` of the admin's own runs, each read through the owned-file checks. */
export async function recentRuns(limit: number, env: NodeJS.ProcessEnv = process.env): Promise<History> {
  const history: History = { runs: [], leftOut: [] };
  for (const journal of journalPaths(env)) {
    if (history.runs.length >= limit) break;
    try {
      const { fd, provenance } = openJournal(journal, env);
      if (!provenance.own) {
        closeSync(fd);
        history.leftOut.push({ journal, why: provenance.why });
        continue;
      }
      const contents = await readJournal(journal, undefined, fd);
      history.runs.push({
        journal,
        header: contents.header,
        changed: contents.changes.filter((c) => c.type === 'change').length,
        end: contents.end,
      });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      history.leftOut.push({ journal, why: error.message });
    }
  }
  return history;
}

/** The newest journal that is the admin's own, opened for undo; a usage error when there is none. */
export function newestOwnJournal(
  env: NodeJS.ProcessEnv = process.env,
): ReturnType<typeof openJournal> & { path: string } {
  for (const path of journalPaths(env)) {
    let opened: ReturnType<typeof openJournal>;
    try {
      opened = openJournal(path, env);
    } catch (error) {
      if (error instanceof UsageError) continue;
      throw error;
    }
    if (opened.provenance.own) return { ...opened, path };
    closeSync(opened.fd);
  }
  throw new UsageError(
    `No journal of yours in ${journalDir(env)}: nothing to undo (a run that wrote nothing records none).`,
    'no-journal',
  );
}
