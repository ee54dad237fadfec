/**
 * A core dump would carry the bind password: imctl's start-up (main) sets the process's
 * coredump_filter to 0 on Linux, so a core holds no memory. Checked in a child process that runs
 * the bundled entry module and then reads its own filter.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { disableCoreDumps } from '../../src/platform/core-dumps.js';
import { bundle } from '../support/bundle.js';

describe('core dumps', () => {
  it.runIf(process.platform === 'linux')(
    "after imctl's start-up the process's coredump_filter is 0 (no memory in a core)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'imctl-core-'));
      await bundle('src/cli/main.ts', join(dir, 'imctl.mjs'));
      writeFileSync(
        join(dir, 'run.mjs'),
        "import { readFileSync } from 'node:fs';\n" +
          "const before = readFileSync('/proc/self/coredump_filter', 'utf8').trim();\n" +
          "const { main } = await import('./imctl.mjs');\n" +
          "await main(['node', 'imctl', '--version']);\n" +
          "process.stderr.write(`${before} ${readFileSync('/proc/self/coredump_filter', 'utf8').trim()}`);\n",
      );
      const r = spawnSync(process.execPath, [join(dir, 'run.mjs')], { encoding: 'utf8', cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      const [before, after] = r.stderr.split(' ');
      expect(Number.parseInt(before!, 16)).not.toBe(0); // the kernel's default dumps the heap
      expect(Number.parseInt(after!, 16)).toBe(0);
    },
    30_000,
  );

  it('are not claimed off where there is no coredump_filter', () => {
    expect(disableCoreDumps('darwin')).toBe(false);
    expect(disableCoreDumps('win32')).toBe(false);
  });
});
