/**
 * Files imctl trusts because the user wrote them (config files, the CA, journals), opened the one
 * safe way: once, then the open descriptor and every folder above it are checked, and only that
 * descriptor is read. Checking a path and opening it again lets another user of the machine swap
 * what is there in between (a symlink flipped in a shared folder), and a folder another user can
 * write lets them replace the file whatever the file's own mode (docs/security.md, section 4).
 *
 * POSIX checks owners (uids) and modes; Windows owners (SIDs) and DACLs, through the platform's
 * FileSecurityPort (src/io/windows-file-checks.ts). The platform is passed in (src/platform/platform.ts),
 * so the Windows paths run in the unit tier on any machine.
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
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostPlatform } from '../platform/platform.js';
import { windowsProblem } from './windows-file-checks.js';

/** The user's uid, or undefined where owners are SIDs (Windows): the POSIX checks are then not the ones that run. */
export function posixUid(platform = hostPlatform()): number | undefined {
  return platform.uid;
}

/** A file or folder someone else could have written; the message ends a sentence ("…: it belongs to another user"). */
export class UnsafeFileError extends Error {}

// A FIFO planted where a file should be would block open() until someone writes to it.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const mine = (uid: number, owner: number) => owner === uid || owner === 0; // root can change anything anyway
const octal = (mode: number) => (mode & 0o7777).toString(8);
const writers = (mode: number) => (mode & 0o002 ? 'anyone on this machine' : 'its group');

/**
 * Why the file behind a descriptor (opened at `path`, a real path) may not be the user's own
 * writing: regular, theirs (or root's, SYSTEM's), changeable by no one else, one name.
 */
export function fileProblem(stat: Stats, path: string, platform = hostPlatform()): string | undefined {
  if (!stat.isFile()) return 'it is not a regular file';
  // A second name is a way to the same file through folders not checked here.
  const links = () => (stat.nlink > 1 ? 'it has other names (hard links)' : undefined);
  if (platform.security) return windowsProblem(platform.security, { file: path }) ?? links();
  const uid = platform.uid;
  if (uid === undefined) return undefined;
  if (!mine(uid, stat.uid)) return `it belongs to another user (uid ${stat.uid})`;
  if (stat.mode & 0o022) return `${writers(stat.mode)} can change it (mode ${octal(stat.mode)})`;
  return links();
}

/**
 * Why someone other than the user or root could change what is in `folder` (a real path), or
 * undefined: it and every folder above it must be theirs or root's and not group/other-writable.
 * Above `folder` (and in it, with `stickyHere`) a sticky folder such as /tmp is allowed: others
 * can add names there but not rename or replace the user's.
 */
export function folderProblem(folder: string, stickyHere = false, platform = hostPlatform()): string | undefined {
  if (platform.security) {
    const notFolder = chain(folder).find((dir) => !lstatSync(dir).isDirectory()); // Node reports a junction as a link
    return notFolder ? `${notFolder} is not a folder` : windowsProblem(platform.security, { folder, stickyHere });
  }
  const uid = platform.uid;
  if (uid === undefined) return undefined;
  for (const [i, dir] of chain(folder).entries()) {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return `${dir} is not a folder`; // a link swapped in since it was resolved
    if (!mine(uid, stat.uid)) return `the folder ${dir} belongs to another user (uid ${stat.uid})`;
    if (stat.mode & 0o022 && !(stat.mode & 0o1000 && (stickyHere || i > 0)))
      return `${writers(stat.mode)} can write to the folder ${dir} (mode ${octal(stat.mode)})`;
  }
  return undefined;
}

/** `folder` and every folder above it. */
function chain(folder: string): string[] {
  const folders = [folder];
  for (let dir = folder; dirname(dir) !== dir; dir = dirname(dir)) folders.push(dirname(dir));
  return folders;
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
export function openOwnedFile(path: string, links: 'refuse' | 'resolve', platform = hostPlatform()): OpenedFile {
  const folder = platform.realpath(dirname(path));
  let real = join(folder, basename(path));
  if (links === 'resolve') {
    const target = platform.realpath(real);
    // The link is only as safe as the folder it sits in.
    if (!platform.samePath(target, real)) throwIf(folderProblem(folder, false, platform));
    real = target;
  } else if (platform.noFollow === 0 && isLink(real)) throw new UnsafeFileError(LINK_REFUSED);
  let fd: number;
  try {
    // The folders are resolved; the name is opened without following a link swapped in since.
    fd = openSync(real, constants.O_RDONLY | platform.noFollow | O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeFileError(LINK_REFUSED);
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    // Without O_NOFOLLOW (Windows) the handle must still be the file at that name: no link or junction swapped in.
    if (links === 'refuse' && platform.noFollow === 0 && !sameFile(stat, real)) throw new UnsafeFileError(LINK_REFUSED);
    throwIf(fileProblem(stat, real, platform) ?? folderProblem(dirname(real), false, platform));
    return { fd, stat, path: real };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

const LINK_REFUSED = 'it is a symbolic link, which imctl does not follow here (give the file itself)';

/** Whether `path` is a symbolic link or a junction (Node reports both as links); false if missing. */
export function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false; // missing: the open says so
  }
}

function sameFile(stat: Stats, path: string): boolean {
  const there = lstatSync(path);
  return !there.isSymbolicLink() && there.dev === stat.dev && there.ino === stat.ino;
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
export function privateFolder(dir: string, platform = hostPlatform()): string {
  let existing = dirname(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  throwIf(folderProblem(platform.realpath(existing), true, platform)); // before creating anything in it
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const real = join(platform.realpath(dirname(dir)), basename(dir));
  // Windows: a folder made in the profile inherits its owner-only DACL; checked, link or junction included.
  if (platform.security) {
    throwIf(folderProblem(real, false, platform));
    return real;
  }
  const uid = platform.uid;
  if (uid === undefined) return real;
  throwIf(folderProblem(dirname(real), true, platform)); // again, with what was just created
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | platform.noFollow);
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
