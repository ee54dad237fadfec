/**
 * Security defaults against the lab DC, each proven on the wire or on disk: the DC's certificate
 * and host name are verified; a simple bind never crosses the network in clear unless the admin
 * says so; there is no password option; the password never shows up in anything imctl writes
 * (stdout, stderr, -v and ldapts debug logs, reports, journals, LDIF), on success or failure;
 * and what imctl writes to disk is owner-only.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy, LdapOp } from '../support/fault-proxy.js';
import {
  addUsers,
  adminPassword,
  createOu,
  imctlProcess,
  imctlEnv,
  lab,
  ldapsearch,
  repoRoot,
  scratchDir,
  server,
  type RunResult,
  labTermination,
} from '../support/lab.js';

/** Every form in which the password could leak: as is, base64, UTF-16LE (what unicodePwd carries) and its base64, quoted. */
function secretForms(password: string): { text: string[]; bytes: Buffer[] } {
  const utf16 = Buffer.from(password, 'utf16le');
  const quoted16 = Buffer.from(`"${password}"`, 'utf16le');
  return {
    text: [
      password,
      Buffer.from(password).toString('base64'),
      utf16.toString('base64'),
      quoted16.toString('base64'),
      encodeURIComponent(password),
    ],
    bytes: [Buffer.from(password), utf16],
  };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)],
  );
}

