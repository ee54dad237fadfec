/**
 * Files imctl writes that name accounts (reports, LDIF plans): created owner-only (0600), or an
 * existing file made owner-only and then emptied — never left readable by others.
 *
 * The path may be in a folder others can write to (a shared drive, a non-sticky /tmp): a symlink
 * planted there is never followed (O_NOFOLLOW), and an existing file is changed only if it is a
 * regular file of the user's own with no other name (a hard link would carry the truncation to
 * the file it names). Pipes and devices (/dev/null, a process substitution) are written as they are.
 */
import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { hostPlatform } from '../platform/platform.js';
import { isLink } from './owned-file.js';
import { windowsProblem } from './windows-file-checks.js';

/** What the file is for, as the reason of the usage error when its path cannot be used. */
export type PrivateFilePurpose = 'report-path' | 'ldif-path';

/** The path cannot be used (exit 2, the reason its purpose); the message is one sentence for the admin. */
export class PrivateFileError extends UsageError {
  constructor(message: string, purpose: PrivateFilePurpose, options?: { cause?: unknown }) {
    super(message, purpose);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/**
 * Open `path` for writing, owner-only; `what` names the file in messages ("the report"), `purpose`
 * is the reason of the PrivateFileError (a usage error) when the path cannot be used.
 */
export function openPrivateFile(
  path: string,
  what: string,
  purpose: PrivateFilePurpose,
  platform = hostPlatform(),
): number {
  let fd: number;
  try {
    // No O_NOFOLLOW (Windows): a link or junction at the name is refused as ELOOP would refuse it.
    if (platform.noFollow === 0 && isLink(path)) throw Object.assign(new Error('a link'), { code: 'ELOOP' });
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | platform.noFollow, 0o600);
  } catch (err) {
    throw new PrivateFileError(`Cannot write ${what} to ${path}: ${whyNot(err)}.`, purpose, { cause: err });
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && platform.security) {
      // Windows: a protected DACL (the user, SYSTEM, Administrators), then checked as a secret.
      const real = platform.realpath(path);
      const notProtected = (reason: string) =>
        new PrivateFileError(`Cannot write ${what} to ${path}: ${reason}; choose another path.`, purpose);
      try {
        platform.security.protect(real);
      } catch (err) {
        throw notProtected(`its access cannot be limited to you (${(err as Error).message})`);
      }
      const problem = windowsProblem(platform.security, { file: real, secret: true });
      if (problem) throw notProtected(problem);
      ftruncateSync(fd, 0);
    } else if (stat.isFile()) {
      const uid = platform.uid;
      if (uid !== undefined && stat.uid !== uid) {
        throw new PrivateFileError(
          `Cannot write ${what} to ${path}: the file there belongs to another user (uid ${stat.uid}); choose another path.`,
          purpose,
        );
      }
      if (stat.nlink > 1)
        throw new PrivateFileError(
          `Cannot write ${what} to ${path}: the file there has other names (hard links), and emptying it would empty them too; choose another path.`,
          purpose,
        );
      try {
        fchmodSync(fd, 0o600);
      } catch (err) {
        throw new PrivateFileError(
          `Cannot make the existing file ${path} private (owner-only): it belongs to another user; choose another path for ${what}.`,
          purpose,
          { cause: err },
        );
      }
      ftruncateSync(fd, 0);
    }
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err instanceof PrivateFileError
      ? err
      : new PrivateFileError(`Cannot write ${what} to ${path}: ${whyNot(err)}.`, purpose, { cause: err });
  }
}

function whyNot(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'its directory does not exist';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ELOOP')
    return 'it is a symbolic link, which imctl does not follow when writing (it could point anywhere); give the real path';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
