/**
 * The package as an admin gets it: `npm pack` of the build `npm test` made (prepack's build is not
 * run a second time: --ignore-scripts, after checking dist/ is current), the tarball installed into an
 * empty prefix with no registry at hand (`--offline`: everything is in the bundle), and the
 * installed command run from a folder outside the checkout — a read and a write against the lab,
 * the write checked with ldapsearch. `npx` from the tarball too, offline as well.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  IM_ATTRS,
  addUsers,
  createOu,
  imctlEnv,
  lab,
  readEntry,
  repoRoot,
  runProcess,
  scratchDir,
  server,
} from '../support/lab.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const work = scratchDir('imctl-pack-');
const prefix = join(work, 'prefix');
const installed = join(prefix, 'bin', 'imctl');
let tarball = '';

/** npm with a private cache and home, so nothing from the developer's npm set-up helps. */
function npmEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(work, 'npm-home'),
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
  };
}

/** The installed command, as an admin's shell runs it: node found on PATH, the cwd outside the checkout. */
function installedImctl(args: string[]) {
  const env = imctlEnv({ PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin` });
  return runProcess(installed, args, { env, cwd: work });
}

beforeAll(async () => {
  // npm pack --ignore-scripts packs the dist/ the global setup built (lab-setup.ts): no second build.
  const packed = await runProcess('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], {
    env: { ...npmEnv(), PATH: process.env.PATH },
  });
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(work, (packed.json() as { filename: string }[])[0]!.filename);
  const install = await runProcess(
    'npm',
    ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball],
    { env: npmEnv(), cwd: work },
  );
  expect(install.code, install.stderr).toBe(0);
}, 300_000);

describe('the packed tarball, installed with npm install -g', () => {
  it('ships the launcher, the bundle, the docs and the licences, and no tests, lab or scripts but the kerberos postinstall', async () => {
    const listed = await runProcess('tar', ['-tzf', tarball]);
    const files = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const wanted of [
      'bin/imctl',
      'bin/package.json',
      'dist/imctl.mjs',
      'dist/help.json',
      'dist/THIRD-PARTY-NOTICES.txt',
      'README.md',
      'LICENSE',
      'docs/security.md',
      'package.json',
    ])
      expect(files).toContain(wanted);
    // One script ships: the postinstall that fixes the optional kerberos package's wrap (docs/kerberos.md).
    expect(files).toContain('scripts/kerberos-wrap-fix.mjs');
    expect(
      files.filter(
        (f) =>
          (/^(test|lab|scripts|src)\//.test(f) && f !== 'scripts/kerberos-wrap-fix.mjs') ||
          f.endsWith('.ts') ||
          f === 'dist/imctl.cjs',
      ),
    ).toEqual([]);
    // Every library is inlined: the installed package has nothing under node_modules.
    expect(readdirSync(join(prefix, 'lib', 'node_modules', 'imctl'))).not.toContain('node_modules');
  });

  it('--version prints the package version', async () => {
    const result = await installedImctl(['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('--help answered by the launcher is the help the program prints', async () => {
    const fast = await installedImctl(['--help']);
    const program = await installedImctl(['help']);
    expect(fast.code, fast.stderr).toBe(0);
    expect(fast.stdout).toContain('Usage: imctl [options] [command]');
    expect(fast.stdout).toBe(program.stdout);
  });

  it('servers --json reads the lab', async () => {
    const result = await installedImctl(['servers', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const names = (result.json().servers as { name: string }[]).map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(
        lab()
          .servers.filter((s) => s.exists)
          .map((s) => s.name),
      ),
    );
  });

  it('disable and enable write what ldapsearch then reads', async () => {
    const ou = await createOu('pack');
    const [dn] = await addUsers(ou, [
      { sam: `pk${process.pid}`, cn: `Pack Install ${process.pid}`, im: { server: server('im-east') } },
    ]);
    const disabled = await installedImctl(['disable', `pk${process.pid}`, '--yes']);
    expect(disabled.code, disabled.stderr).toBe(0);
    const afterDisable = await readEntry(dn!, IM_ATTRS);
    for (const attribute of IM_ATTRS) expect(afterDisable?.attrs[attribute], attribute).toBeUndefined();

    const enabled = await installedImctl(['enable', `pk${process.pid}`, '--server', 'im-west', '--yes']);
    expect(enabled.code, enabled.stderr).toBe(0);
    const afterEnable = await readEntry(dn!, IM_ATTRS);
    expect(afterEnable?.attrs.msexchimvirtualserver).toEqual([server('im-west').dn]);
    expect(afterEnable?.attrs.msexchimaddress).toEqual([`pk${process.pid}@${lab().imDomain}`]);
  });

  it('npx runs the tarball too', async () => {
    // As typed at a shell: a path starting with ./ (npx takes a bare absolute path for a command).
    // --offline as for the install above: without it npx asks the registry for the optional
    // kerberos package and, with no network, retries until the test times out.
    const result = await runProcess('npx', ['--offline', '--yes', `./${basename(tarball)}`, '--version'], {
      env: npmEnv(),
      cwd: work,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});