describe('security defaults (against the lab DC)', () => {
  let ou: string;
  let password: string;
  const proxies: FaultProxy[] = [];
  const start = async (options: Parameters<typeof FaultProxy.start>[0] = {}) => {
    const proxy = await FaultProxy.start(options);
    proxies.push(proxy);
    return proxy;
  };

  beforeAll(async () => {
    ou = await createOu('secdef');
    password = adminPassword();
    expect(password.length).toBeGreaterThan(8);
    await addUsers(ou, [
      { sam: 'sd-1', cn: 'Defaults, One' },
      { sam: 'sd-2', cn: 'Defaults, Two' },
      { sam: 'sd-3', cn: 'Defaults, Three', im: { server: server('im-south') } },
      { sam: 'sd-4', cn: 'Defaults, Four' },
      { sam: 'sd-5', cn: 'Defaults, Five' },
    ]);
  });

  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
  });

  describe('TLS', () => {
    it('verifies the host name: the DC reached as 127.0.0.2, a name its certificate does not carry, is refused (exit 1) and nothing is written', async () => {
      // Same DC, same certificate, two ways in: 127.0.0.2 is not in the certificate, localhost is.
      const unnamed = await start({ listenHost: '127.0.0.2' });
      const named = await start();
      const refused = await imctlProcess(['enable', 'sd-1', '--server', 'im-south', '--yes'], {
        env: imctlEnv({ IMCTL_URL: `ldaps://127.0.0.2:${unnamed.port}` }),
      });
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(
        /TLS failed: the certificate of 127\.0\.0\.2 does not name this host \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
      );
      expect(unnamed.stats.accepted, 'the DC was reachable; only the name was wrong').toBeGreaterThan(0);
      // The handshake was abandoned before any application data: no bind, no request, nothing written.
      expect(unnamed.stats.clientRecords).toBe(0);
      expect((await ldapsearch(ou, '(&(sAMAccountName=sd-1)(msExchIMAddress=*))', ['1.1'])).length).toBe(0);
      const accepted = await imctlProcess(['show', 'jdoe', '--json'], {
        env: imctlEnv({ IMCTL_URL: named.url('localhost') }),
      });
      expect(accepted.code, accepted.stderr).toBe(0);
    });

    it('refuses a DC that offers only TLS 1.0/1.1 (exit 1), though the certificate is right', async () => {
      const old = await start({
        terminate: labTermination({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      });
      const result = await imctlProcess(['servers'], { env: imctlEnv({ IMCTL_URL: old.url() }) });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/TLS failed talking to localhost: .*(protocol|version)/i);
      expect(old.stats.clientOps.size, 'no LDAP message was exchanged').toBe(0);
    });

    it('verifies the issuer: a certificate that names the host but is checked against another CA is refused (exit 1)', async () => {
      const dir = scratchDir('imctl-otherca-');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'ca.key'),
          '-out',
          join(dir, 'ca.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=Some Other CA',
        ],
        { stdio: 'ignore' },
      );
      const result = await imctlProcess(['servers'], { env: imctlEnv({ IMCTL_CA_FILE: join(dir, 'ca.pem') }) });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        /TLS failed: the certificate of localhost is (not signed by a CA imctl trusts|signed by a CA imctl does not trust)/,
      );
      // And with no CA at all, the system store does not vouch for the lab's CA either.
      const none = await imctlProcess(['servers'], { env: imctlEnv({ IMCTL_CA_FILE: undefined }) });
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/TLS failed/);
    });
  });

  describe('cleartext', () => {
    it('a simple bind over ldap:// is refused before any connection is made (exit 2); --starttls encrypts before the bind; only --allow-cleartext sends the password in clear', async () => {
      const forms = secretForms(password);
      const onWire = (proxy: FaultProxy) => {
        const wire = Buffer.concat(proxy.stats.clientBytes);
        return forms.bytes.some((b) => wire.includes(b));
      };

      const plain = await start({ plainLdap: true, upstream: { host: '127.0.0.1', port: 389 }, capture: true });
      const refused = await imctlProcess(['servers'], {
        env: imctlEnv({ IMCTL_URL: `ldap://localhost:${plain.port}` }),
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /Refusing to send the password in clear text to ldap:\/\/localhost:\d+: use ldaps:\/\/, add --starttls/,
      );
      expect(plain.stats.accepted, 'imctl did not even connect').toBe(0);

      const startTls = await imctlProcess(['--starttls', 'show', 'jdoe', '--json'], {
        env: imctlEnv({ IMCTL_URL: `ldap://localhost:${plain.port}` }),
      });
      expect(startTls.code, startTls.stderr).toBe(0);
      expect(plain.stats.clientOps.get(LdapOp.ExtendedRequest), 'StartTLS was requested').toBeGreaterThan(0);
      expect(plain.stats.clientOps.get(LdapOp.BindRequest), 'no bind was seen in clear').toBeUndefined();
      expect(onWire(plain), 'the password crossed the wire in clear').toBe(false);

      const insecure = await start({ plainLdap: true, upstream: { host: '127.0.0.1', port: 389 }, capture: true });
      const allowed = await imctlProcess(['--allow-cleartext', 'servers'], {
        env: imctlEnv({ IMCTL_URL: `ldap://localhost:${insecure.port}` }),
      });
      expect(allowed.code).toBe(1);
      expect(allowed.stderr).toMatch(/requires an encrypted connection/);
      expect(
        onWire(insecure),
        'with --allow-cleartext the bind does go out in clear (which is what the flag means)',
      ).toBe(true);
    });

    it('a StartTLS refused by someone in the middle is not a reason to bind in clear (exit 1, no bind sent)', async () => {
      const stripper = await start({
        plainLdap: true,
        upstream: { host: '127.0.0.1', port: 389 },
        capture: true,
        onClientMessage: (message) =>
          message.op === LdapOp.ExtendedRequest
            ? { answer: 2, diagnostic: 'StartTLS not supported (forged)' }
            : 'forward',
      });
      const result = await imctlProcess(['--starttls', 'servers'], {
        env: imctlEnv({ IMCTL_URL: `ldap://localhost:${stripper.port}` }),
      });
      expect(result.code, result.stderr).toBe(1);
      expect(stripper.stats.clientOps.get(LdapOp.ExtendedRequest)).toBeGreaterThan(0);
      expect(stripper.stats.clientOps.get(LdapOp.BindRequest)).toBeUndefined();
      const wire = Buffer.concat(stripper.stats.clientBytes);
      expect(secretForms(password).bytes.some((b) => wire.includes(b))).toBe(false);
    });
  });

  describe('the password', () => {
    it.each([
      [['--password', 'Hunter2-Typed!', 'servers']],
      [['--password=Hunter2-Typed!', 'servers']],
      [['servers', '--password', 'Hunter2-Typed!']],
      [['enable', 'sd-1', '--pwd=Hunter2-Typed!', '--yes']],
    ])(
      'has no command-line option: %j is refused (exit 2), nothing is sent, and what followed is never echoed',
      async (args) => {
        const dc = await start();
        const result = await imctlProcess(args, { env: imctlEnv({ IMCTL_URL: dc.url() }) });
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/There is no password option: .*--password-file/);
        expect(result.stdout + result.stderr).not.toContain('Hunter2');
        expect(dc.stats.accepted, 'imctl did not connect').toBe(0);
      },
    );

    it('an unknown option written --name=value is not echoed with its value', async () => {
      const result = await imctlProcess(['servers', '--secret-thing=Hunter2-Typed!'], { env: imctlEnv() });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/unknown option '--secret-thing=…'/);
      expect(result.stderr).not.toContain('Hunter2');
    });

    it('--help offers no way to give a password on the command line', async () => {
      const help = await imctlProcess(['--help'], { env: imctlEnv() });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--password-file <file>/);
      expect(help.stdout).not.toMatch(/--password(?!-file)\b/);
    });

    it('never appears in stdout, stderr, -v or ldapts debug logs, reports, journals or LDIF — every command, success and failure', async () => {
      const forms = secretForms(password);
      const home = scratchDir('imctl-secrets-');
      const files = join(home, 'out');
      mkdirSync(files);
      // Every command runs against this file's OU (--base-dn): what is scanned is what a command
      // prints and writes, not its work over the 12,013 seeded users (servers, users and rebalance
      // would otherwise read the whole domain, ~5 s each).
      const base = imctlEnv({
        HOME: home,
        XDG_STATE_HOME: join(home, 'state'),
        XDG_CONFIG_HOME: join(home, 'config'),
        IMCTL_BASE_DN: ou,
      });
      const viaEnv = { ...base, IMCTL_PASSWORD: password, IMCTL_PASSWORD_FILE: undefined };
      const csv = join(files, 'rows.csv');
      writeFileSync(csv, 'user,action,server\nsd-4,enable,im-west\nsd-3,move,im-west\nno-such-user,enable,im-west\n');
      const f = (name: string) => join(files, name);
      const runs: { label: string; result: RunResult }[] = [];
      const run = async (label: string, args: string[], env: NodeJS.ProcessEnv = base, codes: number[] = [0]) => {
        const result = await imctlProcess(args, { env });
        runs.push({ label, result });
        expect(codes, `${label}: exit ${result.code}\n${result.stderr.slice(-2000)}`).toContain(result.code);
        return result;
      };

      // Success paths, every command, with -v, --json, --report and --ldif. The read-only ones and
      // the plans that write nothing to the directory are independent: they run at once.
      await Promise.all([
        run('servers -v', ['-v', 'servers']),
        run('servers --json', ['servers', '--json'], { ...viaEnv, NODE_DEBUG: 'ldapts' }),
        run('users', ['-v', 'users', '--server', 'im-south', '--limit', '3']),
        run('show', ['-v', 'show', 'sd-3']),
        run('show --json', ['show', 'sd-3', '--json'], viaEnv),
        run('enable --dry-run --ldif', [
          'enable',
          'sd-1',
          'sd-2',
          '--server',
          'im-south',
          '--dry-run',
          '--ldif',
          f('plan.ldif'),
        ]),
        run('enable --ldif -', ['enable', 'sd-1', '--server', 'im-south', '--ldif', '-'], viaEnv),
      ]);
      const enabled = await run(
        'enable',
        ['-v', 'enable', 'sd-1', 'sd-2', '--server', 'im-south', '--yes', '--report', f('enable.csv')],
        { ...base, NODE_DEBUG: 'ldapts' },
      );
      await run('move', ['move', 'sd-1', '--to', 'im-north', '--yes', '--json', '--report', f('move.json')], viaEnv);
      await run('disable', ['-v', 'disable', 'sd-2', '--yes', '--report', f('disable.jsonl')]);
      await run('import', ['-v', 'import', csv, '--skip-invalid', '--yes', '--report', f('import.csv')], base, [3]);
      // Rebalance plans against this file's OU: exit 0, or 2 when no plan fits. Neither writes to the directory.
      await Promise.all([
        run('rebalance', ['rebalance', '--json'], base, [0, 2]),
        run('rebalance --ldif', ['rebalance', '--ldif', f('rebalance.ldif')], viaEnv, [0, 2]),
        run(
          'resolve',
          ['resolve', 'sd-3@im.lab.imctl.test', '--check', '--dns-server', `127.0.0.1:${lab().dnsPort}`],
          base,
          [0, 3],
        ),
      ]);
      const journal = /Journal: (\S+)/.exec(enabled.stderr)?.[1];
      expect(journal).toBeTruthy();
      // sd-1 was moved since: undo leaves it alone and says so (exit 3).
      await run('undo --dry-run', ['undo', journal!, '--dry-run', '--json'], base, [3]);
      await run('undo', ['-v', 'undo', journal!, '--yes', '--report', f('undo.csv')], viaEnv, [0, 3]);

      // Failure paths, each with the password available to imctl.
      const fails: [string, string[], NodeJS.ProcessEnv, number][] = [
        ['wrong bind account', ['-v', 'servers'], { ...viaEnv, IMCTL_BIND_DN: `nobody-at-all@${lab().domain}` }, 1],
        ['untrusted certificate', ['-v', 'enable', 'sd-4', '--yes'], { ...base, IMCTL_CA_FILE: undefined }, 1],
        ['cleartext refused', ['servers'], { ...viaEnv, IMCTL_URL: lab().ldapUrl }, 2],
        [
          'cleartext allowed, DC refuses',
          ['--allow-cleartext', '-v', 'servers', '--json'],
          { ...viaEnv, IMCTL_URL: lab().ldapUrl },
          1,
        ],
        ['DC unreachable', ['-v', 'users'], { ...base, IMCTL_URL: 'ldaps://127.0.0.1:1' }, 1],
        ['the password file given as --config', ['--config', lab().adminPassword, 'servers'], base, 2],
        [
          'the password file given as the CSV',
          ['import', lab().adminPassword, '--report', f('wrong-file.json')],
          base,
          2,
        ],
        [
          'a URL with the password in it',
          ['servers'],
          { ...base, IMCTL_URL: `ldaps://Administrator:${encodeURIComponent(password)}@localhost` },
          2,
        ],
        ['unknown user', ['show', 'nobody-at-all', '--json'], viaEnv, 2],
        ['unknown server', ['move', 'sd-1', '--to', 'im-nowhere', '--yes'], base, 2],
        ['a journal that is not one', ['undo', lab().adminPassword, '--yes'], base, 2],
      ];
      // None of them writes to the directory (each fails before it could): they run at once.
      await Promise.all(fails.map(([label, args, env, code]) => run(label, args, env, [code])));

      // Scan everything written.
      let scanned = 0;
      for (const { label, result } of runs) {
        for (const form of forms.text) {
          expect(result.stdout.includes(form), `${label}: stdout`).toBe(false);
          expect(result.stderr.includes(form), `${label}: stderr`).toBe(false);
        }
        scanned++;
      }
      const written = [...filesUnder(files), ...filesUnder(join(home, 'state'))].filter((p) => p !== csv);
      expect(
        written.filter((p) => p.endsWith('.jsonl') && p.includes('journal')).length,
        'journals written',
      ).toBeGreaterThanOrEqual(4);
      expect(written.length).toBeGreaterThanOrEqual(12);
      for (const path of written) {
        const bytes = readFileSync(path);
        for (const form of forms.bytes) expect(bytes.includes(form), path).toBe(false);
        for (const form of forms.text) expect(bytes.includes(Buffer.from(form)), path).toBe(false);
        // Owner-only, every one of them.
        expect((statSync(path).mode & 0o777).toString(8), path).toBe('600');
      }
      expect((statSync(join(home, 'state', 'imctl', 'journal')).mode & 0o777).toString(8)).toBe('700');
      expect(scanned).toBe(runs.length);
      // The redaction is not hiding a leak of the password file's name or other ordinary text.
      expect(runs.find((r) => r.label === 'the password file given as the CSV')!.result.stderr).toMatch(
        /found "\*{8}"/,
      );
    }, 300_000); // ~27 imctl runs, each scanned: minutes on a loaded 2-core machine
  });

  describe('files on disk', () => {
    it('journal, report and LDIF are created 0600 and the journal folder 0700 even with umask 000; existing ones are tightened', async () => {
      const home = scratchDir('imctl-modes-');
      const journalDir = join(home, 'state', 'imctl', 'journal');
      mkdirSync(journalDir, { recursive: true });
      chmodSync(journalDir, 0o755);
      const oldReport = join(home, 'old-report.csv');
      const oldLdif = join(home, 'old-plan.ldif');
      writeFileSync(oldReport, 'old');
      writeFileSync(oldLdif, 'old');
      chmodSync(oldReport, 0o644);
      chmodSync(oldLdif, 0o666);
      const env = imctlEnv({ HOME: home, XDG_STATE_HOME: join(home, 'state') });
      const withUmask0 = (args: string[]) =>
        new Promise<number>((resolve) => {
          const child = spawn(
            'sh',
            ['-c', 'umask 000; exec "$0" "$@"', process.execPath, join(repoRoot, 'bin', 'imctl'), ...args],
            { env, stdio: 'ignore' },
          );
          child.on('close', (code) => resolve(code ?? -1));
        });
      expect(
        await withUmask0(['enable', 'sd-5', '--server', 'im-west', '--yes', '--report', join(home, 'new-report.json')]),
      ).toBe(0);
      expect(await withUmask0(['disable', 'sd-5', '--yes', '--report', oldReport])).toBe(0);
      // Two plans (no write, no journal), independent of each other: at once.
      expect(
        await Promise.all([
          withUmask0(['enable', 'sd-5', '--server', 'im-west', '--ldif', join(home, 'new-plan.ldif')]),
          withUmask0(['enable', 'sd-5', '--server', 'im-west', '--ldif', oldLdif]),
        ]),
      ).toEqual([0, 0]);
      const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
      expect(mode(journalDir)).toBe('700');
      const journals = readdirSync(journalDir);
      expect(journals).toHaveLength(2);
      for (const j of journals) expect(mode(join(journalDir, j))).toBe('600');
      for (const p of ['new-report.json', 'old-report.csv', 'new-plan.ldif', 'old-plan.ldif'])
        expect(mode(join(home, p)), p).toBe('600');
      expect(readFileSync(oldLdif, 'utf8')).toMatch(/^version: 1/);
    });
  });
});
