/**
 * Files imctl writes that name accounts (reports, LDIF plans): created owner-only (0600), or an
 * existing file made owner-only and then emptied — never left readable by others.
 */
import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync } from 'node:fs';

/** The path cannot be used; the message is one sentence for the admin. */
export class PrivateFileError extends Error {
  override readonly name = 'PrivateFileError';
}

/** Open `path` for writing, owner-only; `what` names the file in messages ("the report"). */
export function openPrivateFile(path: string, what: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600);
  } catch (err) {
    throw new PrivateFileError(`Cannot write ${what} to ${path}: ${whyNot(err)}.`, { cause: err });
  }
  try {
    if (fstatSync(fd).isFile()) {
      try {
        fchmodSync(fd, 0o600);
      } catch (err) {
        throw new PrivateFileError(`Cannot make the existing file ${path} private (owner-only): it belongs to another user; choose another path for ${what}.`, { cause: err });
      }
      ftruncateSync(fd, 0);
    }
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err instanceof PrivateFileError ? err : new PrivateFileError(`Cannot write ${what} to ${path}: ${whyNot(err)}.`, { cause: err });
  }
}

function whyNot(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'its directory does not exist';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
