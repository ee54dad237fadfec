/**
 * Issue 21, "the directory's own words" against the lab (Samba): a --base-dn that names no entry,
 * or is not a DN, is said in imctl's words (not "acl_read … acl_read.c:967" or "invalid basedn
 * '(null)'"), exit 2; a CA file without a certificate is refused as such.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imctlProcess, imctlEnv, lab, scratchDir } from '../support/lab.js';

describe("the directory's own words", () => {
  it('a base DN that does not exist', async () => {
    const result = await imctlProcess(['--base-dn', `OU=Nope,${lab().baseDn}`, 'users', '--limit', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: The base DN "OU=Nope,${lab().baseDn}" does not exist on localhost: check --base-dn (the domain is ${lab().baseDn}).\n`,
    );
  });

  it('a base DN that is not a DN', async () => {
    const result = await imctlProcess(['--base-dn', 'garbage', 'show', 'jdoe']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: The base DN "garbage" is not a DN: give one such as OU=Staff,DC=lab,DC=imctl,DC=test/,
    );
    expect(result.stderr).not.toMatch(/null|ldb_search|acl_read/);
  });

  it('a CA file with no certificate', async () => {
    const file = join(scratchDir(), 'not-a-ca.pem');
    writeFileSync(file, 'Imctl-Lab-Admin-1!\n');
    const result = await imctlProcess(['servers'], { env: imctlEnv({ IMCTL_CA_FILE: file }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/The CA file .*not-a-ca\.pem holds no certificate/);
    expect(result.stderr).not.toMatch(/not signed by a CA/);
  });

  it('a wrong password names where it came from', async () => {
    const result = await imctlProcess(['servers'], {
      env: imctlEnv({ IMCTL_PASSWORD_FILE: undefined, IMCTL_PASSWORD: 'Not-The-Password-1!' }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /The password for the bind account is wrong: it came from IMCTL_PASSWORD in the environment\./,
    );
    expect(result.stderr).not.toContain('Not-The-Password-1!');
  });
});
