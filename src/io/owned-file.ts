/**
 * Files imctl trusts because the user wrote them (config files, the CA, journals), opened the one
 * safe way: once, then the open descriptor and every folder above it are checked, and only that
 * descriptor is read. Checking a path and opening it again lets another user of the machine swap
 * what is there in between (a symlink flipped in a shared folder), and a folder another user can
 * write lets them replace the file whatever the file's own mode (docs/security.md, section 4).
 *
 * Owner and mode checks are POSIX only: on Windows (no process.getuid) `posixUid` is undefined and
 * every check here is skipped — ACLs, not modes; this is the one place that decides it.
 */
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The user's uid, or undefined where owners and modes mean nothing (Windows): the checks are then skipped. */
export function posixUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** A file or folder someone else could have written; the message ends a sentence ("…: it belongs to another user"). */
export class UnsafeFileError extends Error {}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
// A FIFO planted where a file should be would block open() until someone writes to it.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const mine = (uid: number, owner: number) => owner === uid || owner === 0; // root can change anything anyway
const octal = (mode: number) => (mode & 0o7777).toString(8);
const writers = (mode: number) => (mode & 0o002 ? 'anyone on this machine' : 'its group');

/** Why the file behind a descriptor may not be the user's own writing (regular, theirs or root's, not group/other-writable, one name). */
export function fileProblem(stat: Stats): string | undefined {
  if (!stat.isFile()) return 'it is not a regular file';
  const uid = posixUid();
  if (uid === undefined) return undefined;
  if (!mine(uid, stat.uid)) return `it belongs to another user (uid ${stat.uid})`;
  if (stat.mode & 0o022) return `${writers(stat.mode)} can change it (mode ${octal(stat.mode)})`;
  // A second name is a way to the same file through folders not checked here.
  if (stat.nlink > 1) return 'it has other names (hard links)';
  return undefined;
}

/**
 * Why someone other than the user or root could change what is in `folder` (a real path), or
 * undefined: it and every folder above it must be theirs or root's and not group/other-writable.
 * Above `folder` (and in it, with `stickyHere`) a sticky folder such as /tmp is allowed: others
 * can add names there but not rename or replace the user's.
 */
export function folderProblem(folder: string, stickyHere = false): string | undefined {
  const uid = posixUid();
  if (uid === undefined) return undefined;
  for (let dir = folder, here = true; ; here = false) {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return `${dir} is not a folder`; // a link swapped in since it was resolved
    if (!mine(uid, stat.uid)) return `the folder ${dir} belongs to another user (uid ${stat.uid})`;
    if (stat.mode & 0o022 && !(stat.mode & 0o1000 && (stickyHere || !here)))
      return `${writers(stat.mode)} can write to the folder ${dir} (mode ${octal(stat.mode)})`;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface OpenedFile {
  fd: number;
  stat: Stats;
  /** The real path that was opened (links in the folders resolved). */
  path: string;
}

/**
 * Open a file the user must own, once, and check the descriptor and its folders (UnsafeFileError
 * when they fail; the caller closes `fd`). `links`: 'refuse' for a name someone else may have
 * chosen (a project's imctl.json comes with a cloned repository, symlinks included); 'resolve'
 * for a file the user points at (config.json in a dotfiles folder, a CA under /etc/ssl/certs):
 * resolved once, in a folder that must be safe, and its target checked like any file.
 */
export function openOwnedFile(path: string, links: 'refuse' | 'resolve'): OpenedFile {
  const folder = realpathSync(dirname(path));
  let real = join(folder, basename(path));
  if (links === 'resolve') {
    const target = realpathSync(real);
    // The link is only as safe as the folder it sits in.
    if (target !== real) throwIf(folderProblem(folder));
    real = target;
  }
  let fd: number;
  try {
    // The folders are resolved; the name is opened without following a link swapped in since.
    fd = openSync(real, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new UnsafeFileError('it is a symbolic link, which imctl does not follow here (give the file itself)');
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    throwIf(fileProblem(stat) ?? folderProblem(dirname(real)));
    return { fd, stat, path: real };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Open a file the user named on the command line as it is: links followed, and a pipe or a process
 * substitution (`<(pass show x)`, a /dev/fd link) read — no O_NONBLOCK, its writer may not have
 * started. Still opened once: what was checked (the caller's checks on `stat`) is what is read.
 */
export function openNamedFile(path: string): OpenedFile {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    return { fd, stat: fstatSync(fd), path };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Up to `max` + 1 bytes from `fd` (one more than allowed says the file is too big); never unbounded, even on /dev/zero. */
export function readUpTo(fd: number, max: number): Buffer {
  const buffer = Buffer.alloc(max + 1);
  let length = 0;
  for (let n = 1; n > 0 && length < buffer.length; length += n)
    n = readSync(fd, buffer, length, buffer.length - length, null);
  return buffer.subarray(0, length);
}

/** A CA bundle is at most a few hundred KB (Mozilla's whole store is ~220 KB). */
const MAX_CA_BYTES = 16 * 1024 * 1024;

/**
 * The CA file's bytes (src/directory/connection.ts): it decides whom the bind password is sent to,
 * so it must be the user's or root's in folders only they can change. Errors say why, after
 * "Cannot read the CA file PATH: ".
 */
export function readCaFile(path: string): Buffer {
  const { fd } = openOwnedFile(path, 'resolve');
  try {
    const bytes = readUpTo(fd, MAX_CA_BYTES);
    if (bytes.length > MAX_CA_BYTES) throw new Error(`it is larger than ${MAX_CA_BYTES} bytes, which no CA file is`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * Make `dir` a folder of the user's own, owner-only (journals): missing folders are created 0700,
 * after the folders above that exist have been checked; an existing one is tightened through a
 * descriptor opened without following a link, so a link planted there never turns someone else's
 * folder owner-only. Returns its real path; UnsafeFileError if another user controls it or a
 * folder above it.
 */
export function privateFolder(dir: string): string {
  let existing = dirname(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  throwIf(folderProblem(realpathSync(existing), true)); // before creating anything in it
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const real = join(realpathSync(dirname(dir)), basename(dir));
  const uid = posixUid();
  if (uid === undefined) return real;
  throwIf(folderProblem(dirname(real), true)); // again, with what was just created
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') throw new UnsafeFileError(`${real} is a symbolic link or not a folder`);
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (stat.uid !== uid) throw new UnsafeFileError(`it belongs to another user (uid ${stat.uid})`);
    if (stat.mode & 0o077) fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
  return real;
}

function throwIf(problem: string | undefined): void {
  if (problem !== undefined) throw new UnsafeFileError(problem);
}
