/**
 * The optional `kerberos` package of an npm install, loaded only from imctl's own install. Node's
 * resolution walks up every parent folder's node_modules (and NODE_PATH and the global folders):
 * imctl unpacked in a shared folder, without the package of its own, loaded a `kerberos` that
 * another user had put in that folder's node_modules — native code, run as the admin.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirectoryError } from '../core/errors.js';

/** What to do when the package did not load: on Windows it uses SSPI, and needs no Kerberos development files. */
export function kerberosPackageHint(os: NodeJS.Platform): string {
  const missing = 'Kerberos sign-in needs the optional "kerberos" package, which did not load:';
  if (os === 'win32')
    return `${missing} run "npm install kerberos" in imctl's folder (npm fetches a prebuilt Windows build; building one needs Python and the Visual Studio C++ build tools).`;
  return `${missing} install the Kerberos development files (Debian: apt-get install libkrb5-dev python3 make g++), then run "npm rebuild kerberos" (or "npm install kerberos") in imctl's folder.`;
}

/** This module's file: in the CommonJS bundle import.meta is empty, and the script is the bundle. */
const here = (): string => (import.meta.url ? fileURLToPath(import.meta.url) : (process.argv[1] ?? ''));

/** imctl's package root: the nearest folder above `from` with a package.json, if that package is imctl. */
export function imctlRoot(from = here()): string | undefined {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    let text: string;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      continue;
    }
    return (JSON.parse(text) as { name?: unknown }).name === 'imctl' ? dir : undefined;
  }
  return undefined;
}

/**
 * The node_modules folders that are imctl's own: `<root>/node_modules`, and, when imctl itself was
 * installed into a node_modules (a project, npx's cache), that one — npm hoists imctl's
 * dependencies there, and whoever can write to it can replace imctl itself.
 */
export function ownNodeModules(root: string): string[] {
  const parent = basename(dirname(root)).startsWith('@') ? dirname(dirname(root)) : dirname(root);
  return [join(root, 'node_modules'), ...(basename(parent) === 'node_modules' ? [parent] : [])];
}

/** The package as resolved from imctl's root, refused unless its real path lies in imctl's own node_modules. */
export function loadOwnKerberos(
  root = imctlRoot(),
  os: NodeJS.Platform = process.platform,
): { module: unknown; path: string } {
  const unavailable = () => new DirectoryError(kerberosPackageHint(os), 'kerberos-unavailable');
  if (!root) throw unavailable();
  const requireFrom = createRequire(join(root, 'package.json'));
  let path: string;
  try {
    path = requireFrom.resolve('kerberos'); // a real path: a symlink out of node_modules shows where it leads
  } catch {
    throw unavailable();
  }
  const own = ownNodeModules(root).map(realOrSelf);
  if (!own.some((dir) => path.startsWith(dir + sep)))
    throw new DirectoryError(
      `Refusing the "kerberos" package at ${path}: it is not in imctl's own node_modules (${own[0]}), so anyone who can write there could run code as you. Install it in imctl's folder ("npm install kerberos" there), or remove that one.`,
      'kerberos-untrusted',
    );
  try {
    return { module: requireFrom(path), path };
  } catch {
    throw unavailable();
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
