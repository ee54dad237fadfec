/**
 * The config-file trust model (docs/security.md): an imctl.json in the current folder — a cloned
 * repository — may not choose where credentials go or weaken transport unless the user trusts the
 * folder. Proven with a listener that records what imctl would send it.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { loadSettings } from '../../src/config/settings.js';
import { DEFAULT_CONCURRENCY } from '../../src/core/limits.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'imctl-trust-')));
let n = 0;
function folder(name: string): string {
  const dir = join(root, `${name}-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
function json(path: string, data: unknown, mode = 0o600): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(data), { mode });
  chmodSync(path, mode);
  return path;
}

/** A TCP listener that keeps every byte anyone sends it. */
let listener: Server;
let port = 0;
const received: Buffer[] = [];
let connections = 0;
beforeAll(async () => {
  listener = createServer((socket) => {
    connections++;
    socket.on('data', (chunk) => received.push(chunk));
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
});
afterAll(() => listener.close());

async function imctl(argv: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
  let stdout = '';
  let stderr = '';
  streams.stdout.on('data', (c) => (stdout += c));
  streams.stderr.on('data', (c) => (stderr += c));
  const code = await run(['node', 'imctl', ...argv], { streams, env, cwd });
  return { code, stdout, stderr };
}

describe('a hostile imctl.json in the current folder', () => {
  it("cannot send the admin's password, or a private key, to its own server", async () => {
    const home = folder('home');
    const key = json(join(home, '.ssh', 'id_ed25519'), 'PRIVATE-KEY-MATERIAL'); // any private file of the user's
    const repo = folder('cloned-repo');
    json(
      join(repo, 'imctl.json'),
      {
        url: `ldap://127.0.0.1:${port}`,
        allowCleartext: true,
        bindDn: 'x',
        passwordFile: key,
        baseDn: 'OU=Project,DC=corp,DC=example',
      },
      0o644,
    );
    const env = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_STATE_HOME: join(home, '.state'),
      IMCTL_PASSWORD: 'Adm1n-Real-Pw',
    };

    const before = connections;
    const result = await imctl(['servers'], repo, env);
    expect(connections).toBe(before);
    expect(Buffer.concat(received).toString('latin1')).not.toMatch(/Adm1n-Real-Pw|PRIVATE-KEY-MATERIAL/);
    expect(result.stderr).toContain(
      `Ignoring "url", "bindDn", "passwordFile", "allowCleartext", "baseDn" in ${join(repo, 'imctl.json')}`,
    );
    expect(result.stderr).toContain('trustedFolders');
    expect(result.code).toBe(2); // no URL left: the admin's own settings decide, and there are none here
  });

  it("with the user's own config, the project file's plain keys apply; the connection and what is written stay the user's", () => {
    const home = folder('home');
    json(join(home, '.config', 'imctl', 'config.json'), {
      url: 'ldaps://dc1.corp.example',
      bindDn: 'me@corp.example',
      caFile: '/etc/ssl/corp.pem',
    });
    const repo = folder('repo');
    json(join(repo, 'imctl.json'), {
      url: 'ldap://attacker.example',
      allowCleartext: true,
      caFile: 'evil-ca.pem',
      saslLayer: 'sign',
      concurrency: 4,
    });
    const settings = loadSettings({}, { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, repo);
    expect(settings).toMatchObject({
      urls: ['ldaps://dc1.corp.example'],
      allowCleartext: false,
      caFile: '/etc/ssl/corp.pem',
      saslLayer: 'seal',
      concurrency: 4,
    });
    expect(settings.configFiles.map((f) => f.trust)).toEqual(['user', 'project']);
    expect(settings.warnings).toHaveLength(1);
  });

  it('applies in full in a folder the user lists in "trustedFolders", or when named with --config', () => {
    const home = folder('home');
    const repo = folder('my-own-repo');
    json(join(home, '.config', 'imctl', 'config.json'), { trustedFolders: [repo] });
    json(join(repo, 'imctl.json'), { url: 'ldaps://dc9.corp.example', caFile: 'ca.pem' });
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const trusted = loadSettings({}, env, repo);
    expect(trusted).toMatchObject({ urls: ['ldaps://dc9.corp.example'], caFile: join(repo, 'ca.pem'), warnings: [] });
    expect(trusted.configFiles.at(-1)?.trust).toBe('trusted-project');

    const elsewhere = folder('not-listed');
    json(join(elsewhere, 'imctl.json'), { url: 'ldaps://dc9.corp.example' });
    expect(loadSettings({}, env, elsewhere).urls).toEqual([]);
    expect(loadSettings({ config: join(elsewhere, 'imctl.json') }, env, elsewhere).urls).toEqual([
      'ldaps://dc9.corp.example',
    ]);
  });

  it('cannot trust itself or other folders', () => {
    const home = folder('home');
    const repo = folder('repo');
    json(join(repo, 'imctl.json'), { trustedFolders: [repo], url: 'ldaps://x.example' });
    const settings = loadSettings({}, { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, repo);
    expect(settings.urls).toEqual([]);
    expect(settings.warnings[0]).toContain('"trustedFolders"');
  });

  // Which keys are protected is the registry's fact: test/config/option-registry.test.ts lists them.
  it('cannot choose the IM domain written into accounts, the users in scope, or the servers picked by load (issue 29, 8)', () => {
    const home = folder('home');
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    json(join(home, '.config', 'imctl', 'config.json'), { imDomain: 'im.corp.example' });
    const cloned = {
      imDomain: 'im.attacker.example',
      baseDn: 'DC=corp,DC=example',
      capacity: 0,
      servers: { 'im-east': { capacity: 0 } },
      load: 'active',
      activeDays: 1,
    };
    const repo = folder('cloned-repo');
    json(join(repo, 'imctl.json'), cloned);
    const settings = loadSettings({}, env, repo);
    expect(settings).toMatchObject({
      imDomain: 'im.corp.example',
      baseDn: undefined,
      capacity: 7500,
      serverCapacity: {},
      load: 'homed',
      activeDays: 30,
    });
    expect(settings.warnings).toEqual([
      expect.stringContaining(
        `Ignoring "baseDn", "imDomain", "capacity", "load", "activeDays", "servers" in ${join(repo, 'imctl.json')}`,
      ),
    ]);
    // The user's own folder, listed in trustedFolders, still sets them.
    json(join(home, '.config', 'imctl', 'config.json'), { imDomain: 'im.corp.example', trustedFolders: [repo] });
    expect(loadSettings({}, env, repo)).toMatchObject({ imDomain: 'im.attacker.example', capacity: 0, load: 'active' });
  });

  it("a project file someone else owns (a planted /tmp/imctl.json) is ignored whole; the user's own such file is refused", () => {
    if (process.getuid?.() !== 0) return expect(process.getuid).toBeDefined(); // giving files away needs root
    const home = folder('home');
    const shared = folder('shared');
    chmodSync(shared, 0o1777);
    const planted = json(join(shared, 'imctl.json'), { capacity: 1 });
    chownSync(planted, 65534, 65534);
    const settings = loadSettings({}, { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, shared);
    expect(settings.capacity).toBe(7500);
    expect(settings.warnings[0]).toContain('belongs to another user (uid 65534)');

    const mine = json(join(home, '.config', 'imctl', 'config.json'), { capacity: 2 }, 0o666);
    expect(() => loadSettings({}, { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, folder('cwd'))).toThrow(
      `Refusing the config file ${mine}: anyone on this machine can change it`,
    );
  });

  it('cleartext the user allowed is never silent', async () => {
    const home = folder('home');
    const env = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_STATE_HOME: join(home, '.state'),
      IMCTL_PASSWORD: 'Typed-On-Purpose',
      IMCTL_BIND_DN: 'me@corp.example',
    };
    const result = await imctl(
      ['--url', `ldap://127.0.0.1:${port}`, '--allow-cleartext', '--timeout', '1', 'servers'],
      folder('cwd'),
      env,
    );
    expect(result.stderr).toContain(
      `warning: Sending the bind password in clear text to ldap://127.0.0.1:${port} (allowed by --allow-cleartext)`,
    );
    expect(result.stderr).not.toContain('Typed-On-Purpose');
    expect(result.code).toBe(1);
  });
});

/**
 * Issue 29, 3: a config file is opened once and judged on that open file and every folder above
 * it, never by a path looked up again: another user of the machine must not be able to swap it.
 */
describe('a config file another user could swap', () => {
  const asRoot = process.getuid?.() === 0; // giving files away and running as uid 65534 need root
  const envOf = (home: string) => ({ HOME: home, XDG_CONFIG_HOME: join(home, '.config') });
  const mine = (name: string, data: unknown, mode = 0o600) => json(join(folder(name), 'imctl.json'), data, mode);

  it.runIf(asRoot)(
    'a symlink flipped by another user between a root-owned file and theirs, in a shared trusted folder, is never read',
    async () => {
      const base = mkdtempSync(join(tmpdir(), 'imctl-flip-'));
      chmodSync(base, 0o755); // uid 65534 must reach it
      const team = join(base, 'team');
      mkdirSync(team);
      chmodSync(team, 0o1777); // a shared folder, as /tmp is
      const good = json(join(base, 'good.json'), { url: 'ldaps://dc1.corp.example' }, 0o644);
      const evil = json(join(base, 'evil.json'), { url: 'ldaps://attacker.example' }, 0o644);
      chownSync(evil, 65534, 65534);
      const home = folder('home');
      json(join(home, '.config', 'imctl', 'config.json'), { trustedFolders: [team] });
      const flip = [
        "const fs = require('node:fs');",
        "const [link, a, b] = process.argv.slice(1); const tmp = link + '.tmp';",
        'for (let i = 0; ; i++) { try { fs.unlinkSync(tmp); } catch {} fs.symlinkSync(i % 2 ? b : a, tmp); fs.renameSync(tmp, link); }',
      ].join('\n');
      const attacker = spawn(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          '-e',
          flip,
          join(team, 'imctl.json'),
          good,
          evil,
        ],
        { stdio: 'ignore' },
      );
      try {
        while (!existsSync(join(team, 'imctl.json'))) await new Promise((r) => setTimeout(r, 10));
        const seen = new Set<string>();
        const warnings = new Set<string>();
        for (const end = Date.now() + 2000; Date.now() < end;) {
          const settings = loadSettings({}, envOf(home), team);
          for (const url of settings.urls) seen.add(url);
          for (const warning of settings.warnings) warnings.add(warning.replace(/: .*/, ''));
        }
        expect(seen.has('ldaps://attacker.example')).toBe(false);
        // Not the root-owned file either: the folder is one anyone can write to.
        expect([...seen]).toEqual([]);
        expect([...warnings]).toEqual([`Ignoring ${join(team, 'imctl.json')}`]);
      } finally {
        attacker.kill();
      }
    },
    20_000,
  );

  it("a symlink at ./imctl.json is not followed, even in a folder of the user's own (a cloned repository brings its links)", () => {
    const target = mine('elsewhere', { concurrency: 9 });
    const repo = folder('repo');
    symlinkSync(target, join(repo, 'imctl.json'));
    const settings = loadSettings({}, envOf(folder('home')), repo);
    expect(settings.concurrency).not.toBe(9);
    expect(settings.warnings).toEqual([expect.stringContaining('it is a symbolic link')]);
  });

  it.runIf(asRoot)('a project folder another user owns is ignored, trusted or not', () => {
    const home = folder('home');
    const file = mine('theirs', { concurrency: 9, url: 'ldaps://dc9.corp.example' });
    const repo = join(file, '..');
    chownSync(repo, 65534, 65534);
    json(join(home, '.config', 'imctl', 'config.json'), { trustedFolders: [repo] });
    const settings = loadSettings({}, envOf(home), repo);
    expect([settings.concurrency, settings.urls]).toEqual([DEFAULT_CONCURRENCY, []]);
    expect(settings.warnings).toEqual([
      expect.stringContaining(`Ignoring ${file}: the folder ${repo} belongs to another user (uid 65534)`),
    ]);
  });

  it.each(['777', '775', '1777'])('a project folder others can write (mode %s) is ignored, trusted or not', (mode) => {
    const home = folder('home');
    const file = mine('shared', { concurrency: 9 });
    const repo = join(file, '..');
    chmodSync(repo, parseInt(mode, 8));
    json(join(home, '.config', 'imctl', 'config.json'), { trustedFolders: [repo] });
    const settings = loadSettings({}, envOf(home), repo);
    expect(settings.concurrency).toBe(DEFAULT_CONCURRENCY);
    expect(settings.warnings).toEqual([expect.stringMatching(/can write to the folder .* \(mode \d+\)/)]);
  });

  it('a folder above it that others can write is refused; a sticky one (/tmp) is not', () => {
    const above = folder('above');
    const repo = join(above, 'repo');
    json(join(repo, 'imctl.json'), { concurrency: 9 });
    chmodSync(above, 0o777);
    const refused = loadSettings({}, envOf(folder('home')), repo);
    expect(refused.concurrency).toBe(DEFAULT_CONCURRENCY);
    expect(refused.warnings).toEqual([
      expect.stringContaining(`anyone on this machine can write to the folder ${above} (mode 777)`),
    ]);
    chmodSync(above, 0o1777);
    expect(loadSettings({}, envOf(folder('home')), repo)).toMatchObject({ concurrency: 9, warnings: [] });
  });

  it("the user's own config.json in a folder others can write is refused; as a link (a dotfiles folder) it is read", () => {
    const home = folder('home');
    const config = json(join(home, '.config', 'imctl', 'config.json'), { concurrency: 9 });
    chmodSync(join(home, '.config', 'imctl'), 0o777);
    expect(() => loadSettings({}, envOf(home), folder('cwd'))).toThrow(
      `Refusing the config file ${config}: anyone on this machine can write to the folder ${join(home, '.config', 'imctl')}`,
    );
    chmodSync(join(home, '.config', 'imctl'), 0o700);
    const dotfile = json(join(home, 'dotfiles', 'imctl.json'), { concurrency: 8 });
    rmSync(config);
    symlinkSync(dotfile, config);
    expect(loadSettings({}, envOf(home), folder('cwd')).concurrency).toBe(8);
  });

  it('a FIFO at ./imctl.json is ignored at once (it would block the read forever)', () => {
    const repo = folder('fifo');
    execFileSync('mkfifo', [join(repo, 'imctl.json')]);
    const settings = loadSettings({}, envOf(folder('home')), repo);
    expect(settings.warnings).toEqual([expect.stringContaining('it is not a regular file')]);
  });

  it.runIf(asRoot)(
    "--config is still anything the user names: another user's file in a shared folder, a pipe",
    async () => {
      const shared = folder('shared');
      chmodSync(shared, 0o777);
      const theirs = json(join(shared, 'imctl.json'), { concurrency: 7 }, 0o666);
      chownSync(theirs, 65534, 65534);
      expect(loadSettings({ config: theirs }, {}, shared).concurrency).toBe(7);
      const pipe = join(folder('pipe'), 'config.json');
      execFileSync('mkfifo', [pipe]);
      const writer = spawn('sh', ['-c', `printf '{"concurrency": 6}' > "$1"`, 'sh', pipe]);
      expect(loadSettings({ config: pipe }, {}, shared).concurrency).toBe(6);
      await new Promise((resolve) => writer.on('exit', resolve));
    },
  );
});
