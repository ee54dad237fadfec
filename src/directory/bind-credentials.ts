/**
 * What a bind needs besides the connection: how many password tries the prompt gets, where a
 * wrong password came from (said in the admin's terms), and whether a CA file holds a certificate.
 */
import { X509Certificate } from 'node:crypto';
import type { Settings } from '../config/settings.js';

/** Tries at the password prompt before a wrong password ends the run. */
export const PROMPT_TRIES = 3;

/** Where a wrong password came from, in the admin's terms; undefined for the prompt. */
export function passwordOrigin(
  settings: Pick<Settings, 'passwordFromEnv' | 'passwordFile' | 'sources'>,
): string | undefined {
  if (settings.passwordFromEnv) return 'it came from IMCTL_PASSWORD in the environment';
  if (!settings.passwordFile) return undefined;
  const how =
    settings.sources.passwordFile === 'flag'
      ? '--password-file'
      : settings.sources.passwordFile === 'env'
        ? 'IMCTL_PASSWORD_FILE'
        : '"passwordFile" in the config file';
  return `it came from the file ${settings.passwordFile} (${how})`;
}

/** A PEM file with at least one valid certificate block, or one DER certificate. */
export function holdsCertificate(data: Buffer): boolean {
  const pem = data.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  for (const block of pem ?? [data]) {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      // not this one
    }
  }
  return false;
}
