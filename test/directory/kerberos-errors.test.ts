import { InvalidCredentialsError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/core/errors.js';
import { translateKerberosError } from '../../src/directory/kerberos-errors.js';
import { servicePrincipalHost } from '../../src/directory/gssapi-bind.js';

const context = { host: 'dc1.corp.example.com' };
const reason = (text: string) => translateKerberosError(new Error(text), context).reason;

describe('Kerberos errors in plain sentences', () => {
  // The texts are MIT krb5's as the `kerberos` package passes them on (seen against the lab's KDC).
  it.each([
    [
      'No credentials were supplied, or the credentials were unavailable or inaccessible: No Kerberos credentials available (default cache: FILE:/tmp/none)',
      'kerberos-no-ticket',
    ],
    [
      "Unspecified GSS failure.  Minor code may provide more information: Credentials cache file '/tmp/krb5cc_0' not found",
      'kerberos-no-ticket',
    ],
    ['Unspecified GSS failure.  Minor code may provide more information: Ticket expired', 'kerberos-ticket-expired'],
    ['The referenced credential has expired', 'kerberos-ticket-expired'],
    ['Unspecified GSS failure.  Minor code may provide more information: Clock skew too great', 'kerberos-clock-skew'],
    [
      'Unspecified GSS failure.  Minor code may provide more information: Server ldap/10.0.0.5@CORP.EXAMPLE.COM not found in Kerberos database',
      'kerberos-unknown-service',
    ],
    [
      "Unspecified GSS failure.  Minor code may provide more information: Cannot contact any KDC for realm 'CORP.EXAMPLE.COM'",
      'kerberos-kdc-unreachable',
    ],
    ['Something nobody has seen before', 'kerberos-failed'],
  ])('%s → %s', (text, want) => {
    expect(reason(text)).toBe(want);
  });

  it('says what to do in one or two sentences, exit 1', () => {
    const error = translateKerberosError(
      new Error('Minor code may provide more information: No Kerberos credentials available'),
      context,
    );
    expect(error).toBeInstanceOf(DirectoryError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/run kinit/);
    expect(translateKerberosError(new Error('Server not found in Kerberos database'), context).message).toMatch(
      /ldap\/dc1\.corp\.example\.com: connect by the domain controller's real host name/,
    );
  });

  it("reads the DC's refusal of the bind like the library's errors", () => {
    const refused = translateKerberosError(
      new InvalidCredentialsError('80090308: LdapErr: DSID-0C0904DC, comment: AcceptSecurityContext error, data 52e'),
      context,
    );
    expect(refused.reason).toBe('kerberos-refused');
    expect(refused.message).toMatch(/^dc1\.corp\.example\.com refused the Kerberos bind \(LDAP error 49\)/);
  });

  it('never puts an address in the service principal', () => {
    expect(() => servicePrincipalHost('10.0.0.5')).toThrow(/real host name.*10\.0\.0\.5/);
    expect(() => servicePrincipalHost('[::1]')).toThrow(/real host name/);
    expect(servicePrincipalHost('DC1.Corp.Example.com.')).toBe('dc1.corp.example.com');
  });
});
