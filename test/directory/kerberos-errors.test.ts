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

describe('SSPI failures on Windows (simulated): classified by status code, Windows hints', () => {
  const windows = { host: 'dc1.corp.example.com', os: 'win32' as const };
  const translated = (text: string) => translateKerberosError(new Error(text), windows);

  // The package's SSPI client: "<function>: <FormatMessage text in the user's language>", no code;
  // a code appears when something on the way names it (AD's refusals: "80090303: LdapErr …").
  it.each([
    ['InitializeSecurityContext: SEC_E_NO_CREDENTIALS', 'kerberos-no-ticket'],
    ['AcquireCredentialsHandle: 0x8009030E', 'kerberos-no-ticket'],
    ['InitializeSecurityContext: error 1312', 'kerberos-no-ticket'],
    ['InitializeSecurityContext: (0x80090324) Die Uhrzeiten auf Client und Server weichen ab.', 'kerberos-clock-skew'],
    ['InitializeSecurityContext: ERROR_TIME_SKEW', 'kerberos-clock-skew'],
    ['80090303: LdapErr: DSID-0C090A5C, comment: AcceptSecurityContext error', 'kerberos-unknown-service'],
    ['InitializeSecurityContext: -2146893022', 'kerberos-unknown-service'],
    ['InitializeSecurityContext: 0x80090311', 'kerberos-kdc-unreachable'],
    ['InitializeSecurityContext: status 1908', 'kerberos-kdc-unreachable'],
    ['DecryptMessage: 0x80090317', 'kerberos-ticket-expired'],
    ['InitializeSecurityContext: Der angegebene Zielprinzipal ist unbekannt oder nicht erreichbar.', 'kerberos-failed'],
    // A number that only looks like a code is none: 0x800903030 has nine digits, 113120 is not 1312.
    ['InitializeSecurityContext: 0x800903030', 'kerberos-failed'],
    ['InitializeSecurityContext: error 113120', 'kerberos-failed'],
  ])('%s → %s', (text, want) => {
    expect(translated(text).reason).toBe(want);
  });

  it.each([
    'InitializeSecurityContext: SEC_E_NO_CREDENTIALS',
    'InitializeSecurityContext: 0x8009030E',
    'No Kerberos credentials available',
    'Ticket expired',
    'InitializeSecurityContext: SEC_E_TIME_SKEW',
    'InitializeSecurityContext: 0x80090303',
    'Cannot contact any KDC',
    'Cannot find realm',
    'InitializeSecurityContext: Die angeforderte Funktion wird nicht unterstützt.',
  ])('%s: a Windows hint, never kinit, krb5.conf or apt-get', (text) => {
    expect(translated(text).message).not.toMatch(/kinit|krb5\.conf|KRB5CCNAME|apt-get/);
  });

  it('says klist, the domain sign-in and runas /netonly where no code says more', () => {
    const error = translated(
      'InitializeSecurityContext: Der angegebene Zielprinzipal ist unbekannt oder nicht erreichbar.',
    );
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      'Kerberos sign-in to dc1.corp.example.com failed (Windows SSPI: InitializeSecurityContext: Der angegebene Zielprinzipal ist unbekannt oder nicht erreichbar). Kerberos there uses the ticket of your Windows sign-in: sign in with your domain account, or start a shell with "runas /netonly /user:CORP\\you powershell"; klist lists your tickets, "klist get ldap/dc1.corp.example.com" asks for the DC\'s.',
    );
    expect(translated('x: SEC_E_NO_CREDENTIALS').message).toMatch(
      /sign in to Windows with your domain account.*runas \/netonly/,
    );
  });

  it('the same code on Unix (in a DC refusal) keeps the MIT hints', () => {
    const error = translateKerberosError(new Error('0x8009030E'), { host: 'dc1.corp.example.com', os: 'linux' });
    expect(error.reason).toBe('kerberos-no-ticket');
    expect(error.message).toMatch(/run kinit/);
  });
});
