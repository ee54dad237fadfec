/**
 * scripts/kerberos-wrap-fix.mjs (the postinstall) patches and rebuilds imctl's own `kerberos`
 * package only: one planted in the current folder's or a parent folder's node_modules is neither
 * patched nor rebuilt (its build would run its code). The rebuild is npm's node-gyp, named to the
 * script as npm names it (npm_config_node_gyp): here a fake that records where it was run; the
 * script runs from a copy of imctl, as npm runs it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'kerberos-wrap-fix.mjs');
const UNFIXED =
  'int authenticate_gss_client_wrap(gss_client_state* state, const char* user) {\n  if (user) {\n  }\n}\n';

/** A `kerberos` package in `modules` with the unfixed wrap. */
function plant(modules: string): { dir: string; source: string } {
  const dir = join(modules, 'kerberos');
  mkdirSync(join(dir, 'src', 'unix'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kerberos', version: '2.2.2' }));
  const source = join(dir, 'src', 'unix', 'kerberos_gss.cc');
  writeFileSync(source, UNFIXED);
  return { dir, source };
}

/** A node-gyp that appends "<cwd> <args>" to `log` for each run. */
function fakeNodeGyp(home: string): { script: string; runs: () => string[] } {
  const log = join(home, 'node-gyp.log');
  const script = join(home, 'node-gyp.js');
  writeFileSync(
    script,
    `require('fs').appendFileSync(${JSON.stringify(log)}, process.cwd() + ' ' + process.argv.slice(2).join(' ') + '\\n');\n`,
  );
  return { script, runs: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

/** A copy of imctl (package.json and the script) at `root`. */
function imctlAt(root: string): string {
  mkdirSync(join(root, 'scripts'), { recursive: true });
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'imctl', version: '0.1.0', allowScripts: { kerberos: false } }),
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
  const gyp = fakeNodeGyp(home);
  const result = spawnSync(process.execPath, [...nodeOptions, script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, npm_config_node_gyp: gyp.script },
  });
  return { ...result, gypRuns: gyp.runs() };
}

describe('kerberos-wrap-fix.mjs', () => {
  it("leaves alone a kerberos planted in the current folder's and a parent folder's node_modules", () => {
    const shared = mkdtempSync(join(tmpdir(), 'imctl-wrap-fix-'));
    const inParent = plant(join(shared, 'node_modules'));
    const script = imctlAt(join(shared, 'imctl'));
    const cwd = join(shared, 'work');
    const inCwd = plant(join(cwd, 'node_modules'));

    const r = runScript(script, cwd, shared);
    expect(r.gypRuns, 'nothing was built').toEqual([]);
    for (const planted of [inCwd, inParent]) expect(readFileSync(planted.source, 'utf8')).toBe(UNFIXED);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/the optional "kerberos" package is not installed/);
  });

  it("on Windows leaves imctl's own alone: no patch of the MIT source, no rebuild", () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-wrap-fix-'));
    const root = join(home, 'imctl');
    const script = imctlAt(root);
    const own = plant(join(root, 'node_modules'));

    const r = runScript(script, home, home, AS_WINDOWS);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/on Windows the "kerberos" package uses SSPI, not the MIT code this fixes: nothing to do/);
    expect(readFileSync(own.source, 'utf8')).toBe(UNFIXED);
    expect(r.gypRuns, r.stderr).toEqual([]);
  });

  it("patches imctl's own and rebuilds it once, in its folder, with npm's node-gyp run by node (no shell)", () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-wrap-fix-'));
    const root = join(home, 'imctl');
    const script = imctlAt(root);
    const own = plant(join(root, 'node_modules'));

    const r = runScript(script, home, home);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(own.source, 'utf8')).toContain('if (user && *user) {');
    expect(r.gypRuns, r.stderr).toEqual([
      expect.stringMatching(new RegExp(`^${own.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} rebuild`)),
    ]);
  }, 60_000);
});
