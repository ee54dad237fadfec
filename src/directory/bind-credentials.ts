/**
 * What a bind needs besides the connection: how many password tries the prompt gets, where a
 * wrong password came from (said in the admin's terms), and the certificates a CA file holds.
 */
import { X509Certificate } from 'node:crypto';
import type { Settings } from '../config/settings.js';
import { pkcs7Certificates } from '../core/pkcs7.js';

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

/**
 * The certificates of a CA file as PEM, for Node's `ca` option, which parses PEM only: a DER file
 * (what Windows' certificate export wizard writes by default) given as it is was read as no CA at
 * all, and the DC's certificate failed as DEPTH_ZERO_SELF_SIGNED_CERT. A PEM file gives its valid
 * certificate blocks, a DER file its one certificate re-encoded, a PKCS #7 bundle (`.p7b`, DER or
 * PEM) every certificate it carries; empty when it holds none of these.
 */
export function caCertificatesPem(data: Buffer): string[] {
  const text = data.toString('latin1');
  const pem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  const pkcs7Pem = /-----BEGIN PKCS7-----([\s\S]*?)-----END PKCS7-----/.exec(text)?.[1];
  const bundle = pkcs7Certificates(pkcs7Pem ? Buffer.from(pkcs7Pem, 'base64') : data);
  return (pem ?? bundle ?? [data]).flatMap((block) => {
    try {
      return [new X509Certificate(block).toString()];
    } catch {
      return []; // not a certificate
    }
  });
}
