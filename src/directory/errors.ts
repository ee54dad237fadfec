/**
 * Translation of ldapts, socket and TLS failures into the product's own errors, in plain
 * sentences that say what to do. This is the only place that knows AD's diagnostic codes.
 */
import { ResultCodeError } from 'ldapts';
import { DirectoryError } from '../core/errors.js';

/** AD puts the reason for a failed bind in the message text: `AcceptSecurityContext error, data 52e`. */
const BIND_DATA_CODES: Record<string, [reason: string, message: string]> = {
  '525': ['no-such-user', 'The bind account does not exist: check --bind-dn (a DN, user@domain or DOMAIN\\user).'],
  '52e': ['bad-password', 'The password for the bind account is wrong: check IMCTL_PASSWORD or --password-file.'],
  '530': [
    'logon-hours',
    'The bind account may not log on at this time of day (logon hours): use another account or ask for the hours to be changed.',
  ],
  '531': ['workstation', 'The bind account may not log on from this computer (workstation restriction).'],
  '532': ['password-expired', "The bind account's password has expired: set a new one, then try again."],
  '533': ['account-disabled', 'The bind account is disabled: enable it in Active Directory or use another account.'],
  '701': ['account-expired', 'The bind account has expired: extend its expiry date or use another account.'],
  '773': [
    'must-change-password',
    'The bind account must change its password before it can log on: set a new one, then try again.',
  ],
  '775': [
    'locked-out',
    'The bind account is locked out after too many bad passwords: wait for the lockout to end or ask an admin to unlock it.',
  ],
};

const TLS_CODES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'is not signed by a CA imctl trusts',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'is not signed by a CA imctl trusts',
  UNABLE_TO_GET_ISSUER_CERT: 'is not signed by a CA imctl trusts',
  SELF_SIGNED_CERT_IN_CHAIN: 'is signed by a CA imctl does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed',
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'does not name this host',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

export interface ErrorContext {
  /** The DC being talked to, for messages. */
  server?: string | undefined;
  /** What imctl was doing, e.g. "binding", "searching". */
  doing?: string | undefined;
  /** The CA file the admin gave (--ca-file): a certificate it does not verify is told apart from no CA given. */
  caFile?: string | undefined;
}

/** True for failures of the connection itself: the request may or may not have reached the DC. */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof DirectoryError) return error.transient;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && NETWORK_CODES.has(code)) return true;
  return /Connection closed|Socket error|Socket connection not established|Operation timed out|Connection timeout/i.test(
    error.message,
  );
}

/** Busy (51) and unavailable (52): the DC asks to come back later. */
export function isBusy(error: unknown): boolean {
  const code = resultCodeOf(error);
  return code === 51 || code === 52;
}

export function resultCodeOf(error: unknown): number | undefined {
  if (error instanceof ResultCodeError) return error.code;
  if (error instanceof DirectoryError) return error.resultCode;
  return undefined;
}

