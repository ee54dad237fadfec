import {
  AdminLimitExceededError,
  BusyError,
  ConfidentialityRequiredError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchAttributeError,
  NoSuchObjectError,
  SizeLimitExceededError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/core/errors.js';
import {
  isBusy,
  isConnectionLoss,
  resultCodeOf,
  translateError,
  type ErrorContext,
} from '../../src/directory/errors.js';

const DC = 'dc1.corp.example.com';

/** The text AD puts in a failed simple bind's result (result 49). */
function adBindMessage(data: string): string {
  return `80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data ${data}, v4563\u0000`;
}

function nodeError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Every translation is a DirectoryError with exit code 1. */
function translated(error: unknown, context: ErrorContext = { server: DC }): DirectoryError {
  const result = translateError(error, context);
  expect(result).toBeInstanceOf(DirectoryError);
  expect(result.exitCode).toBe(1);
  return result;
}

describe('translateError: bind failures (result 49, AD data codes)', () => {
  it.each([
    { data: '52e', reason: 'bad-password', says: 'password for the bind account is wrong' },
    { data: '52E', reason: 'bad-password', says: 'password' },
    { data: '775', reason: 'locked-out', says: 'locked out' },
    { data: '533', reason: 'account-disabled', says: 'disabled' },
    { data: '532', reason: 'password-expired', says: 'password has expired' },
    { data: '773', reason: 'must-change-password', says: 'must change its password' },
    { data: '525', reason: 'no-such-user', says: 'does not exist' },
    { data: '701', reason: 'account-expired', says: 'account has expired' },
    { data: '530', reason: 'logon-hours', says: 'logon hours' },
    { data: '531', reason: 'workstation', says: 'workstation' },
  ])('data $data → $reason', ({ data, reason, says }) => {
    const error = translated(new InvalidCredentialsError(adBindMessage(data)));
    expect(error.reason).toBe(reason);
    expect(error.message).toContain(says);
    expect(error.resultCode).toBe(49);
    expect(error.transient).toBe(false);
  });

  it('the wrong password names where the password comes from', () => {
    const error = translated(new InvalidCredentialsError(adBindMessage('52e')));
    expect(error.message).toMatch(/IMCTL_PASSWORD|--password-file/);
  });

  it.each([
    { name: 'no data code (ldapts default message)', error: new InvalidCredentialsError() },
    { name: 'an unknown data code', error: new InvalidCredentialsError(adBindMessage('999')) },
    { name: 'a non-AD message', error: new InvalidCredentialsError('Invalid credentials') },
  ])('49 with $name → invalid-credentials, pointing at --bind-dn and the password', ({ error }) => {
    const result = translated(error);
    expect(result.reason).toBe('invalid-credentials');
    expect(result.resultCode).toBe(49);
    expect(result.message).toContain('--bind-dn');
    expect(result.message).toContain('password');
  });
});

describe('translateError: a search the DC stopped at one of its limits (issue 32)', () => {
  it.each([
    { error: new TimeLimitExceededError('MaxQueryDuration'), code: 3, names: /time limit .*MaxQueryDuration/ },
    { error: new SizeLimitExceededError(), code: 4, names: /size limit .*MaxResultSetSize/ },
    { error: new AdminLimitExceededError(), code: 11, names: /administrative limit .*lDAPAdminLimits/ },
  ])('result $code → server-limit: the answer is incomplete, and what to do', ({ error, code, names }) => {
    const result = translated(error);
    expect(result).toMatchObject({ reason: 'server-limit', resultCode: code, transient: false });
    expect(result.message).toMatch(names);
    expect(result.message).toContain('incomplete');
    expect(result.message).toContain('--base-dn');
    expect(isConnectionLoss(error) || isBusy(error)).toBe(false); // never retried into a second, different list
  });
});

describe('translateError: other LDAP result codes', () => {
  const signing =
    '00002028: LdapErr: DSID-0C090259, comment: The server requires binds to turn on integrity checking if SSL\\TLS are not already active on the connection, data 0, v4563';

  it.each([
    { name: 'StrongAuthRequiredError', error: new StrongAuthRequiredError(signing), code: 8 },
    { name: 'ConfidentialityRequiredError', error: new ConfidentialityRequiredError(), code: 13 },
  ])('$name → strong-auth-required, mentioning ldaps:// and --starttls', ({ error, code }) => {
    const result = translated(error);
    expect(result.reason).toBe('strong-auth-required');
    expect(result.resultCode).toBe(code);
    expect(result.message).toContain('ldaps://');
    expect(result.message).toContain('--starttls');
    expect(result.message).toContain(DC);
  });

  it.each([
    { name: 'BusyError', error: new BusyError(), reason: 'busy', code: 51, transient: true },
    { name: 'UnavailableError', error: new UnavailableError(), reason: 'unavailable', code: 52, transient: true },
    {
      name: 'InsufficientAccessError',
      error: new InsufficientAccessError(),
      reason: 'insufficient-access',
      code: 50,
      transient: false,
    },
    {
      name: 'UnwillingToPerformError',
      error: new UnwillingToPerformError('0000209A: SvcErr: DSID-031A1254, problem 5003 (WILL_NOT_PERFORM)'),
      reason: 'unwilling',
      code: 53,
      transient: false,
    },
    {
      name: 'NoSuchObjectError',
      error: new NoSuchObjectError('0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT)'),
      reason: 'no-such-object',
      code: 32,
      transient: false,
    },
    {
      name: 'ConstraintViolationError',
      error: new ConstraintViolationError('constraint'),
      reason: 'ldap-19',
      code: 19,
      transient: false,
    },
    {
      name: 'NoSuchAttributeError',
      error: new NoSuchAttributeError('no such attribute'),
      reason: 'ldap-16',
      code: 16,
      transient: false,
    },
  ])('$name → $reason (code $code, transient $transient)', ({ error, reason, code, transient }) => {
    const result = translated(error);
    expect(result.reason).toBe(reason);
    expect(result.resultCode).toBe(code);
    expect(result.transient).toBe(transient);
  });

  it('busy tells the admin to lower --concurrency', () => {
    expect(translated(new BusyError()).message).toContain('--concurrency');
  });

  it("keeps AD's diagnostic text (first line) for unwilling-to-perform", () => {
    const result = translated(
      new UnwillingToPerformError(
        '0000209A: SvcErr: DSID-031A1254, problem 5003 (WILL_NOT_PERFORM), data 0\nsecond line',
      ),
    );
    expect(result.message).toContain('WILL_NOT_PERFORM');
    expect(result.message).not.toContain('second line');
  });

  it('names "the domain controller" when no server is known', () => {
    expect(translateError(new BusyError()).message).toContain('the domain controller is busy');
  });
});

describe('translateError: socket and TLS failures', () => {
  it('ECONNREFUSED → connection-refused, transient, naming the server', () => {
    const result = translated(nodeError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:636'));
    expect(result.reason).toBe('connection-refused');
    expect(result.transient).toBe(true);
    expect(result.message).toContain(DC);
    expect(result.resultCode).toBeUndefined();
  });

  it.each([
    { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND dc1.corp.example.com', reason: 'host-not-found' },
    { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN dc1.corp.example.com', reason: 'host-not-found' },
    { code: 'ECONNRESET', message: 'read ECONNRESET', reason: 'connection-lost' },
    { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 10.0.0.5:636', reason: 'unreachable' },
    { code: 'ETIMEDOUT', message: 'read ETIMEDOUT', reason: 'connection-lost' },
    { code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH 10.0.0.5:636', reason: 'unreachable' },
  ])('$code → $reason, transient', ({ code, message, reason }) => {
    const result = translated(nodeError(code, message));
    expect(result.reason).toBe(reason);
    expect(result.transient).toBe(true);
  });

  it.each([
    {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      message:
        "Hostname/IP does not match certificate's altnames: Host: dc1.corp.example.com. is not in the cert's altnames: DNS:dc9.corp.example.com",
      says: 'does not name this host',
    },
    {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      message: 'unable to verify the first certificate',
      says: 'is not signed by a CA imctl trusts',
    },
    {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
      message: 'self-signed certificate in certificate chain',
      says: 'CA imctl does not trust',
    },
    { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate', says: 'is self-signed' },
    { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired', says: 'has expired' },
  ])('$code → tls, mentioning --ca-file', ({ code, message, says }) => {
    const result = translated(nodeError(code, message));
    expect(result.reason).toBe('tls');
    expect(result.transient).toBe(false);
    expect(result.message).toContain('--ca-file');
    expect(result.message).toContain(says);
    expect(result.message).toContain(code);
    expect(result.message).toContain(`certificate of ${DC}`);
  });

  it('with --ca-file given, a certificate it does not verify names the file instead of asking for --ca-file', () => {
    const result = translated(nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), {
      server: DC,
      caFile: '/etc/imctl/wrong-ca.pem',
    });
    expect(result.reason).toBe('tls');
    expect(result.message).toContain(
      "The CA given in /etc/imctl/wrong-ca.pem did not verify it: give --ca-file the CA that issued this DC's certificate (or its root)",
    );
    expect(result.message).not.toContain('Pass the issuing CA with --ca-file');
  });

  it('a TLS handshake failure without a known code → tls, suggesting scheme and port are checked', () => {
    const result = translated(
      nodeError('EPROTO', 'C0B7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'),
    );
    expect(result.reason).toBe('tls');
    expect(result.message).toContain('ldaps:// is 636');
    expect(result.message).toContain('wrong version number');
  });

  it.each([
    { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND dc1.ssl.corp.example.com', reason: 'host-not-found' },
    { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN sslgw-dc01.corp.example.com', reason: 'host-not-found' },
  ])(
    'a host whose name contains "ssl"/"tls" is still a network failure: $message → $reason',
    ({ code, message, reason }) => {
      const result = translated(nodeError(code, message));
      expect(result.reason).toBe(reason);
      expect(result.transient).toBe(true);
    },
  );

  it('ldapts "Connection closed" → connection-lost, transient, saying what imctl was doing', () => {
    const error = new Error(
      'Connection closed before message response was received. Message type: SearchRequest (0x63)',
    );
    const result = translated(error, { server: DC, doing: 'searching' });
    expect(result.reason).toBe('connection-lost');
    expect(result.transient).toBe(true);
    expect(result.message).toContain('while searching');
    expect(result.message).toContain(DC);
  });

  it.each([
    { name: 'a plain Error', error: new Error('something odd\nstack-ish detail'), says: 'something odd' },
    { name: 'a string', error: 'boom', says: 'boom' },
    { name: 'undefined', error: undefined, says: 'Unexpected error' },
    { name: 'null', error: null, says: 'Unexpected error' },
  ])('$name → unexpected', ({ error, says }) => {
    const result = translated(error);
    expect(result.reason).toBe('unexpected');
    expect(result.transient).toBe(false);
    expect(result.message).toContain(says);
    expect(result.message).not.toContain('stack-ish');
  });

  it('passes a DirectoryError through unchanged', () => {
    const original = new DirectoryError('already translated', 'bad-password', 49);
    expect(translateError(original)).toBe(original);
  });
});

describe('isConnectionLoss', () => {
  it.each([
    {
      name: 'ldapts closed during a search',
      error: new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'),
      lost: true,
    },
    {
      name: 'ldapts closed during a modify',
      error: new Error('Connection closed before message response was received. Message type: ModifyRequest (0x66)'),
      lost: true,
    },
    { name: 'socket not established', error: new Error('Socket connection not established'), lost: true },
    { name: 'ECONNRESET', error: nodeError('ECONNRESET', 'read ECONNRESET'), lost: true },
    { name: 'EPIPE', error: nodeError('EPIPE', 'write EPIPE'), lost: true },
    {
      name: 'a transient DirectoryError',
      error: new DirectoryError('x', 'connection-lost', undefined, true),
      lost: true,
    },
    { name: 'a permanent DirectoryError', error: new DirectoryError('x', 'bad-password', 49), lost: false },
    { name: 'a bad password', error: new InvalidCredentialsError(adBindMessage('52e')), lost: false },
    {
      name: 'a TLS failure',
      error: nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      lost: false,
    },
    { name: 'a plain Error', error: new Error('bad thing'), lost: false },
    { name: 'a string', error: 'Connection closed', lost: false },
    { name: 'undefined', error: undefined, lost: false },
  ])('$name → $lost', ({ error, lost }) => {
    expect(isConnectionLoss(error)).toBe(lost);
  });
});

describe('isBusy / resultCodeOf', () => {
  it.each([
    { name: 'BusyError', error: new BusyError(), busy: true, code: 51 },
    { name: 'UnavailableError', error: new UnavailableError(), busy: true, code: 52 },
    { name: 'translated busy', error: new DirectoryError('busy', 'busy', 51, true), busy: true, code: 51 },
    { name: 'InvalidCredentialsError', error: new InvalidCredentialsError(), busy: false, code: 49 },
    { name: 'a socket error', error: nodeError('ECONNRESET', 'read ECONNRESET'), busy: false, code: undefined },
  ])('$name → busy $busy, code $code', ({ error, busy, code }) => {
    expect(isBusy(error)).toBe(busy);
    expect(resultCodeOf(error)).toBe(code);
  });
});

describe("network errors in imctl's words", () => {
  it.each(['ENETUNREACH', 'EHOSTUNREACH'])('%s is "not reachable", and worth the next DC', (code) => {
    const error = Object.assign(new Error(`connect ${code} 192.0.2.1:636 - Local (0.0.0.0:0)`), { code });
    const translated = translateError(error, { server: '192.0.2.1', doing: 'connecting' });
    expect(translated.message).toBe(
      '192.0.2.1 is not reachable from this host (no network route to it): check the URL, the VPN or firewall, or use another DC.',
    );
    expect(translated.transient).toBe(true);
    expect(translated.message).not.toMatch(/Local \(0\.0\.0\.0/);
  });
});
