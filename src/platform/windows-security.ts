/**
 * The real FileSecurityPort on Windows: PowerShell's Get-Acl for the owner and DACL (as SDDL) and
 * icacls for an owner-only file. One PowerShell process answers for a file and every folder above
 * it; paths go in on stdin, never on a command line, so no path is ever parsed as a command.
 *
 * Not run anywhere here (nothing here runs Windows): what it returns is SDDL, and the checks on
 * SDDL are what the unit tier proves (test/io/windows-file-checks.test.ts). Get-Acl reads by path,
 * not by the open handle: openOwnedFile compares the handle with the path after the check.
 */
import type { SpawnSyncReturns } from 'node:child_process';
import { createRequire } from 'node:module';
import type { FileSecurityPort } from './platform.js';

type SpawnSync = (command: string, args: string[], options: object) => SpawnSyncReturns<string>;

/** node:child_process on first use: start-up never loads it (scripts/build.mjs, the same for commander). */
const spawnSync: SpawnSync = (...args) =>
  (createRequire(process.execPath)('node:child_process') as { spawnSync: SpawnSync }).spawnSync(...args);

const DESCRIBE = [
  '$ErrorActionPreference = "Stop"',
  '[Console]::InputEncoding = [Console]::OutputEncoding = [Text.Encoding]::UTF8',
  '[Security.Principal.WindowsIdentity]::GetCurrent().User.Value',
  'foreach ($p in [Console]::In.ReadToEnd().Split([char]10)) { if ($p) { (Get-Acl -LiteralPath $p).Sddl } }',
].join('; ');

/** A port that asks `powershell` (Windows PowerShell 5.1, on every Windows) and `icacls`. */
export function powershellSecurity(run: SpawnSync = spawnSync): FileSecurityPort {
  const call = (command: string, args: string[], input = '') => {
    const result = run(command, args, { input, encoding: 'utf8', windowsHide: true, shell: false });
    if (result.status !== 0)
      throw new Error(
        `${command} failed (${result.error?.message ?? (result.stderr || `exit ${result.status}`).trim()})`,
      );
    return result.stdout;
  };
  return {
    describe(paths) {
      const out = call(
        'powershell.exe',
        ['-NoProfile', '-NonInteractive', '-Command', DESCRIBE],
        `${paths.join('\n')}\n`,
      );
      const [user, ...descriptors] = out.trim().split(/\r?\n/);
      if (!user || descriptors.length !== paths.length)
        throw new Error(`Get-Acl answered for ${descriptors.length} of ${paths.length} paths`);
      return { user, descriptors };
    },
    protect(path) {
      const grant = [this.describe([]).user, 'S-1-5-18', 'S-1-5-32-544'].map((sid) => `*${sid}:(F)`);
      call('icacls.exe', [path, '/inheritance:r', '/grant:r', ...grant, '/Q']);
    },
  };
}
