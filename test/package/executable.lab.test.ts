/**
 * The single executable (npm run build:exe) on a machine without Node: run under `env -i` (no
 * PATH, nothing but the settings given), from a folder outside the checkout, in a private mount
 * namespace where every node binary on this machine is covered by /dev/null — so a binary that
 * secretly needed node would fail here.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab, repoRoot, runProcess, scratchDir } from '../support/lab.js';

const exe = join(repoRoot, 'dist', `imctl-${process.platform}-${process.arch}`);
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Every node binary reachable on this machine: the running one and each on PATH. */
const nodeBinaries = [...new Set([process.execPath, ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node'))].filter((p) => existsSync(p)).map((p) => realpathSync(p)))];

/** Run `command` with no node on this machine: unshare a mount namespace and bind /dev/null over each node binary. */
function withoutNode(command: string[], cwd?: string) {
  const hide = nodeBinaries.map((_, i) => `mount --bind /dev/null "$${i + 1}"`).join(' && ');
  return runProcess('unshare', ['--mount', 'sh', '-c', `${hide} && shift ${nodeBinaries.length} && exec "$@"`, 'sh', ...nodeBinaries, ...command], cwd ? { cwd } : {});
}

/** `env -i NAME=VALUE… imctl-linux-x64 ARGS`: the lab's settings through the environment, as an admin would export them. */
function runExecutable(args: string[]) {
  const l = lab();
  const home = scratchDir('imctl-exe-home-');
  const settings = {
    HOME: home,
    NO_COLOR: '1',
    IMCTL_URL: l.ldapsUrl,
    IMCTL_BIND_DN: l.adminUpn,
    IMCTL_PASSWORD_FILE: l.adminPassword,
    IMCTL_CA_FILE: l.caFile,
  };
  return withoutNode(['/usr/bin/env', '-i', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`), exe, ...args], home);
}

beforeAll(async () => {
  // The bundle is fresh after `npm test`'s build; rebuilt here too (esbuild, well under a second) so this file runs alone.
  for (const script of ['build.mjs', 'build-exe.mjs']) {
    const built = await runProcess(process.execPath, [join(repoRoot, 'scripts', script)]);
    expect(built.code, built.stderr).toBe(0);
  }
}, 300_000);

describe('the single executable, with no node on PATH', () => {
  it('has no working node where it runs (the check the other tests rely on)', async () => {
    expect(nodeBinaries.length).toBeGreaterThan(0);
    const result = await withoutNode(['/usr/bin/env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', 'sh', '-c', `node --version; ${nodeBinaries.map((n) => `"${n}" --version`).join('; ')}; echo done`]);
    expect(result.stdout.trim()).toBe('done');
    expect(result.stderr).toMatch(/node/);
  });

  it('--version', async () => {
    const result = await runExecutable(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(version);
    expect(result.stderr).toBe('');
  });

  it('servers against the lab', async () => {
    const result = await runExecutable(['servers']);
    expect(result.code, result.stderr).toBe(0);
    for (const s of lab().servers.filter((x) => x.exists)) expect(result.stdout).toContain(s.name);
    expect(result.stdout).toMatch(/users on \d+ home servers/);

    const json = await runExecutable(['servers', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect((json.json().servers as { name: string; users: number }[]).find((s) => s.name === 'im-east')?.users).toBeGreaterThan(7500);
  });
});
