/**
 * The single executable (npm run build:exe) on a machine without Node: run under `env -i` (no
 * PATH, nothing but the settings given), from a folder outside the checkout, in a private mount
 * namespace where every node binary on this machine is covered by /dev/null — so a binary that
 * secretly needed node would fail here.
 */
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kinit, krb, labDns } from '../support/kerberos.js';
import { compiler, plantLibrary } from '../support/planted-library.js';
import { addUsers, createOu, lab, repoRoot, runProcess, scratchDir, server } from '../support/lab.js';

const exe = join(repoRoot, 'dist', `imctl-${process.platform}-${process.arch}`);
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Every node binary reachable on this machine: the running one and each on PATH. */
const nodeBinaries = [
  ...new Set(
    [process.execPath, ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node'))]
      .filter((p) => existsSync(p))
      .map((p) => realpathSync(p)),
  ),
];

/** Run `command` with no node on this machine: unshare a mount namespace and bind /dev/null over each node binary. */
function withoutNode(command: string[], cwd?: string) {
  const hide = nodeBinaries.map((_, i) => `mount --bind /dev/null "$${i + 1}"`).join(' && ');
  return runProcess(
    'unshare',
    ['--mount', 'sh', '-c', `${hide} && shift ${nodeBinaries.length} && exec "$@"`, 'sh', ...nodeBinaries, ...command],
    cwd ? { cwd } : {},
  );
}

/** `env -i NAME=VALUE… imctl-linux-x64 ARGS`: the lab's settings through the environment, as an admin would export them. */
function runExecutable(args: string[], kerberos?: { cache: string; ca?: boolean; hide?: string }) {
  const l = lab();
  const home = scratchDir('imctl-exe-home-');
  const settings: Record<string, string> = kerberos
    ? // only a ticket: the DCs by SRV; with the CA StartTLS, without it 389 sealed
      {
        HOME: home,
        NO_COLOR: '1',
        IMCTL_DOMAIN: l.domain,
        IMCTL_DNS_SERVER: labDns(),
        IMCTL_IM_DOMAIN: l.imDomain,
        KRB5_CONFIG: krb().krb5Conf,
        KRB5CCNAME: kerberos.cache,
        ...(kerberos.ca ? { IMCTL_CA_FILE: l.caFile } : {}),
      }
    : {
        HOME: home,
        NO_COLOR: '1',
        IMCTL_URL: l.ldapsUrl,
        IMCTL_BIND_DN: l.adminUpn,
        IMCTL_PASSWORD_FILE: l.adminPassword,
        IMCTL_CA_FILE: l.caFile,
      };
  const command = ['/usr/bin/env', '-i', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`), exe, ...args];
  // `hide`: a library covered by /dev/null in the same private mount namespace (as if not installed).
  return withoutNode(
    kerberos?.hide
      ? ['/bin/sh', '-c', `mount --bind /dev/null ${kerberos.hide} && exec "$@"`, 'sh', ...command]
      : command,
    home,
  );
}

beforeAll(async () => {
  // The bundle the global setup built (lab-setup.ts); the executable from it is build:exe's
  // second step, and the only build this file does.
  const built = await runProcess(process.execPath, [join(repoRoot, 'scripts', 'build-exe.mjs')]);
  expect(built.code, built.stderr).toBe(0);
}, 300_000);

describe('the single executable, with no node on PATH', () => {
  it('has no working node where it runs (the check the other tests rely on)', async () => {
    expect(nodeBinaries.length).toBeGreaterThan(0);
    const result = await withoutNode([
      '/usr/bin/env',
      '-i',
      'PATH=/usr/local/bin:/usr/bin:/bin',
      'sh',
      '-c',
      `node --version; ${nodeBinaries.map((n) => `"${n}" --version`).join('; ')}; echo done`,
    ]);
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
    // The table, over a small OU (the renderer is the point: every server is listed whatever the scope).
    const result = await runExecutable(['servers', '--base-dn', lab().audit.ou]);
    expect(result.code, result.stderr).toBe(0);
    for (const s of lab().servers.filter((x) => x.exists)) expect(result.stdout).toContain(s.name);
    expect(result.stdout).toMatch(/users on \d+ home servers/);

    // The whole domain once: im-east's count needs many pages.
    const json = await runExecutable(['servers', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(
      (json.json().servers as { name: string; users: number }[]).find((s) => s.name === 'im-east')?.users,
    ).toBeGreaterThan(7500);
  });
});

describe("the single executable signs in with Kerberos (the addon is embedded; only the system's libgssapi_krb5 is needed)", () => {
  let cache: string;
  let sam: string;
  beforeAll(async () => {
    cache = await kinit(krb().adminPrincipal, lab().adminPassword);
    sam = `exe-krb-${process.pid}`;
    await addUsers(await createOu('exe-kerberos'), [{ sam, cn: `Exe Kerberos ${process.pid}` }]);
  });

  it('servers and enable sealed on 389, with no node and no node_modules', async () => {
    const servers = await runExecutable(['--auth', 'kerberos', '-v', 'servers', '--json'], { cache });
    expect(servers.code, servers.stderr).toBe(0);
    expect(servers.stderr).toMatch(/protection: sealed/);
    expect(servers.json().servers.map((s: { name: string }) => s.name)).toContain('im-east');
    const enable = await runExecutable(
      ['--auth', 'kerberos', 'enable', sam, '--server', 'im-south', '--yes', '--json'],
      { cache },
    );
    expect(enable.code, enable.stderr).toBe(0);
    expect(enable.json().summary).toMatchObject({ changed: 1 });
    const show = await runExecutable(['--auth', 'kerberos', 'show', sam, '--json'], { cache });
    expect(show.code, show.stderr).toBe(0);
    expect(show.json()).toMatchObject({ homeServer: 'im-south', homeServerHost: server('im-south').host });
  });

  it.runIf(compiler)(
    'loads only the addon it carries: a kerberos.node planted beside it never runs, and -v says which was loaded',
    async () => {
      const planted = join(dirname(exe), 'kerberos.node');
      const marker = join(scratchDir('imctl-exe-planted-'), 'ran');
      plantLibrary(planted, marker);
      try {
        const result = await runExecutable(['--auth', 'kerberos', '-v', 'servers'], { cache });
        expect(result.code, result.stderr).toBe(0);
        expect(existsSync(marker), 'the planted library ran').toBe(false);
        expect(result.stderr).toMatch(
          /kerberos: the addon embedded in this executable, loaded from \/tmp\/imctl-kerberos-\w+\/kerberos\.node/,
        );
      } finally {
        rmSync(planted, { force: true });
      }
    },
  );

  it("without the system's Kerberos library: exit 1, one sentence naming the package to install", async () => {
    const result = await runExecutable(['--auth', 'kerberos', 'servers'], {
      cache,
      hide: '/usr/lib/x86_64-linux-gnu/libgssapi_krb5.so.2',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^error: Kerberos sign-in needs the system's Kerberos libraries, and libgssapi_krb5\.so\.2 is not installed: on Debian or Ubuntu run "apt-get install libgssapi-krb5-2"/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('and over TLS (StartTLS with the CA), no layer inside it', async () => {
    const result = await runExecutable(['--auth', 'kerberos', '-v', 'disable', sam, '--yes', '--json'], {
      cache,
      ca: true,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/protection: TLS \(TLSv1\.[23]/);
    expect(result.json().summary).toMatchObject({ changed: 1 });
  });
});
