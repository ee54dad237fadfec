/**
 * owned-file.ts's checks on Windows: the same questions asked of owners and DACLs instead of uids
 * and modes. A file or folder must be owned by the user (or SYSTEM, Administrators,
 * TrustedInstaller, as root on POSIX), and no ACE that applies to it may let a broad group —
 * Everyone, Authenticated Users, Users, Domain Users, … — change it; a secret (a password file, a
 * file imctl writes) must not be readable by them either. In the file's own folder any right to
 * add or remove names counts; above it only the rights to remove or rename what is there (the
 * way a sticky /tmp is allowed on POSIX: C:\ lets Authenticated Users create folders).
 */
import { dirname } from 'node:path';
import { broadGrant, FileRight, isAdministrativeOwner, parseSddl } from '../core/sddl.js';
import type { FileSecurityPort } from '../platform/platform.js';

const CHANGE =
  FileRight.writeData |
  FileRight.appendData |
  FileRight.delete |
  FileRight.writeDac |
  FileRight.writeOwner |
  FileRight.genericWrite |
  FileRight.genericAll;
const READ = FileRight.readData | FileRight.genericRead | FileRight.genericAll;
/** In a folder: add a name (a file, a folder), or remove and rename what is in it. */
const FOLDER_HERE = CHANGE | FileRight.deleteChild;
/** Above it: only remove or rename (deleteChild, or delete/take over the folder itself). */
const FOLDER_ABOVE =
  FileRight.deleteChild | FileRight.delete | FileRight.writeDac | FileRight.writeOwner | FileRight.genericAll;

export interface WindowsCheck {
  /** The file itself (a real path), or undefined to check folders only. */
  file?: string | undefined;
  /** The folder to check, with every folder above it; undefined to check the file alone. */
  folder?: string | undefined;
  /** Refuse a file a broad group can read, not only change. */
  secret?: boolean;
  /** The folder may let others add names (a shared temp folder), not remove or rename them. */
  stickyHere?: boolean;
}

/** Why someone other than the user could change (or, for a secret, read) what `check` names; undefined if no one can. */
export function windowsProblem(security: FileSecurityPort, check: WindowsCheck): string | undefined {
  const folders: string[] = [];
  for (let dir = check.folder; dir !== undefined; dir = dirname(dir) === dir ? undefined : dirname(dir))
    folders.push(dir);
  const paths = check.file === undefined ? folders : [check.file, ...folders];
  const { user, descriptors } = security.describe(paths);
  const owned = (owner: string | undefined) => owner === user || (owner !== undefined && isAdministrativeOwner(owner));
  for (const [i, path] of paths.entries()) {
    const sd = parseSddl(descriptors[i]!);
    const isFile = check.file !== undefined && i === 0;
    const what = isFile ? 'it' : `the folder ${path}`;
    if (!owned(sd.owner)) return `${what} belongs to another account (${sd.owner ?? 'no owner'})`;
    if (isFile) {
      const writer = broadGrant(sd, CHANGE);
      if (writer) return `${writer} can change it (its DACL allows them to write)`;
      const reader = check.secret ? broadGrant(sd, READ) : undefined;
      if (reader) return `${reader} can read it (its DACL allows them to)`;
      continue;
    }
    const here = path === check.folder && !check.stickyHere;
    const writer = broadGrant(sd, here ? FOLDER_HERE : FOLDER_ABOVE);
    if (writer) return `${writer} can ${here ? 'add or replace files in' : 'rename or replace what is in'} ${what}`;
  }
  return undefined;
}
