/**
 * An ldapts Client for one DC, with the sockets it opens under watch: TCP_NODELAY on every one, the
 * SASL layer's socket for Kerberos on plain LDAP, a plaintext guard before StartTLS, and the TLS
 * socket kept so that -v can name the protocol and cipher agreed.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { Settings } from '../config/settings.js';
import type { Endpoint } from './endpoints.js';
import { PlaintextGuard } from './plaintext-guard.js';
import type { SaslSocketLayer } from './sasl-socket.js';

/** Connecting to one DC gives up after this (or --timeout, if shorter): failover stays quick. Documented in README (--timeout). */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface LdapClient {
  client: Client;
  /** The TLS socket, once one was opened (ldaps://, or after StartTLS). */
  tlsSocket(): ReturnType<typeof tlsConnect> | undefined;
  /** The guard on the octets before StartTLS, once the socket was opened. */
  guard(): PlaintextGuard | undefined;
}

export function newLdapClient(
  endpoint: Endpoint,
  settings: Settings,
  tlsOptions: ConnectionOptions,
  layer: SaslSocketLayer | undefined,
): LdapClient {
  const secure = endpoint.url.startsWith('ldaps:');
  let tlsSocket: ReturnType<typeof tlsConnect> | undefined;
  let guard: PlaintextGuard | undefined;
  // TLS options given to the constructor with an ldap:// URL would switch it to direct TLS.
  const client = new Client({
    url: endpoint.url,
    timeout: settings.timeoutMs,
    connectTimeout: Math.min(settings.timeoutMs, CONNECT_TIMEOUT_MS),
    ...(secure ? { tlsOptions } : {}),
    // Pipelined requests are small: without TCP_NODELAY, Nagle holds each one back until the
    // previous reply's ACK arrives.
    createConnection:
      layer?.connect ??
      (((...args: Parameters<typeof netConnect>) => {
        const socket = netConnect(...args).setNoDelay(true);
        // StartTLS: every octet before TLS starts is checked (src/directory/plaintext-guard.ts).
        if (!secure && endpoint.startTls) guard = new PlaintextGuard(socket, 'starttls');
        return socket;
      }) as typeof netConnect),
    createSecureConnection: ((...args: Parameters<typeof tlsConnect>) => {
      const socket = (tlsSocket = tlsConnect(...args));
      socket.setNoDelay(true);
      return socket;
    }) as typeof tlsConnect,
  });
  return { client, tlsSocket: () => tlsSocket, guard: () => guard };
}
