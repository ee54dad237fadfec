/**
 * The optional `kerberos` package is loaded only from imctl's own install
 * (src/directory/kerberos-package.ts): never from a parent folder's node_modules, NODE_PATH or a
 * symlink leading out. The planted packages here leave a marker when loaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imctlRoot, loadOwnKerberos } from '../../src/directory/kerberos-package.js';
import { bundle } from '../support/bundle.js';

/** A `kerberos` package in `modules` whose loading leaves `<modules>/kerberos/loaded`. */
function plant(modules: string): string {
  const dir = join(modules, 'kerberos');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kerberos', version: '2.2.2', main: 'index.js' }));
  writeFileSync(
    join(dir, 'index.js'),
    "require('fs').writeFileSync(require('path').join(__dirname, 'loaded'), ''); exports.initializeClient = () => {};\n",
  );
  return join(dir, 'loaded');
}

/** An imctl folder (its package.json, nothing else) at `root`. */
function imctlAt(root: string): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'imctl', version: '0.1.0' }));
  return root;
}

const scratch = () => mkdtempSync(join(tmpdir(), 'imctl-kerberos-pkg-'));

describe('the kerberos package, from imctl unpacked in a shared folder', () => {
  let shared: string;
  let imctl: string;
  beforeAll(async () => {
    shared = scratch();
    imctl = imctlAt(join(shared, 'package'));
    await bundle('src/directory/gssapi-bind.ts', join(imctl, 'dist', 'imctl.mjs'));
  }, 30_000);

  /** loadKerberos() in a child process, as the bundle runs it; what it said. */
  const load = (env: NodeJS.ProcessEnv = {}) =>
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import(${JSON.stringify(join(imctl, 'dist', 'imctl.mjs'))}).then((m) => m.loadKerberos()).then(() => console.log('loaded'), (e) => console.log(e.message));`,
      ],
      { encoding: 'utf8', cwd: shared, env: { PATH: process.env.PATH, ...env } },
    );

  it("refuses a kerberos another user put in the shared folder's node_modules, and never runs it", () => {
    const marker = plant(join(shared, 'node_modules'));
    const r = load();
    expect(existsSync(marker), 'the planted package ran').toBe(false);
    expect(r.stdout).toMatch(
      /^Refusing the "kerberos" package at \S+\/node_modules\/kerberos\/index\.js: it is not in imctl's own node_modules/,
    );
    rmSync(join(shared, 'node_modules'), { recursive: true });
  });

  it('refuses one that NODE_PATH names (imctl resolves with require, which reads NODE_PATH)', () => {
    const elsewhere = join(scratch(), 'lib');
    const marker = plant(elsewhere);
    const r = load({ NODE_PATH: elsewhere });
    expect(existsSync(marker)).toBe(false);
    expect(r.stdout).toMatch(
      /^(Refusing the "kerberos" package|Kerberos sign-in needs the optional "kerberos" package)/,
    );
  });
});

describe('loadOwnKerberos', () => {
  it("loads the package from imctl's own node_modules", () => {
    const root = imctlAt(join(scratch(), 'imctl'));
    const marker = plant(join(root, 'node_modules'));
    const own = loadOwnKerberos(root);
    expect(existsSync(marker)).toBe(true);
    expect(own.path).toMatch(/\/imctl\/node_modules\/kerberos\/index\.js$/);
  });

  it('and from the node_modules imctl itself was installed into (npm hoists it there)', () => {
    const project = join(scratch(), 'node_modules');
    const marker = plant(project);
    loadOwnKerberos(imctlAt(join(project, 'imctl')));
    expect(existsSync(marker)).toBe(true);
  });

  it('refuses a symlink out of its node_modules', () => {
    const root = imctlAt(join(scratch(), 'imctl'));
    const elsewhere = scratch();
    const marker = plant(elsewhere);
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(elsewhere, 'kerberos'), join(root, 'node_modules', 'kerberos'));
    expect(() => loadOwnKerberos(root)).toThrow(/^Refusing the "kerberos" package/);
    expect(existsSync(marker)).toBe(false);
  });

  it('says what to install when there is none', () => {
    expect(() => loadOwnKerberos(imctlAt(join(scratch(), 'imctl')), 'linux')).toThrow(
      /^Kerberos sign-in needs the optional "kerberos" package.*apt-get install libkrb5-dev/,
    );
  });

  it('on Windows, where the package uses SSPI, says nothing of apt-get or Kerberos development files', () => {
    const error = (() => {
      try {
        return loadOwnKerberos(imctlAt(join(scratch(), 'imctl')), 'win32');
      } catch (thrown) {
        return thrown as Error;
      }
    })() as Error;
    expect(error.message).toMatch(/^Kerberos sign-in needs the optional "kerberos" package.*npm install kerberos/);
    expect(error.message).not.toMatch(/apt-get|libkrb5|kinit/);
  });
});

describe('imctlRoot', () => {
  it("is the checkout for imctl's own modules, and nothing when the nearest package.json is another's", () => {
    expect(imctlRoot(join(import.meta.dirname, '..', '..', 'src', 'directory', 'x.ts'))).toBe(
      join(import.meta.dirname, '..', '..'),
    );
    const other = scratch();
    writeFileSync(join(other, 'package.json'), '{"name":"imctl-lookalike"}');
    expect(imctlRoot(join(other, 'dist', 'imctl.mjs'))).toBeUndefined();
  });
});
