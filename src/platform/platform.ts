/**
 * The operating system as the file checks see it, passed in rather than read from
 * `process.platform` deep inside, so that the Windows paths run in the unit tier on Linux with a
 * fake `FileSecurityPort` (test/io/windows-file-checks.test.ts). POSIX: owners are uids and
 * modes; Windows: owners are SIDs and access is a DACL, read through the port.
 */
import { constants, realpathSync } from 'node:fs';
import { powershellSecurity } from './windows-security.js';

/** Windows file security: owner and DACL (as SDDL) of files and folders, and owner-only files. */
export interface FileSecurityPort {
  /** The running user's SID and the security descriptor of each path, in order. */
  describe(paths: readonly string[]): { user: string; descriptors: string[] };
  /** Give the file at `path` a protected DACL: full control for the user, SYSTEM and Administrators, nobody else. */
  protect(path: string): void;
}

export interface Platform {
  os: NodeJS.Platform;
  /** POSIX: the user's uid; undefined on Windows. */
  uid: number | undefined;
  /** O_NOFOLLOW where it exists; 0 on Windows, where a link or junction is caught by comparing lstat with the open handle. */
  noFollow: number;
  /** The real path: the native one on Windows (8.3 short names, mapped and subst drives resolved). */
  realpath(path: string): string;
  /** Whether two real paths are the same place (Windows: case-insensitive). */
  samePath(a: string, b: string): boolean;
  /** Windows only: where owner and DACL checks go. */
  security: FileSecurityPort | undefined;
}

export function posixPlatform(os: NodeJS.Platform, uid: number | undefined): Platform {
  return {
    os,
    uid,
    noFollow: constants.O_NOFOLLOW ?? 0,
    realpath: (path) => realpathSync(path),
    samePath: (a, b) => a === b,
    security: undefined,
  };
}

export function windowsPlatform(security: FileSecurityPort, realpath = realpathSync.native): Platform {
  return {
    os: 'win32',
    uid: undefined,
    noFollow: 0,
    realpath: (path) => realpath(path),
    samePath: (a, b) => a.toLowerCase() === b.toLowerCase(),
    security,
  };
}

let host: Platform | undefined;

/** This process's platform (on Windows, with the PowerShell port of src/platform/windows-security.ts). */
export function hostPlatform(): Platform {
  host ??=
    process.platform === 'win32'
      ? windowsPlatform(powershellSecurity())
      : posixPlatform(process.platform, process.getuid?.());
  return host;
}
