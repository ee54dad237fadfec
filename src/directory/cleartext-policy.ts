/** A simple bind over plain ldap:// without StartTLS: refused unless allowed, and never silent when it is. */
import { UsageError } from '../core/errors.js';
import type { Settings } from '../config/settings.js';
import type { Endpoint } from './endpoints.js';

/**
 * Refuse to send the password in clear text to `endpoint` unless cleartext was allowed; when it
 * was (a flag, or a config file the user trusts), `warn` the admin on every run. Kerberos never
 * sends a password, and on plain LDAP seals with the SASL layer instead.
 */
export function checkCleartext(endpoint: Endpoint, settings: Settings, warn: (message: string) => void): void {
  const secure = endpoint.url.startsWith('ldaps:') || endpoint.startTls;
  if (settings.auth === 'kerberos' || secure) return;
  if (!settings.allowCleartext)
    throw new UsageError(
      `Refusing to send the password in clear text to ${endpoint.url}: use ldaps://, add --starttls, or pass --allow-cleartext if you really mean it.`,
      'cleartext',
    );
  warn(
    `Sending the bind password in clear text to ${endpoint.url} (allowed by ${settings.sources.allowCleartext === 'flag' ? '--allow-cleartext' : `"allowCleartext" in ${settings.configFile ?? 'the config file'}`}): anyone on the network path can read it.`,
  );
}