export function translateError(error: unknown, context: ErrorContext = {}): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const server = context.server ?? 'the domain controller';
  if (error instanceof ResultCodeError) return translateResultCode(error, server);
  const err = error as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  if (TLS_CODES[code]) {
    // With a CA given, "pass --ca-file" is no help: the file given is the wrong CA (or not a CA).
    const advice = context.caFile
      ? `The CA given in ${context.caFile} did not verify it: give --ca-file the CA that issued this DC's certificate (or its root)`
      : 'Pass the issuing CA with --ca-file (or IMCTL_CA_FILE)';
    return new DirectoryError(
      `TLS failed: the certificate of ${server} ${TLS_CODES[code]} (${code}). ${advice}; --insecure-tls skips the check but is unsafe.`,
      'tls',
    );
  }
  // A network failure during the handshake ("Client network socket disconnected before secure TLS
  // connection was established", code ECONNRESET: a DC shutting down, or not yet listening behind
  // a balancer) is a lost connection, worth a retry or the next DC — not a TLS misconfiguration.
  const network = NETWORK_CODES.has(code);
  if (!network && /certificate|SSL|TLS|wrong version number|EPROTO/i.test(`${code} ${err?.message ?? ''}`)) {
    return new DirectoryError(
      `TLS failed talking to ${server}: ${firstLine(err?.message)}. Check that the URL's scheme and port match (ldaps:// is 636, ldap:// with --starttls is 389).`,
      'tls',
    );
  }
  if (code === 'ECONNREFUSED') {
    return new DirectoryError(
      `${server} refused the connection: check the URL and port, and that the DC is running.`,
      'connection-refused',
      undefined,
      true,
    );
  }
  // No route (or no answer to a connect): the DC is not reachable, which is not a lost connection.
  if (
    code === 'ENETUNREACH' ||
    code === 'EHOSTUNREACH' ||
    (code === 'ETIMEDOUT' && /^connect /.test(err?.message ?? ''))
  ) {
    return new DirectoryError(
      `${server} is not reachable from this host (${code === 'ETIMEDOUT' ? 'no answer before the connect timeout' : 'no network route to it'}): check the URL, the VPN or firewall, or use another DC.`,
      'unreachable',
      undefined,
      true,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new DirectoryError(
      `The name of ${server} does not resolve: check the URL or --domain.`,
      'host-not-found',
      undefined,
      true,
    );
  }
  if (isConnectionLoss(error)) {
    return new DirectoryError(
      `The connection to ${server} was lost${context.doing ? ` while ${context.doing}` : ''}: ${firstLine(err?.message)}.`,
      'connection-lost',
      undefined,
      true,
    );
  }
  return new DirectoryError(
    `Unexpected error from ${server}${context.doing ? ` while ${context.doing}` : ''}: ${firstLine(err?.message ?? String(error))}.`,
    'unexpected',
  );
}

function translateResultCode(error: ResultCodeError, server: string): DirectoryError {
  const text = error.message ?? '';
  switch (error.code) {
    case 49: {
      const data = /data ([0-9a-f]{3,4})/i.exec(text)?.[1]?.toLowerCase();
      const known = data ? BIND_DATA_CODES[data] : undefined;
      if (known) return new DirectoryError(known[1], known[0], 49);
      return new DirectoryError(
        'The bind was refused (invalid credentials): check --bind-dn and the password.',
        'invalid-credentials',
        49,
      );
    }
    case 8:
    case 13:
      return new DirectoryError(
        `${server} requires an encrypted connection for this bind (${error.code === 8 ? 'strongerAuthRequired' : 'confidentialityRequired'}): use ldaps:// or --starttls.`,
        'strong-auth-required',
        error.code,
      );
    case 50:
      return new DirectoryError(
        `The bind account is not allowed to do this (insufficient access rights): use an account that may write the IM attributes.`,
        'insufficient-access',
        50,
      );
    case 51:
      return new DirectoryError(`${server} is busy; try again later or lower --concurrency.`, 'busy', 51, true);
    case 52:
      return new DirectoryError(
        `${server} is unavailable (it may be shutting down or not yet synchronised); try again or use another DC.`,
        'unavailable',
        52,
        true,
      );
    case 53:
      return new DirectoryError(`${server} is unwilling to perform the request: ${firstLine(text)}.`, 'unwilling', 53);
    // A search the DC cut short at one of its limits (AD: MaxResultSetSize, MaxQueryDuration, MaxPageSize and
    // the other lDAPAdminLimits): what came before is not the whole answer, and imctl never passes it off as one.
    case 3:
    case 4:
    case 11:
      return new DirectoryError(
        `${server} stopped the search at its ${LIMIT_NAMES[error.code]} (${firstLine(text)}): the answer is incomplete, so imctl stops. Narrow the search (--base-dn, --server) or ask for the DC's query policy (lDAPAdminLimits) to be raised.`,
        'server-limit',
        error.code,
      );
    case 32:
      return new DirectoryError(`The entry does not exist: ${firstLine(text)}. Check --base-dn.`, 'no-such-object', 32);
    default:
      return new DirectoryError(
        `${server} answered with LDAP error ${error.code}: ${firstLine(text)}.`,
        `ldap-${error.code}`,
        error.code,
      );
  }
}

const LIMIT_NAMES: Record<number, string> = {
  3: 'time limit (timeLimitExceeded; AD: MaxQueryDuration)',
  4: 'size limit (sizeLimitExceeded; AD: MaxResultSetSize)',
  11: 'administrative limit (adminLimitExceeded; AD: lDAPAdminLimits)',
};

function firstLine(text: string | undefined): string {
  return (text ?? 'unknown error').split('\n')[0]!.replace(/\.$/, '');
}
