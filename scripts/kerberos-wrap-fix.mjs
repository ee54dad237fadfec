#!/usr/bin/env node
// @ts-check
/**
 * Make the optional `kerberos` package able to wrap LDAP messages, which the SASL security layer
 * on plain ldap:// needs (sealed Kerberos, docs/kerberos.md).
 *
 * The package's wrap() (2.x up to 7.0.0, on Unix) tests its `user` argument for NULL, but always
 * receives a C string — empty when no user is given — so it never wraps the data it was given:
 * it wraps a 4-octet "no security layer" answer instead (mongodb-js/kerberos#206, not merged).
 * This script changes that one test to "a non-empty user" in the package's C++ source and
 * rebuilds it from source (node-gyp, offline: it uses the installed Node's headers). Idempotent;
 * never fails an install: without it imctl still signs in with Kerberos over TLS, and says what
 * to do when a sealed connection is asked for.
 *
 * Run by `postinstall`, by lab/kerberos.sh, and by hand: `node scripts/kerberos-wrap-fix.mjs`.
 * The platform is process.platform, read once at the top (a script's edge); the tests simulate
 * Windows by starting it with process.platform set to win32.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';

const SOURCE = join('src', 'unix', 'kerberos_gss.cc');
const UNFIXED = /^(\s*)if \(user\) \{\s*$/m;
const quiet = process.argv.includes('--quiet');
/** @param {string} line */
const say = (line) => quiet || console.error(`kerberos-wrap-fix: ${line}`);

/**
 * imctl's own copy of the package, found from this script's folder: imctl's node_modules, or the
 * node_modules imctl was installed into (npm hoists it there). Never the current folder or a
 * parent's: a `kerberos` planted there was patched and rebuilt, running its install script.
 */
function packageDir() {
  const root = join(import.meta.dirname, '..');
  const parent = basename(dirname(root)).startsWith('@') ? dirname(dirname(root)) : dirname(root);
  const own = [join(root, 'node_modules'), ...(basename(parent) === 'node_modules' ? [parent] : [])];
  try {
    const dir = dirname(createRequire(join(root, 'package.json')).resolve('kerberos/package.json'));
    return own.some((modules) => existsSync(modules) && dir.startsWith(realpathSync(modules) + sep)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * npm's own node-gyp, run by this node (no shell): the one npm names to its scripts
 * (npm_config_node_gyp), else the one inside the npm beside this node. Not `npm rebuild`: the
 * checkout's package.json denies the package's own install script (allowScripts) so that
 * `npm ci` builds it once, here, patched — and npm's allowScripts denies a rebuild too.
 * @returns {[string, ...string[]] | undefined}
 */
function nodeGyp() {
  const named = process.env.npm_config_node_gyp;
  if (named && /\.c?js$/.test(named) && existsSync(named)) return [process.execPath, named];
  const { npm_execpath: execPath } = process.env; // set by npm for postinstall: <npm>/bin/npm-cli.js
  const npmRoots = [
    ...(execPath && /\.c?js$/.test(execPath) ? [dirname(dirname(execPath))] : []),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'), // /usr/bin/node: /usr/lib/node_modules/npm
  ];
  for (const root of npmRoots) {
    const script = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(script)) return [process.execPath, script];
  }
  return undefined;
}

/** The installed Node's headers, when node-gyp would otherwise download them (a run by hand, offline). */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

// Windows: the package's SSPI client is what runs there; the MIT source this fixes is not built,
// and a rebuild would need Visual Studio's C++ tools (and npm is npm.cmd, which Node starts only
// through a shell). Nothing to do, and nothing is touched.
if (process.platform === 'win32') {
  say('on Windows the "kerberos" package uses SSPI, not the MIT code this fixes: nothing to do.');
  process.exit(0);
}

const dir = packageDir();
if (!dir) {
  say(
    'the optional "kerberos" package is not installed (it needs libkrb5-dev to build): Kerberos sign-in is unavailable; nothing to fix.',
  );
  process.exit(0);
}
const file = join(dir, SOURCE);
if (!existsSync(file)) {
  say(`${file} is missing (a prebuilt or Windows-only copy?): nothing to fix.`);
  process.exit(0);
}
const text = readFileSync(file, 'utf8');
const wrapStart = text.indexOf('authenticate_gss_client_wrap(gss_client_state');
const match = wrapStart >= 0 ? UNFIXED.exec(text.slice(wrapStart)) : null;
const built = existsSync(join(dir, 'build', 'Release', 'kerberos.node'));
if (!match && built && text.includes('if (user && *user)')) {
  say('already fixed.');
  process.exit(0);
}
if (match) {
  const at = wrapStart + match.index;
  writeFileSync(file, `${text.slice(0, at)}${match[1]}if (user && *user) {${text.slice(at + match[0].length)}`);
  say(`fixed the wrap test in ${file}; rebuilding (about a minute)…`);
}
try {
  const gyp = nodeGyp();
  if (!gyp) throw new Error("npm's node-gyp was not found");
  const [command, ...args] = gyp;
  execFileSync(command, [...args, 'rebuild', ...nodeDirArgs()], {
    cwd: dir,
    stdio: quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
  });
  say('rebuilt: sealed Kerberos on ldap:// works.');
} catch (error) {
  say(
    `the rebuild failed (${String(error instanceof Error ? error.message : error).split('\n')[0]}): install libkrb5-dev, python3, make and g++, then run this script again. Kerberos over TLS still works.`,
  );
}
