/** The TLS a connection to a DC uses — at least TLS 1.2, the host name verified, the CA file given — and how -v names it. */
import type { ConnectionOptions } from 'node:tls';
import type { connect as tlsConnect } from 'node:tls';
import { isIP } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { Settings } from '../config/settings.js';
import { readCaFile } from '../io/owned-file.js';
import { pathProblem } from '../io/path-problem.js';
import { caCertificatesPem } from './bind-credentials.js';
import type { Endpoint } from './endpoints.js';

/** node:tls options for `endpoint`: verification on unless --insecure-tls, the CA file's certificates as the trust anchor. */
export function tlsOptionsFor(endpoint: Endpoint, settings: Settings): ConnectionOptions {
  const options: ConnectionOptions = { minVersion: 'TLSv1.2', rejectUnauthorized: !settings.insecureTls };
  if (!isIP(endpoint.host)) options.servername = endpoint.host;
  if (settings.caFile) options.ca = caCertificates(settings.caFile);
  return options;
}

/** The certificates of the CA file, read once, its owner and folders checked (src/io/owned-file.ts). */
function caCertificates(caFile: string): string[] {
  let ca: Buffer;
  try {
    ca = readCaFile(caFile);
  } catch (error) {
    throw new UsageError(`Cannot read the CA file ${caFile}: ${pathProblem(error)}.`, 'ca-file');
  }
  const certificates = caCertificatesPem(ca);
  // A file with no certificate would be accepted here and fail later as "not signed by a CA imctl trusts".
  if (certificates.length === 0) {
    throw new UsageError(
      `The CA file ${caFile} holds no certificate: give a PEM file with a "-----BEGIN CERTIFICATE-----" block (or a DER certificate), the CA that issued the DC's certificate.`,
      'ca-file',
    );
  }
  return certificates;
}

/** How -v names TLS protection: the protocol and cipher the handshake agreed. */
export function describeTls(socket: ReturnType<typeof tlsConnect> | undefined): string {
  const protocol = socket?.getProtocol();
  const cipher = socket?.getCipher()?.name;
  return protocol ? `TLS (${protocol}${cipher ? `, ${cipher}` : ''})` : 'TLS';
}
