/**
 * The bind's credentials: what a CA file holds (PEM certificates, or one DER certificate) and
 * where a wrong password came from.
 *
 * A DER CA file (issue 34, item 5): Node's `ca` option parses PEM only, so a DER certificate given
 * as it is trusted nothing and the DC's certificate failed as DEPTH_ZERO_SELF_SIGNED_CERT.
 * caCertificatesPem re-encodes it; a real TLS handshake against a server with that certificate
 * shows the difference.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caCertificatesPem, passwordOrigin } from '../../src/directory/bind-credentials.js';

/** EC keys: RSA key generation takes seconds on a busy machine. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
const dir = mkdtempSync(join(tmpdir(), 'imctl-der-'));
const key = join(dir, 'key.pem');
const pemFile = join(dir, 'ca.pem');
execFileSync(
  'openssl',
  ['req', '-x509', ...EC_KEY, '-nodes', '-keyout', key, '-out', pemFile, '-subj', '/CN=localhost'],
  { stdio: 'ignore' },
);
execFileSync('openssl', ['x509', '-in', pemFile, '-outform', 'der', '-out', join(dir, 'ca.der')]);
const pem = readFileSync(pemFile);
const der = readFileSync(join(dir, 'ca.der'));

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer({ key: readFileSync(key), cert: pem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => server.close());

/** A TLS handshake to the server trusting `ca`: 'ok', or the error code. */
function handshake(ca: (string | Buffer)[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      socket.destroy();
      resolve('ok');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('a DER CA file', () => {
  it('is re-encoded as the same certificate in PEM', () => {
    const [converted, ...more] = caCertificatesPem(der);
    expect(more).toEqual([]);
    expect(converted).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(new X509Certificate(converted!).fingerprint256).toBe(new X509Certificate(pem).fingerprint256);
  });

  it('a PEM bundle keeps every certificate, in order', () => {
    const other = execFileSync(
      'openssl',
      ['req', '-x509', ...EC_KEY, '-nodes', '-keyout', '/dev/null', '-subj', '/CN=second CA'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const subjects = caCertificatesPem(Buffer.concat([pem, other])).map((c) => new X509Certificate(c).subject);
    expect(subjects).toEqual(['CN=localhost', 'CN=second CA']);
  });

  it('verifies the server once converted; given to Node as it is, it trusts nothing', async () => {
    expect(await handshake(caCertificatesPem(der))).toBe('ok');
    expect(await handshake([der])).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});

describe('a PKCS #7 bundle (.p7b), as Windows exports a CA with its chain', () => {
  const otherFile = join(dir, 'other.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', ...EC_KEY, '-nodes', '-keyout', '/dev/null', '-out', otherFile, '-subj', '/CN=second CA'],
    {
      stdio: 'ignore',
    },
  );
  const bundle = (outform: 'DER' | 'PEM') =>
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', pemFile, '-certfile', otherFile, '-outform', outform]);

  it.each(['DER', 'PEM'] as const)('%s: every certificate it carries, in order, as PEM', (outform) => {
    const subjects = caCertificatesPem(bundle(outform)).map((c) => new X509Certificate(c).subject);
    expect(subjects).toEqual(['CN=localhost', 'CN=second CA']);
  });

  it('verifies the server once read; given to Node as it is, it trusts nothing', async () => {
    expect(await handshake(caCertificatesPem(bundle('DER')))).toBe('ok');
    expect(await handshake([bundle('DER')])).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('a bundle with no certificates, or cut short, holds none', () => {
    const empty = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-outform', 'DER']);
    expect(caCertificatesPem(empty)).toEqual([]);
    const whole = bundle('DER');
    expect(caCertificatesPem(whole.subarray(0, whole.length - 40))).toEqual([]);
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
