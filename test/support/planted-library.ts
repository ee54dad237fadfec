/**
 * A native library that, when loaded, leaves a marker file: what a `kerberos.node` planted by
 * another user would do, harmlessly. Built with the system's C compiler (there on any machine that
 * built the `kerberos` package); undefined where there is none.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

export const compiler = ['/usr/bin/cc', '/usr/bin/gcc'].find((cc) => existsSync(cc));

export function plantLibrary(path: string, marker: string): void {
  const source = `${path}.c`;
  writeFileSync(
    source,
    `#include <stdio.h>\n__attribute__((constructor)) static void planted(void) { FILE *f = fopen(${JSON.stringify(marker)}, "w"); if (f) fclose(f); }\n`,
  );
  try {
    execFileSync(compiler!, ['-shared', '-fPIC', '-o', path, source]);
  } finally {
    rmSync(source, { force: true });
  }
}
