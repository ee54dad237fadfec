/**
 * The connection layer against the lab DC: TLS verification, bind name forms, failover,
 * refusal of cleartext, and AD's bind diagnostics translated into sentences with exit codes.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOu, imctlEnv, lab, ldapmodify } from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';

function passwordLdif(dn: string, password: string, uac: number, extra = ''): string {
  const encoded = Buffer.from(`"${password}"`, 'utf16le').toString('base64');
  return `dn: ${dn}\nchangetype: add\nobjectClass: user\nsAMAccountName: ${/CN=([^,]+)/.exec(dn)![1]}\nunicodePwd:: ${encoded}\nuserAccountControl: ${uac}\n${extra}\n`;
}

describe('connecting and binding (against the lab DC)', () => {
  const password = 'Conn-Test-Pass-1!';
  let ou: string;

  beforeAll(async () => {
    ou = await createOu('conn');
    const result = await ldapmodify(
      [
        passwordLdif(`CN=cn-ok,${ou}`, password, 512),
        passwordLdif(`CN=cn-disabled,${ou}`, password, 514),
        passwordLdif(`CN=cn-mustchange,${ou}`, password, 512, 'pwdLastSet: 0\n'),
      ].join('\n'),
    );
    expect(result.code, result.stderr).toBe(0);
  });

  const as = (bindDn: string, pw: string, extra: Record<string, string | undefined> = {}) =>
    imctlEnv({ IMCTL_BIND_DN: bindDn, IMCTL_PASSWORD: pw, IMCTL_PASSWORD_FILE: undefined, ...extra });

  it.each([
    ['a UPN', () => lab().adminUpn],
    ['a DN', () => lab().adminDn],
    ['DOMAIN\\user', () => lab().adminNetbios],
  ])('binds with %s', async (_kind, name) => {
    const result = await imctlHere(['show', 'jdoe', '--json'], { env: imctlEnv({ IMCTL_BIND_DN: name() }) });
    expect(result.code, result.stderr).toBe(0);
  });

  it('a wrong password (data 52e) says so, exit 1', async () => {
    const result = await imctlHere(['servers'], { env: as(`cn-ok@${lab().domain}`, 'wrong-password') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/password for the bind account is wrong/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a disabled account (data 533) says so', async () => {
    const result = await imctlHere(['servers'], { env: as(`cn-disabled@${lab().domain}`, password) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bind account is disabled/);
  });

  it('an account that must change its password (data 773) says so', async () => {
    const result = await imctlHere(['servers'], { env: as(`cn-mustchange@${lab().domain}`, password) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/must change its password/);
  });

  it('an unknown bind account gets a clear message', async () => {
    const result = await imctlHere(['servers'], { env: as(`nobody-here@${lab().domain}`, password) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bind account does not exist|password for the bind account is wrong|refused/);
  });

  it('a locked-out account (data 775) says so', async () => {
    // Lockout after 3 bad passwords, for this test only.
    const policy = (threshold: number) =>
      `dn: ${lab().baseDn}\nchangetype: modify\nreplace: lockoutThreshold\nlockoutThreshold: ${threshold}\n-\n\n`;
    expect((await ldapmodify(policy(3))).code).toBe(0);
    try {
      await ldapmodify(passwordLdif(`CN=cn-locked,${ou}`, password, 512));
      for (let i = 0; i < 4; i++) await imctlHere(['servers'], { env: as(`cn-locked@${lab().domain}`, 'wrong') });
      const result = await imctlHere(['servers'], { env: as(`cn-locked@${lab().domain}`, password) });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/locked out/);
    } finally {
      await ldapmodify(policy(0));
    }
  });

  it('an untrusted certificate is refused with advice about --ca-file, exit 1', async () => {
    const result = await imctlHere(['servers'], { env: imctlEnv({ IMCTL_CA_FILE: undefined }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TLS failed: the certificate of localhost .*--ca-file/);
  });

  it('--insecure-tls connects but warns on stderr', async () => {
    const result = await imctlHere(['--insecure-tls', 'show', 'jdoe', '--json'], {
      env: imctlEnv({ IMCTL_CA_FILE: undefined }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/not verified/);
  });

  it('StartTLS on ldap:// verifies the certificate and binds', async () => {
    const result = await imctlHere(['--starttls', 'show', 'jdoe', '--json'], {
      env: imctlEnv({ IMCTL_URL: lab().ldapUrl }),
    });
    expect(result.code, result.stderr).toBe(0);
  });

  it('a simple bind over plain ldap:// is refused before sending the password (exit 2)', async () => {
    const result = await imctlHere(['servers'], { env: imctlEnv({ IMCTL_URL: lab().ldapUrl }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Refusing to send the password in clear text.*--starttls/);
  });

  it('with --allow-cleartext the DC itself refuses (strongerAuthRequired), exit 1', async () => {
    const result = await imctlHere(['--allow-cleartext', 'servers'], {
      env: imctlEnv({ IMCTL_URL: lab().ldapUrl }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/requires an encrypted connection/);
  });

  it('an unreachable DC is exit 1 with a message that names it', async () => {
    const result = await imctlHere(['servers'], { env: imctlEnv({ IMCTL_URL: 'ldaps://127.0.0.1:1' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/127\.0\.0\.1 refused the connection/);
  });

  it('fails over to the next URL and says which DC answered (--verbose)', async () => {
    const result = await imctlHere(['-v', 'show', 'jdoe', '--json'], {
      env: imctlEnv({ IMCTL_URL: `ldaps://127.0.0.1:1,${lab().ldapsUrl}` }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/127\.0\.0\.1 failed/);
    expect(result.stderr).toMatch(/connected to localhost/);
  });

  it('with no password source and no terminal it says how to give one (exit 2)', async () => {
    const result = await imctlHere(['servers'], { env: imctlEnv({ IMCTL_PASSWORD_FILE: undefined }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/IMCTL_PASSWORD/);
  });

  it('the password is never echoed in any of these errors', async () => {
    const secret = readFileSync(lab().adminPassword, 'utf8');
    const result = await imctlHere(['servers'], {
      env: imctlEnv({ IMCTL_URL: lab().ldapUrl, IMCTL_PASSWORD: secret, IMCTL_PASSWORD_FILE: undefined }),
    });
    expect(result.stderr + result.stdout).not.toContain(secret);
  });
});
