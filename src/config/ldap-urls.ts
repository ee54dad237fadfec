/**
 * LDAP URLs as settings give them: a comma-separated list or an array split into URLs, each
 * checked (ldap:// or ldaps://, a host, no user name or password in it).
 */
import { UsageError } from '../core/errors.js';

/** Whether a URL carries a user name or password (an unparseable one carries none). */
export function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** The URLs of a setting: a comma-separated string or a list, trimmed, empty ones dropped. */
export function splitUrls(value: string | string[]): string[] {
  const list = Array.isArray(value) ? value : value.split(',');
  return list.map((url) => url.trim()).filter((url) => url.length > 0);
}

/** Throws a usage error (reason "url") unless `url` is an ldap:// or ldaps:// URL with a host and no credentials. */
export function validateUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not an LDAP URL; use ldaps://host[:port] or ldap://host[:port].`, 'url');
  }
  // Never echo the part before "@": it may be a password (and argv and config files are no place for one).
  const credentials = parsed.username !== '' || parsed.password !== '';
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') {
    throw new UsageError(
      `"${credentials ? `${parsed.protocol}//${parsed.host}` : url}" is not an LDAP URL; use ldaps://host[:port] or ldap://host[:port].`,
      'url',
    );
  }
  if (parsed.hostname === '' || parsed.hostname === '[]') {
    throw new UsageError(
      `"${url}" names no host; use ${parsed.protocol}//dc1.corp.example.com (an empty variable in a script?).`,
      'url',
    );
  }
  if (credentials) {
    throw new UsageError(
      `The URL for ${parsed.hostname} carries a user name or password: give the account with --bind-dn and the password with --password-file or IMCTL_PASSWORD_FILE, and the URL as ${parsed.protocol}//${parsed.host}.`,
      'url',
    );
  }
}
