/**
 * A core dump of imctl would hold the bind password (and the Kerberos context) in its heap. Node
 * has no setrlimit(RLIMIT_CORE) and no prctl(PR_SET_DUMPABLE), and re-executing through `ulimit -c 0`
 * would cost every start a second process; what is left is Linux's per-process coredump_filter:
 * with 0, a core the kernel writes (a file or a pipe to systemd-coredump alike) carries no memory
 * mapping — anonymous, file-backed or huge — only the registers. Inherited by children. Other
 * systems have no such knob: there, `ulimit -c 0` in the shell that starts imctl.
 */
import { writeFileSync } from 'node:fs';

/** Called first in main(), before any password is read; true if the filter is now 0. */
export function disableCoreDumps(platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  try {
    writeFileSync('/proc/self/coredump_filter', '0');
    return true;
  } catch {
    return false; // no /proc (a chroot, a locked-down container): nothing else to try
  }
}
