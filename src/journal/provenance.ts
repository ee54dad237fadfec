/**
 * Whose journal this is. Undo puts a journal's "before" values back exactly — including states
 * imctl would never write (a user on a deleted or a routing server, a private URL host) — only
 * when the file is one of the admin's own: written by imctl into the admin's own journal folder,
 * owned by the admin, writable by no one else, one link. Any other journal (mailed, in a shared
 * folder, planted) is a file the admin did not write: its values are checked (src/core/undo-check.ts).
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { journalDir } from './journal.js';

export type JournalProvenance = { own: true } | { own: false; why: string };

export function journalProvenance(path: string, env: NodeJS.ProcessEnv = process.env): JournalProvenance {
  const folder = journalDir(env);
  let here: string;
  let ours: string;
  try {
    here = realpathSync(dirname(path));
    ours = realpathSync(folder);
  } catch {
    return { own: false, why: `it is not in your journal folder ${folder}` };
  }
  if (here !== ours) return { own: false, why: `it is not in your journal folder ${folder}` };
  const file = lstatSync(path);
  if (!file.isFile()) return { own: false, why: 'it is not a regular file' };
  if (typeof process.getuid === 'function') {
    const uid = process.getuid();
    const dir = statSync(ours);
    if (dir.uid !== uid || (dir.mode & 0o022) !== 0)
      return { own: false, why: `your journal folder ${folder} is not yours alone` };
    if (file.uid !== uid) return { own: false, why: `it belongs to another user (uid ${file.uid})` };
    if ((file.mode & 0o022) !== 0) return { own: false, why: 'others can write to it' };
    if (file.nlink > 1) return { own: false, why: 'it has other names (hard links)' };
  }
  return { own: true };
}
