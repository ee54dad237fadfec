/**
 * Reading a password file as ssh reads a private key: it must be the user's own and readable by
 * nobody else, and it must look like one password — a small file with one line. A config file the
 * user did not write could otherwise point "passwordFile" at ~/.ssh/id_ed25519 and have imctl send
 * the key as a bind password (docs/security.md). Read once per path: a pipe (`<(pass show x)`)
 * can be read only once, and main.ts wants the password for redaction before the bind reads it.
 */
import { pathProblem } from './path-problem.js';
import { closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';
import { hostPlatform, type Platform } from '../platform/platform.js';
import { folderProblem, openNamedFile, readUpTo } from './owned-file.js';
import { windowsProblem } from './windows-file-checks.js';

/** Longer than any password a DC accepts (AD: 256 characters); a bigger file is the wrong file. */
export const MAX_PASSWORD_FILE_BYTES = 4096;

const cache = new Map<string, { password: string } | { error: UsageError }>();

export function readPasswordFile(path: string, platform = hostPlatform()): string {
  let entry = cache.get(path);
  if (!entry) {
    try {
      entry = { password: readChecked(path, platform) };
    } catch (error) {
      entry = {
        error:
          error instanceof UsageError
            ? error
            : new UsageError(`Cannot read the password file ${path}.`, 'password-file'),
      };
    }
    cache.set(path, entry);
  }
  if ('error' in entry) throw entry.error;
  return entry.password;
}

function readChecked(path: string, platform: Platform): string {
  let fd: number;
  let stat: ReturnType<typeof openNamedFile>['stat'];
  try {
    // Links are followed: `<(pass show x)` is a /dev/fd link to a pipe. The descriptor is what is checked.
    ({ fd, stat } = openNamedFile(path));
  } catch (error) {
    throw new UsageError(`Cannot read the password file ${path}: ${pathProblem(error)}.`, 'password-file');
  }
  try {
    if (stat.isDirectory()) throw new UsageError(`The password file ${path} is a folder.`, 'password-file');
    // A regular file on disk must be private; a pipe or a process substitution has no one else to read it.
    const uid = platform.uid;
    if (stat.isFile() && platform.security) {
      // Windows: owner and DACL of the file (nobody else may read it) and of its folders.
      const real = platform.realpath(path);
      const problem = windowsProblem(platform.security, {
        file: real,
        folder: dirname(real),
        secret: true,
        stickyHere: true,
      });
      if (problem)
        throw new UsageError(
          `Refusing the password file ${path}: ${problem}; leave only your own access to it (icacls FILE /inheritance:r /grant:r %USERNAME%:F), and if others could read it, consider the password exposed.`,
          'password-file',
        );
    } else if (stat.isFile() && uid !== undefined) {
      if (stat.uid !== uid)
        throw new UsageError(
          `Refusing the password file ${path}: it belongs to another user (uid ${stat.uid}); a password file must be your own.`,
          'password-file',
        );
      if ((stat.mode & 0o077) !== 0) {
        throw new UsageError(
          `Refusing the password file ${path}: others can read it (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 ${path}, and consider the password exposed.`,
          'password-file',
        );
      }
      // Whoever controls a folder above it can put another file (a link to another secret) there.
      const folder = folderProblem(dirname(platform.realpath(path)), true, platform);
      if (folder)
        throw new UsageError(
          `Refusing the password file ${path}: ${folder}; keep it in a folder only you can change.`,
          'password-file',
        );
    }
    const bytes = readUpTo(fd, MAX_PASSWORD_FILE_BYTES);
    if (bytes.length > MAX_PASSWORD_FILE_BYTES)
      throw new UsageError(
        `Refusing the password file ${path}: it is larger than ${MAX_PASSWORD_FILE_BYTES} bytes; a password file holds one password.`,
        'password-file',
      );
    return passwordFromText(bytes.toString('utf8'), path);
  } finally {
    closeSync(fd);
  }
}

/** The password in a file's text: a UTF-8 BOM (Notepad) and one line end (any editor's) are not part of it. */
export function passwordFromText(text: string, path: string): string {
  const password = text.replace(/^\uFEFF/, '').replace(/\r?\n$|\r$/, '');
  if (password.length === 0) throw new UsageError(`The password file ${path} is empty.`, 'password-file');
  if (/[\r\n]/.test(password))
    throw new UsageError(
      `Refusing the password file ${path}: it holds more than one line; a password file holds one password (is this the right file?).`,
      'password-file',
    );
  return password;
}
