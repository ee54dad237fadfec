/**
 * Reading a password file as ssh reads a private key: it must be the user's own and readable by
 * nobody else, and it must look like one password — a small file with one line. A config file the
 * user did not write could otherwise point "passwordFile" at ~/.ssh/id_ed25519 and have imctl send
 * the key as a bind password (docs/security.md). Read once per path: a pipe (`<(pass show x)`)
 * can be read only once, and main.ts wants the password for redaction before the bind reads it.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

/** Longer than any password a DC accepts (AD: 256 characters); a bigger file is the wrong file. */
export const MAX_PASSWORD_FILE_BYTES = 4096;

const cache = new Map<string, { password: string } | { error: UsageError }>();

export function readPasswordFile(path: string): string {
  let entry = cache.get(path);
  if (!entry) {
    try {
      entry = { password: readChecked(path) };
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

function readChecked(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (error) {
    throw new UsageError(
      `Cannot read the password file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      'password-file',
    );
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UsageError(`The password file ${path} is a folder.`, 'password-file');
    // A regular file on disk must be private; a pipe or a process substitution has no one else to read it.
    if (stat.isFile() && typeof process.getuid === 'function') {
      const uid = process.getuid();
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
    }
    const buffer = Buffer.alloc(MAX_PASSWORD_FILE_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_PASSWORD_FILE_BYTES)
      throw new UsageError(
        `Refusing the password file ${path}: it is larger than ${MAX_PASSWORD_FILE_BYTES} bytes; a password file holds one password.`,
        'password-file',
      );
    return passwordFromText(buffer.subarray(0, length).toString('utf8'), path);
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
