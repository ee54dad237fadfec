/**
 * Issue 21, "the directory's own words" and TLS: an unreachable network is "not reachable", a CA
 * file with no certificate is refused as such, and the connect timeout is the documented one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caCertificatesPem, passwordOrigin } from '../../src/directory/bind-credentials.js';
import { CONNECT_TIMEOUT_MS } from '../../src/directory/connection.js';
import { translateError } from '../../src/directory/errors.js';

const root = join(import.meta.dirname, '..', '..');

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

describe('--ca-file must hold a certificate', () => {
  it('a PEM certificate does, also after other blocks', () => {
    const pem = execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        '/dev/null',
        '-subj',
        '/CN=imctl test CA',
        '-days',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(caCertificatesPem(pem)).toHaveLength(1);
    expect(caCertificatesPem(Buffer.concat([Buffer.from('# our CA\n'), pem]))).toHaveLength(1);
  });

  it.each([
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n'],
    ['an empty file', ''],
    ['a password file', 'Imctl-Lab-Admin-1!'],
    ['a broken certificate block', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n'],
  ])('%s does not', (_what, text) => {
    expect(caCertificatesPem(Buffer.from(text))).toEqual([]);
  });
});

describe('one connect timeout, as documented', () => {
  it('is 10 s, and the README says so', () => {
    expect(CONNECT_TIMEOUT_MS).toBe(10_000);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/connecting to one DC gives up after 10 s/);
  });
});

describe('a wrong password says where it came from', () => {
  it.each([
    [{ passwordFromEnv: true, sources: {} }, 'it came from IMCTL_PASSWORD in the environment'],
    [
      { passwordFromEnv: false, passwordFile: '/home/a/pw', sources: { passwordFile: 'flag' as const } },
      'it came from the file /home/a/pw (--password-file)',
    ],
    [
      { passwordFromEnv: false, passwordFile: '/home/a/pw', sources: { passwordFile: 'env' as const } },
      'it came from the file /home/a/pw (IMCTL_PASSWORD_FILE)',
    ],
    [
      { passwordFromEnv: false, passwordFile: '/etc/pw', sources: { passwordFile: 'config' as const } },
      'it came from the file /etc/pw ("passwordFile" in the config file)',
    ],
    [{ passwordFromEnv: false, sources: {} }, undefined],
  ])('%j', (settings, origin) => {
    expect(passwordOrigin(settings)).toBe(origin);
  });
});
