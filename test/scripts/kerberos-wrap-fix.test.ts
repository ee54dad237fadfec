/**
 * scripts/kerberos-wrap-fix.mjs (the postinstall) patches and rebuilds imctl's own `kerberos`
 * package only: one planted in the current folder's or a parent folder's node_modules is neither
 * patched nor rebuilt (its install script would run). Each fake package's install script leaves
 * a marker; the script runs from a copy of imctl, as npm runs it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'kerberos-wrap-fix.mjs');
const UNFIXED =
  'int authenticate_gss_client_wrap(gss_client_state* state, const char* user) {\n  if (user) {\n  }\n}\n';

/** A `kerberos` package in `modules` with the unfixed wrap; its install script creates `<package>/installed`. */
function plant(modules: string): { source: string; marker: string } {
  const dir = join(modules, 'kerberos');
  mkdirSync(join(dir, 'src', 'unix'), { recursive: true });
  const marker = join(dir, 'installed');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'kerberos',
      version: '2.2.2',
      scripts: { install: `node -e "require('fs').writeFileSync(${JSON.stringify(JSON.stringify(marker))}, '')"` },
    }),
  );
  const source = join(dir, 'src', 'unix', 'kerberos_gss.cc');
  writeFileSync(source, UNFIXED);
  return { source, marker };
}

/** A copy of imctl (package.json and the script) at `root`. */
function imctlAt(root: string): string {
  mkdirSync(join(root, 'scripts'), { recursive: true });
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'imctl', version: '0.1.0', allowScripts: { kerberos: true } }),
  );
  copyFileSync(SCRIPT, join(root, 'scripts', 'kerberos-wrap-fix.mjs'));
  return join(root, 'scripts', 'kerberos-wrap-fix.mjs');
}

/** Node started as on Windows: process.platform reads win32 before the script runs. */
const AS_WINDOWS = [
  '--import',
  `data:text/javascript,${encodeURIComponent("Object.defineProperty(process, 'platform', { value: 'win32' });")}`,
];

function runScript(script: string, cwd: string, home: string, nodeOptions: string[] = []) {
  return spawnSync(process.execPath, [...nodeOptions, script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, npm_config_cache: join(home, 'npm-cache'), npm_config_offline: 'true' },
  });
}

describe('kerberos-wrap-fix.mjs', () => {
  it("leaves alone a kerberos planted in the current folder's and a parent folder's node_modules", () => {
    const shared = mkdtempSync(join(tmpdir(), 'imctl-wrap-fix-'));
    const inParent = plant(join(shared, 'node_modules'));
    const script = imctlAt(join(shared, 'imctl'));
    const cwd = join(shared, 'work');
    const inCwd = plant(join(cwd, 'node_modules'));

    const r = runScript(script, cwd, shared);
    for (const planted of [inCwd, inParent]) {
      expect(existsSync(planted.marker), `${planted.marker}: its install script ran`).toBe(false);
      expect(readFileSync(planted.source, 'utf8')).toBe(UNFIXED);
    }
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/the optional "kerberos" package is not installed/);
  });

  it("on Windows leaves imctl's own alone: no patch of the MIT source, no rebuild, no npm started", () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-wrap-fix-'));
    const root = join(home, 'imctl');
    const script = imctlAt(root);
    const own = plant(join(root, 'node_modules'));

    const r = runScript(script, home, home, AS_WINDOWS);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/on Windows the "kerberos" package uses SSPI, not the MIT code this fixes: nothing to do/);
    expect(readFileSync(own.source, 'utf8')).toBe(UNFIXED);
    expect(existsSync(own.marker), r.stderr).toBe(false);
  });

  it("patches and rebuilds imctl's own, with npm run by node (no shell)", () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-wrap-fix-'));
    const root = join(home, 'imctl');
    const script = imctlAt(root);
    const own = plant(join(root, 'node_modules'));

    const r = runScript(script, home, home);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(own.source, 'utf8')).toContain('if (user && *user) {');
    expect(existsSync(own.marker), r.stderr).toBe(true);
  }, 60_000);
});
