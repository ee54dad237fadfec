/**
 * Kerberos sign-in against the lab DC (Samba's own KDC): every command with `--auth kerberos`
 * after kinit, with no password anywhere in imctl's environment; writes checked by an independent
 * client (OpenLDAP's ldapsearch with its own SASL GSSAPI bind); each Kerberos failure produced for
 * real; and a delegated operator whose rights cover one OU only.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/commands/wizard/equivalent-command.js';
import { gssapiSearch, kerberosEnv, kerberosScratch, kinit, krb } from '../support/kerberos.js';
import {
  IM_ATTRS,
  addUsers,
  createOu,
  imctlProcess,
  imctlEnv,
  lab,
  readEntry,
  repoRoot,
  scratchDir,
  server,
  runProcess,
} from '../support/lab.js';

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const cacheDir = kerberosScratch();

const imOf = async (cache: string, dn: string) =>
  (await gssapiSearch(cache, dn, '(objectClass=*)', IM_ATTRS, 'base'))[0]!.attrs;

describe('--auth kerberos: every command with a ticket and no password', () => {
  let admin: string;
  let ou: string;
  let dns1: string[];
  const west = () => server('im-west');
  const south = () => server('im-south');

  beforeAll(async () => {
    admin = await kinit(krb().adminPrincipal, lab().adminPassword);
    ou = await createOu('kerberos');
    dns1 = await addUsers(ou, [
      { sam: 'krb-ann', cn: 'Kerberos, Ann' },
      { sam: 'krb-bob', cn: 'Kerberos, Bob' },
      { sam: 'krb-cy', cn: 'Kerberos, Cy', im: { server: server('im-north') } },
    ]);
  });

  it('reads no password: a password file that does not exist is never opened', async () => {
    const env = kerberosEnv(admin, { IMCTL_PASSWORD_FILE: join(cacheDir, 'no-such-password-file') });
    expect((await imctlProcess(['servers'], { env: { ...env, IMCTL_BIND_DN: lab().adminUpn } })).stderr).toMatch(
      /Cannot read the password file/,
    );
    const result = await imctlProcess(['--auth', 'kerberos', 'show', 'krb-cy', '--json'], {
      env: { ...env, IMCTL_BIND_DN: lab().adminUpn },
    });
    expect(result.code, result.stderr).toBe(0);
  });

  it('servers: binds with the ticket and says as whom under -v', async () => {
    // Over OU=Audit: the bind is the point, not a count of the domain.
    const result = await imctlProcess(['--auth', 'kerberos', '-v', 'servers', '--json', '--base-dn', lab().audit.ou], {
      env: kerberosEnv(admin),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/auth kerberos \(flag\): bound as Administrator@LAB\.IMCTL\.TEST/);
    expect(result.stderr).toMatch(/connected to dc1\.lab\.imctl\.test/);
    expect(result.json().servers.map((s: { name: string }) => s.name)).toContain('im-east');
  });

  it('is the default when no bind DN is configured and a ticket cache exists (IMCTL_AUTH or -v says which)', async () => {
    const result = await imctlProcess(['-v', 'users', '--server', 'im-south', '--limit', '3', '--json'], {
      env: kerberosEnv(admin),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/auth kerberos \(default\): bound as Administrator@LAB\.IMCTL\.TEST/);
    expect(result.json().users).toHaveLength(3);
  });

  it('show', async () => {
    const result = await imctlProcess(['--auth', 'kerberos', 'show', 'krb-cy', '--json'], { env: kerberosEnv(admin) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ sAMAccountName: 'krb-cy', imEnabled: true, homeServer: 'im-north' });
  });

  it('enable, move, undo, disable: written as checked by ldapsearch -Y GSSAPI; the journal names the principal', async () => {
    const env = kerberosEnv(admin);
    const enable = await imctlProcess(
      ['--auth', 'kerberos', 'enable', 'krb-ann', 'krb-bob', '--server', 'im-south', '--yes', '--json'],
      { env },
    );
    expect(enable.code, enable.stderr).toBe(0);
    expect(enable.json().summary).toMatchObject({ changed: 2, failed: 0 });
    expect((await imOf(admin, dns1[0]!)).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(south().dn.toLowerCase());
    expect((await imOf(admin, dns1[1]!)).msexchimaddress).toEqual([`krb-bob@${lab().imDomain}`]);
    const header = JSON.parse(readFileSync(enable.json().journal, 'utf8').split('\n')[0]!);
    expect(header).toMatchObject({
      type: 'run',
      command: 'enable',
      server: 'dc1.lab.imctl.test',
      boundAs: 'Administrator@LAB.IMCTL.TEST',
    });

    const move = await imctlProcess(['--auth', 'kerberos', 'move', 'krb-ann', '--to', 'im-west', '--yes', '--json'], {
      env,
    });
    expect(move.code, move.stderr).toBe(0);
    expect((await imOf(admin, dns1[0]!)).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(west().dn.toLowerCase());

    const undo = await imctlProcess(['--auth', 'kerberos', 'undo', move.json().journal, '--yes', '--json'], { env });
    expect(undo.code, undo.stderr).toBe(0);
    expect((await imOf(admin, dns1[0]!)).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(south().dn.toLowerCase());

    const disable = await imctlProcess(['--auth', 'kerberos', 'disable', 'krb-ann', 'krb-bob', '--yes', '--json'], {
      env,
    });
    expect(disable.code, disable.stderr).toBe(0);
    for (const dn of dns1.slice(0, 2)) expect(await imOf(admin, dn)).toEqual({});
  });

  it('import', async () => {
    const dir = scratchDir('imctl-krb-import-');
    const csv = join(dir, 'staff.csv');
    writeFileSync(csv, 'user,action,server\nkrb-ann,enable,im-west\nkrb-cy,move,im-south\n');
    const result = await imctlProcess(['--auth', 'kerberos', 'import', csv, '--yes', '--json'], {
      env: kerberosEnv(admin),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().summary).toMatchObject({ changed: 2, failed: 0 });
    expect((await imOf(admin, dns1[0]!)).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(west().dn.toLowerCase());
    expect((await imOf(admin, dns1[2]!)).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(south().dn.toLowerCase());
  });

  it('rebalance --dry-run', async () => {
    const result = await imctlProcess(['--auth', 'kerberos', 'rebalance', '--dry-run', '--json'], {
      env: kerberosEnv(admin),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ feasible: true });
    expect(result.json().moves).toBeGreaterThan(0);
  });

  it('resolve --check', async () => {
    const result = await imctlProcess(
      ['--auth', 'kerberos', 'resolve', 'jdoe@im.lab.imctl.test', '--check', '--json'],
      {
        env: kerberosEnv(admin),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().check.account).toMatchObject({ sAMAccountName: 'jdoe', homeServer: 'im-east' });
  });
});

describe('the wizard at a terminal (tmux)', () => {
  it('names the principal it is bound as in its header', async () => {
    const socket = `imctl-krb-wizard-${process.pid}`;
    const tmux = (...args: string[]) =>
      execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, TERM: 'xterm-256color' },
      });
    const cache = await kinit(krb().adminPrincipal, lab().adminPassword);
    const vars = Object.entries({ ...kerberosEnv(cache), TERM: 'screen-256color' }).map(([k, v]) =>
      shellQuote(`${k}=${v}`),
    );
    tmux(
      'new-session',
      '-d',
      '-x',
      '200',
      '-y',
      '50',
      '-s',
      'w',
      `cd ${shellQuote(repoRoot)} && env -i ${vars.join(' ')} ${shellQuote(process.execPath)} bin/imctl wizard; sleep 600`,
    );
    try {
      const deadline = Date.now() + 20_000;
      let screen = '';
      while (!/What do you want to do/.test(screen) && Date.now() < deadline) {
        await sleep(100);
        screen = tmux('capture-pane', '-p', '-J', '-t', 'w');
      }
      expect(screen).toMatch(
        /Connected to ldap:\/\/127\.0\.0\.1:389 \(dc1\.lab\.imctl\.test\) as Administrator@LAB\.IMCTL\.TEST; users under DC=lab,DC=imctl,DC=test\./,
      );
      expect(screen).not.toMatch(/[Pp]assword/);
    } finally {
      tmux('kill-server');
    }
  });
});

describe('--auth kerberos: each failure, for real, in a sentence (exit 1)', () => {
  let admin: string;
  beforeAll(async () => {
    admin = await kinit(krb().adminPrincipal, lab().adminPassword);
  });

  const fails = async (env: NodeJS.ProcessEnv, pattern: RegExp, args: string[] = []) => {
    const result = await imctlProcess(['--auth', 'kerberos', ...args, 'servers'], { env });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/Minor code|GSS failure/);
    return result;
  };

  it('no ticket cache: "run kinit"', async () => {
    await fails(kerberosEnv(`FILE:${join(cacheDir, 'never-created')}`), /^error: No Kerberos ticket: run kinit/);
  });

  it('an expired ticket', async () => {
    const cache = await kinit(krb().adminPrincipal, lab().adminPassword, { lifetime: '2s' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await fails(kerberosEnv(cache), /^error: Your Kerberos ticket has expired: run kinit again/);
  });

  it('clock skew: a ticket cache obtained with a clock one hour ahead (libfaketime) used with the real one', async () => {
    // MIT krb5 records the clock's offset from the KDC in the cache (kdc_timesync) and applies it
    // afterwards: the same as a clock that was put back after kinit. (imctl itself cannot run under
    // libfaketime: the kerberos package loads libkrb5 with RTLD_DEEPBIND, past LD_PRELOAD.)
    const cache = await kinit(krb().adminPrincipal, lab().adminPassword, {
      extraEnv: { LD_PRELOAD: FAKETIME_LIB, FAKETIME: '+1h' },
    });
    await fails(
      kerberosEnv(cache),
      /^error: This computer's clock and the domain's .* differ by more than Kerberos allows/,
    );
  });

  it('the DC reached by its address: the SPN needs its real host name', async () => {
    await fails(
      kerberosEnv(admin, { IMCTL_DOMAIN: undefined }),
      /^error: Kerberos needs the domain controller's real host name, but it was reached by the address 127\.0\.0\.1/,
      ['--url', 'ldaps://127.0.0.1'],
    );
  });

  it('the DC reached by an alias (localhost): no such service principal, connect by the real name', async () => {
    await fails(
      kerberosEnv(admin, { IMCTL_DOMAIN: undefined }),
      /^error: The domain has no Kerberos service ldap\/localhost: connect by the domain controller's real host name/,
      ['--url', 'ldaps://localhost'],
    );
  });

  it('the KDC unreachable (krb5.conf names a port where nothing listens)', async () => {
    const dir = scratchDir('imctl-krb-dead-');
    const conf = join(dir, 'krb5.conf');
    // Every KDC of the realm (dc1's and dc2's) points at the dead port.
    writeFileSync(conf, readFileSync(krb().krb5Conf, 'utf8').replace(/^(\s*)kdc = \S+$/gm, '$1kdc = 127.0.0.1:1'));
    // A cache with only the TGT: the service ticket for ldap/ must come from the (dead) KDC.
    const tgtOnly = await kinit(krb().adminPrincipal, lab().adminPassword);
    await fails(kerberosEnv(tgtOnly, { KRB5_CONFIG: conf }), /^error: No Kerberos KDC of the realm answered/);
  });

  it('without the kerberos package: --auth kerberos says what to install, simple binds still work', async () => {
    // A copy of the built imctl whose node_modules has everything but kerberos.
    const dir = scratchDir('imctl-no-kerberos-');
    cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(repoRoot, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
    mkdirSync(join(dir, 'node_modules'));
    for (const name of readdirSync(join(repoRoot, 'node_modules'))) {
      if (name !== 'kerberos' && !name.startsWith('.'))
        symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
    }
    const binary = join(dir, 'bin', 'imctl');
    const withoutPackage = await runProcess(process.execPath, [binary, '--auth', 'kerberos', 'servers'], {
      env: kerberosEnv(admin),
    });
    expect(withoutPackage.code, withoutPackage.stderr).toBe(1);
    expect(withoutPackage.stderr).toMatch(
      /^error: Kerberos sign-in needs the optional "kerberos" package, which did not load: install .*libkrb5-dev/,
    );
    const simple = await runProcess(process.execPath, [binary, 'show', 'jdoe', '--json'], { env: imctlEnv() });
    expect(simple.code, simple.stderr).toBe(0);
  });
});

describe('a delegated IM operator (rights on one OU only)', () => {
  it('writes the users of its OU and fails with insufficient access on the others: exit 3', async () => {
    const facts = krb();
    const [inside] = await addUsers(facts.operator.ou, [{ sam: `pilot-${process.pid}`, cn: `Pilot ${process.pid}` }]);
    const elsewhere = await createOu('kerberos-not-delegated');
    const [outside] = await addUsers(elsewhere, [
      { sam: `nodeleg-${process.pid}`, cn: `No Delegation ${process.pid}` },
    ]);
    const before = await readEntry(outside!);
    const operator = await kinit(facts.operator.principal, facts.operator.passwordFile);

    const result = await imctlProcess(
      [
        '--auth',
        'kerberos',
        '-v',
        'enable',
        `pilot-${process.pid}`,
        `nodeleg-${process.pid}`,
        '--server',
        'im-south',
        '--yes',
        '--json',
      ],
      { env: kerberosEnv(operator) },
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/bound as imop@LAB\.IMCTL\.TEST/);
    const byUser = Object.fromEntries(result.json().results.map((r: { user: string }) => [r.user, r]));
    expect(byUser[`pilot-${process.pid}`]).toMatchObject({ outcome: 'changed' });
    expect(byUser[`nodeleg-${process.pid}`]).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/insufficient access/),
    });

    const admin = await kinit(facts.adminPrincipal, lab().adminPassword);
    expect((await imOf(admin, inside!)).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(
      server('im-south').dn.toLowerCase(),
    );
    expect(await imOf(admin, outside!)).toEqual({});
    expect((await readEntry(outside!))!.attrs.usnchanged).toEqual(before!.attrs.usnchanged);
  });
});
