/**
 * Octets written into the connection before its protection starts (issue 29, 1), against the lab
 * DC through a relay on its port 389 that plays the man in the middle:
 * - StartTLS: octets appended to the DC's StartTLS answer. ldapts parses one stream before and
 *   after the upgrade, so they used to swallow the first TLS-protected answer (the BindResponse).
 * - Kerberos with the SASL layer: the start of a forged message appended to the BindResponse that
 *   completes the bind, which the first unwrapped octets used to complete (a forged RootDSE was
 *   accepted as a sealed reply).
 * Each is refused at once: exit 1, one sentence, and nothing more is sent on the connection.
 * And after an integrity failure, no operation (not even a parallel read) reconnects or binds again.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { frameLdapMessage } from '../../src/directory/plaintext-guard.js';
import { startFakeDnsServer, type FakeDnsServer } from '../dns/fake-dns-server.js';
import { FaultProxy, flipSaslChunk, type FaultProxyOptions } from '../support/fault-proxy.js';
import { kerberosEnv, kinit, krb } from '../support/kerberos.js';
import { imctlProcess, imctlEnv, lab } from '../support/lab.js';

/** The start of a forged SearchResultEntry: a length that the next protected octets would fill. */
const FORGED_START = Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x64]);

/** The messages in a chunk the DC sent in clear (undefined once the chunk is not LDAP: TLS or SASL buffers). */
function messagesIn(chunk: Buffer): { op: number; resultCode: number | undefined }[] | undefined {
  const found: { op: number; resultCode: number | undefined }[] = [];
  let rest = chunk;
  try {
    for (let framed = frameLdapMessage(rest); framed; framed = frameLdapMessage(rest)) {
      found.push(framed);
      rest = rest.subarray(framed.length);
    }
  } catch {
    return undefined;
  }
  return rest.length === 0 ? found : undefined;
}

/** A relay in front of dc1:389, named dc1 by its own DNS (the name TLS and the Kerberos ticket check). */
async function relay(options: FaultProxyOptions) {
  const proxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: 389 }, capture: true, ...options });
  const dns: FakeDnsServer = await startFakeDnsServer({
    [`_ldap._tcp.${lab().domain}`]: { srv: [{ priority: 0, weight: 100, port: proxy.port, target: krb().dcHost }] },
    [krb().dcHost]: { a: ['127.0.0.1'] },
  });
  return { proxy, dns, close: async () => (await proxy.close(), await dns.close()) };
}

describe('StartTLS', () => {
  it("six octets after the DC's StartTLS answer: exit 1 in one sentence; no TLS handshake and no bind follow", async () => {
    let appended = 0;
    const mitm = await relay({
      onServerChunk: (chunk, n) => {
        if (n !== 1 || messagesIn(chunk)?.at(-1)?.op !== 0x78) return;
        appended++;
        return Buffer.concat([chunk, FORGED_START.subarray(0, 6)]);
      },
    });
    try {
      const result = await imctlProcess(['servers', '--json'], {
        env: imctlEnv({ IMCTL_URL: `ldap://localhost:${mitm.proxy.port}`, IMCTL_STARTTLS: '1' }),
      });
      expect(appended).toBe(1);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        /^error: Refusing the connection to localhost: 6 octets came after the StartTLS answer, before protection started — TLS would have treated them as protected\. Someone on the network path is tampering/m,
      );
      // Only the StartTLS request crossed: no ClientHello (0x16) and no BindRequest on a tampered connection.
      const sent = Buffer.concat(mitm.proxy.stats.clientBytes);
      expect(messagesIn(sent)?.map((m) => m.op)).toEqual([0x77]);
      expect(mitm.proxy.stats.accepted).toBe(1);
    } finally {
      await mitm.close();
    }
  });
});

describe('Kerberos with the SASL security layer (ldap://, sealed)', () => {
  let cache: string;
  beforeAll(async () => {
    cache = await kinit(krb().adminPrincipal, lab().adminPassword);
  });
  const sealedEnv = (dns: FakeDnsServer) =>
    kerberosEnv(cache, { IMCTL_CA_FILE: undefined, IMCTL_DNS_SERVER: dns.address });

  it('the start of a forged message after the BindResponse that completes the bind: exit 1; the layer never starts and nothing is sent after the bind', async () => {
    let appended = 0;
    const mitm = await relay({
      onServerChunk: (chunk) => {
        const last = messagesIn(chunk)?.at(-1);
        if (appended > 0 || last?.op !== 0x61 || last.resultCode !== 0) return;
        appended++;
        return Buffer.concat([chunk, FORGED_START]);
      },
    });
    try {
      const result = await imctlProcess(['--auth', 'kerberos', '-v', 'show', 'jdoe', '--json'], {
        env: sealedEnv(mitm.dns),
      });
      expect(appended).toBe(1);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        /error: Refusing the connection to dc1\.lab\.imctl\.test: 8 octets came after the answer that completed the Kerberos bind, before protection started/,
      );
      expect(result.stderr).not.toMatch(/protection: sealed/);
      // Every octet the client sent is a cleartext bind step: not one SASL buffer went out.
      const sent = Buffer.concat(mitm.proxy.stats.clientBytes);
      expect(messagesIn(sent)?.every((m) => m.op === 0x60)).toBe(true);
      expect(mitm.proxy.stats.accepted).toBe(1);
    } finally {
      await mitm.close();
    }
  });

  it('a message that fails its integrity check stops the run: parallel reads do not reconnect or bind again', async () => {
    // The SASL buffers after the bind: the third from the DC gets one flipped bit.
    const flip = flipSaslChunk(3);
    const mitm = await relay({ onServerChunk: flip.onServerChunk });
    try {
      // `servers` counts every server's users at once: several reads are in flight when the bad buffer arrives.
      const result = await imctlProcess(['--auth', 'kerberos', '-v', 'servers', '--json'], {
        env: sealedEnv(mitm.dns),
      });
      expect(flip.seen()).toBeGreaterThanOrEqual(3);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/failed its Kerberos integrity check/);
      expect(result.stderr).not.toMatch(/reconnecting to/);
      expect(mitm.proxy.stats.accepted).toBe(1);
    } finally {
      await mitm.close();
    }
  });
});
