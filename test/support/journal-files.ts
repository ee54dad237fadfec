/**
 * Reading the journals a run wrote, as a test checks them: one JSON record per line, the run's
 * header first (`type: 'run'`), then a record per write (`change`, `unconfirmed`, …), then, for a
 * run that ended, its counts and outcome (`type: 'end'`).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A journal line; the fields a test reads are typed loosely, as the file holds them. */
export type JournalRecord = Record<string, any> & { type: string };

/** Every record of the journal at `path`, header first. */
export function journalRecords(path: string): JournalRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalRecord);
}

/** The change records (`change`) of a journal, in the order written. */
export const journalChanges = (path: string): JournalRecord[] =>
  journalRecords(path).filter((r) => r.type === 'change');

/** The journal folder of runs made with `env` (imctlEnv's private XDG_STATE_HOME). */
export const journalDir = (env: NodeJS.ProcessEnv): string => join(env.XDG_STATE_HOME!, 'imctl', 'journal');

/** The journal files runs with `env` wrote, oldest first (names start with the time). */
export function journalFiles(env: NodeJS.ProcessEnv): string[] {
  const dir = journalDir(env);
  return existsSync(dir)
    ? readdirSync(dir)
        .sort()
        .map((name) => join(dir, name))
    : [];
}

/** The journal a run names on stderr (`Journal: PATH`), read whole: header, writes, end record. */
export function journalOf(stderr: string): {
  path: string;
  header: JournalRecord;
  changes: JournalRecord[];
  end: JournalRecord | undefined;
} {
  const path = /Journal: (\S+)/.exec(stderr)?.[1];
  if (!path) throw new Error(`no journal in:\n${stderr}`);
  const [header, ...records] = journalRecords(path);
  const end = records.at(-1)?.type === 'end' ? records.pop() : undefined;
  return { path, header: header!, changes: records, end };
}

/** Poll the first journal in `dir` until it holds `n` changes; false if the run ended first. */
export async function whenJournaled(dir: string, n: number, running: () => boolean): Promise<boolean> {
  while (running()) {
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const lines = files.length ? readFileSync(join(dir, files[0]!), 'utf8').split('\n').length - 2 : 0;
    if (lines >= n) return true;
    await sleep(10);
  }
  return false;
}
