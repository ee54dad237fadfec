#!/usr/bin/env node
// @ts-check
// `npm run build:exe`: imctl as one executable for machines without Node — Node's single executable
// applications (SEA): the CommonJS bundle dist/imctl.cjs (scripts/build.mjs) is turned into a
// preparation blob, and the blob is injected with postject into a copy of the node binary that
// runs this script. The result runs only on this script's OS and CPU: SEA cannot cross-build.
// Writes dist/imctl-<platform>-<arch> (.exe on Windows).
//
// Kerberos: the built `kerberos` addon (with scripts/kerberos-wrap-fix.mjs applied, which the
// sealed SASL layer needs) goes in as the SEA asset "kerberos.node"; src/directory/kerberos-addon.ts
// loads it at the first Kerberos bind. It links to the system's libgssapi_krb5.so.2, nothing else.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import postject from 'postject';

const REPO = join(import.meta.dirname, '..');
const DIST = join(REPO, 'dist');
const main = join(DIST, 'imctl.cjs');
if (!existsSync(main)) throw new Error(`${relative(REPO, main)} is missing: run npm run build first`);

const { platform, arch } = process;
const exe = join(DIST, `imctl-${platform}-${arch}${platform === 'win32' ? '.exe' : ''}`);
const blob = join(DIST, 'imctl.blob');
const config = join(DIST, 'sea-config.json');

const addonDir = join(REPO, 'node_modules', 'kerberos');
const addon = join(addonDir, 'build', 'Release', 'kerberos.node');
const assets = {};
if (!existsSync(addon)) {
  process.stderr.write(
    'build-exe: the kerberos package is not built (libkrb5-dev missing?): this executable will not sign in with Kerberos\n',
  );
} else {
  const source = join(addonDir, 'src', 'unix', 'kerberos_gss.cc');
  if (platform !== 'win32' && existsSync(source) && !readFileSync(source, 'utf8').includes('if (user && *user)')) {
    process.stderr.write(
      'build-exe: the kerberos addon lacks the wrap fix: run "node scripts/kerberos-wrap-fix.mjs" first, or sealed Kerberos on ldap:// will refuse to start\n',
    );
  }
  assets['kerberos.node'] = addon;
}

// The code cache lets the executable start without compiling the 1.4 MB script first.
writeFileSync(
  config,
  JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }, null, 2),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

rmSync(exe, { force: true });
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
// macOS refuses to run a signed binary that was changed: drop node's signature, sign ad hoc after.
if (platform === 'darwin') execFileSync('codesign', ['--remove-signature', exe], { stdio: 'inherit' });

await postject.inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), {
  sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ...(platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
});
if (platform === 'darwin') execFileSync('codesign', ['--sign', '-', exe], { stdio: 'inherit' });
rmSync(blob, { force: true });
rmSync(config, { force: true });
process.stdout.write(
  `${relative(process.cwd(), exe)}: imctl with Node ${process.version} (${platform}-${arch}) inside\n`,
);
