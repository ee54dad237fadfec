/**
 * Whose journal this is. Undo puts a journal's "before" values back exactly — including states
 * imctl would never write (a user on a deleted or a routing server, a private URL host) — only
 * when the file is one of the admin's own: written by imctl into the admin's own journal folder,
 * owned by the admin, writable by no one else, one link, in folders no one else controls. Any
 * other journal (mailed, in a shared folder, planted) is a file the admin did not write: its
 * values are checked (src/core/undo-check.ts).
 *
 * Decided on the open descriptor, before anything connects: a check by path after the read could
 * look at another file than the one read (a folder above swapped mid-undo).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { fileProblem, folderProblem } from '../io/owned-file.js';
import { hostPlatform } from '../platform/platform.js';
import { journalDir } from './journal.js';

export type JournalProvenance = { own: true } | { own: false; why: string };

/**
 * Open a journal for undo, once: never through a link at its name, and never waiting on a FIFO
 * (O_NONBLOCK); only a regular file is a journal. The caller reads `fd` (readJournal) and closes it.
 */
export function openJournal(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): { fd: number; provenance: JournalProvenance } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot read the journal ${path}: ${code === 'ELOOP' ? 'it is a symbolic link; give the journal itself' : (code ?? 'unreadable')}.`,
      'journal',
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw new UsageError(
        `${path} is not a regular file (a pipe, a device or a folder): not an imctl journal.`,
        'journal',
      );
    return { fd, provenance: journalProvenance(path, stat, env) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Whose journal the open file `stat` (opened at `path`) is. */
export function journalProvenance(
  path: string,
  stat: Stats,
  env: NodeJS.ProcessEnv = process.env,
  platform = hostPlatform(),
): JournalProvenance {
  const folder = journalDir(env);
  const elsewhere = { own: false, why: `it is not in your journal folder ${folder}` } as const;
  let ours: string;
  let there: Stats;
  try {
    ours = platform.realpath(folder);
    if (!platform.samePath(platform.realpath(dirname(path)), ours)) return elsewhere;
    there = lstatSync(join(ours, basename(path)));
  } catch {
    return elsewhere;
  }
  // The descriptor must be the file now at that name in the folder checked below.
  if (there.dev !== stat.dev || there.ino !== stat.ino)
    return { own: false, why: 'it was replaced while it was opened' };
  const uid = platform.uid;
  if (platform.security) {
    const problem = folderProblem(ours, false, platform);
    if (problem) return { own: false, why: `your journal folder ${folder} is not yours alone: ${problem}` };
  } else if (uid !== undefined) {
    const dir = lstatSync(ours);
    if (dir.uid !== uid || (dir.mode & 0o022) !== 0)
      return { own: false, why: `your journal folder ${folder} is not yours alone` };
    const above = folderProblem(dirname(ours), true);
    if (above) return { own: false, why: `a folder above your journal folder is not yours alone: ${above}` };
    if (stat.uid !== uid) return { own: false, why: `it belongs to another user (uid ${stat.uid})` };
  }
  const problem = fileProblem(stat, join(ours, basename(path)), platform);
  return problem ? { own: false, why: problem } : { own: true };
}
