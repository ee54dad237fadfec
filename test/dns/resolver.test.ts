// The DNS adapter against a small UDP DNS responder (fake-dns-server.ts) speaking the real wire
// format, so these tests exercise Node's c-ares resolver end to end: SRV, A/AAAA, NXDOMAIN, NODATA,
// SERVFAIL, REFUSED, a closed port and a server that never answers.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { createResolver, DnsError, locateServices, systemServersProblem } from '../../src/dns/resolver.js';
import { startFakeDnsServer, startSilentServer, type FakeDnsServer } from './fake-dns-server.js';

const TABLE = {
  '_rvp._tcp.example.test': { srv: [{ priority: 0, weight: 0, port: 80, target: 'im.example.test' }] },
  '_rvp._tcp.multi.test': {
    srv: [
      { priority: 10, weight: 0, port: 8080, target: 'backup.multi.test' },
      { priority: 0, weight: 90, port: 80, target: 'im1.multi.test' },
      { priority: 0, weight: 10, port: 80, target: 'im2.multi.test' },
    ],
  },
  '_rvp._tcp.none.test': { srv: [{ priority: 0, weight: 0, port: 0, target: '.' }] },
  '_ldap._tcp.corp.test': {
    srv: [
      { priority: 0, weight: 100, port: 389, target: 'dc1.corp.test' },
      { priority: 0, weight: 100, port: 389, target: 'dc2.corp.test' },
    ],
  },
  'nodata.test': { a: ['192.0.2.9'] },
  'im.example.test': { a: ['192.0.2.10', '192.0.2.11'], aaaa: ['2001:db8::10'] },
  'dc1.corp.test': { a: ['192.0.2.1'] },
  'dc2.corp.test': { aaaa: ['2001:db8::2'] },
  'nothing.corp.test': {},
  'servfail.test': { rcode: 2 },
  '_rvp._tcp.servfail.test': { rcode: 2 },
  '_rvp._tcp.refused.test': { rcode: 5 },
  'v4only-aaaa-dropped.test': { a: ['192.0.2.20'] },
};

let dns: FakeDnsServer;
beforeAll(async () => {
  dns = await startFakeDnsServer(TABLE);
});
afterAll(async () => {
  await dns.close();
});

const fast = () => createResolver({ server: dns.address, timeoutMs: 500, tries: 1 });

/** A loopback UDP port where nothing listens (bound, then closed). */
async function closedUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  const port = await new Promise<number>((resolve) =>
    socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)),
  );
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function dnsErrorOf(promise: Promise<unknown>): Promise<DnsError> {
  const error: unknown = await promise.then(
    () => expect.unreachable('the lookup should have failed'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DnsError);
  return error as DnsError;
}

describe('srv', () => {
  it('returns the SRV records of a name, asking the given server', async () => {
    const resolver = fast();
    expect(resolver.server).toBe(dns.address);
    expect(await resolver.srv('_rvp._tcp.example.test')).toEqual([
      { name: 'im.example.test', port: 80, priority: 0, weight: 0 },
    ]);
    expect(dns.queries).toContain('_rvp._tcp.example.test 33');
  });

  it('returns all records of a name', async () => {
    const records = await fast().srv('_rvp._tcp.multi.test');
    expect(records?.map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`).sort()).toEqual([
      '0 10 80 im2.multi.test',
      '0 90 80 im1.multi.test',
      '10 0 8080 backup.multi.test',
    ]);
  });

  it.each([
    { name: '_rvp._tcp.nowhere.test', why: 'NXDOMAIN (Node: ENOTFOUND)' },
    { name: 'nodata.test', why: 'NODATA: the name exists, without SRV records (Node: ENODATA)' },
  ])('answers null, not an error, for $why', async ({ name }) => {
    expect(await fast().srv(name)).toBeNull();
  });

  it('reports the target "." as a single record with an empty name', async () => {
    expect(await fast().srv('_rvp._tcp.none.test')).toEqual([{ name: '', port: 0, priority: 0, weight: 0 }]);
  });

  it('turns SERVFAIL into a DnsError "servfail"', async () => {
    const error = await dnsErrorOf(fast().srv('_rvp._tcp.servfail.test'));
    expect(error).toMatchObject({
      code: 'servfail',
      server: dns.address,
      hostname: '_rvp._tcp.servfail.test',
      nodeCode: 'ESERVFAIL',
      exitCode: 1,
    });
    expect(error.name).toBe('DnsError');
    expect(error.message).toBe(
      `DNS server ${dns.address} failed (SERVFAIL) to answer for _rvp._tcp.servfail.test: the zone's own servers may be down or misconfigured; try again later or check --dns-server.`,
    );
  });

  it('turns REFUSED into a DnsError "refused"', async () => {
    const error = await dnsErrorOf(fast().srv('_rvp._tcp.refused.test'));
    expect(error).toMatchObject({ code: 'refused', nodeCode: 'EREFUSED' });
    expect(error.message).toBe(
      `DNS server ${dns.address} refused to answer for _rvp._tcp.refused.test: check --dns-server (it must serve or forward that zone).`,
    );
  });

  it('talks to a server on IPv6 given as [::1]:port', async () => {
    const dns6 = await startFakeDnsServer(TABLE, 'udp6');
    try {
      const resolver = createResolver({ server: dns6.address, timeoutMs: 500, tries: 1 });
      expect(resolver.server).toBe(dns6.address);
      expect(await resolver.srv('_rvp._tcp.example.test')).toHaveLength(1);
    } finally {
      await dns6.close();
    }
  });

  it('looks up a server given by host name, then asks it', async () => {
    const { family } = await lookup('localhost');
    const local = await startFakeDnsServer(TABLE, family === 6 ? 'udp6' : 'udp4');
    try {
      const resolver = createResolver({ server: `localhost:${local.port}`, timeoutMs: 500, tries: 1 });
      expect(resolver.server).toBe(`localhost:${local.port}`);
      expect(await resolver.srv('_rvp._tcp.example.test')).toHaveLength(1);
      expect(local.queries).toEqual(['_rvp._tcp.example.test 33']);
    } finally {
      await local.close();
    }
  });

  it('says so when a server given by name has no address', async () => {
    const error = await dnsErrorOf(createResolver({ server: 'no-such-host.invalid' }).srv('_rvp._tcp.example.test'));
    expect(error.code).toBe('other');
    expect(error.message).toMatch(
      /^Cannot find the address of DNS server no-such-host\.invalid \(E[A-Z_]+\): give --dns-server as an IP address\.$/,
    );
  });
});

describe('addresses', () => {
  it.each([
    { host: 'im.example.test', addresses: ['192.0.2.10', '192.0.2.11', '2001:db8::10'], why: 'A first, then AAAA' },
    { host: 'dc1.corp.test', addresses: ['192.0.2.1'], why: 'A only' },
    { host: 'dc2.corp.test', addresses: ['2001:db8::2'], why: 'AAAA only' },
    { host: 'nothing.corp.test', addresses: [], why: 'a name with no address records' },
    { host: 'nowhere.test', addresses: [], why: 'a name that does not exist' },
  ])('$host → $addresses ($why)', async ({ host, addresses }) => {
    expect(await fast().addresses(host)).toEqual(addresses);
  });

  it('returns an IP address as is, without asking', async () => {
    const before = dns.queries.length;
    expect(await fast().addresses('192.0.2.99')).toEqual(['192.0.2.99']);
    expect(await fast().addresses('2001:db8::99')).toEqual(['2001:db8::99']);
    expect(dns.queries.length).toBe(before);
  });

  it('fails when neither family can be looked up', async () => {
    const error = await dnsErrorOf(fast().addresses('servfail.test'));
    expect(error.code).toBe('servfail');
  });
});

describe('servers that do not answer', () => {
  it('gives up on a silent server within the timeout, with a DnsError "timeout"', async () => {
    const silent = await startSilentServer();
    try {
      const resolver = createResolver({ server: silent.address, timeoutMs: 300, tries: 1 });
      const started = Date.now();
      const error = await dnsErrorOf(resolver.srv('_rvp._tcp.x.test'));
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(500); // c-ares alone takes up to 600 ms here: the deadline holds it to 300
      expect(error).toMatchObject({
        code: 'timeout',
        server: silent.address,
        hostname: '_rvp._tcp.x.test',
        exitCode: 1,
      });
      expect(['ETIMEOUT', 'ECANCELLED']).toContain(error.nodeCode);
      expect(error.message).toContain(`DNS server ${silent.address} did not answer for _rvp._tcp.x.test within 0.`);
      expect(error.message).toMatch(/ within 0\.[345] s: check --dns-server\.$/);
      expect(silent.queries).toEqual(['_rvp._tcp.x.test 33']);
    } finally {
      await silent.close();
    }
  });

  it('sends the question `tries` times within the timeout', async () => {
    const silent = await startSilentServer();
    try {
      // 600 ms in 2 tries: c-ares waits 200 ms, then (doubled) 400 ms.
      const resolver = createResolver({ server: silent.address, timeoutMs: 600, tries: 2 });
      const started = Date.now();
      const error = await dnsErrorOf(resolver.addresses('host.x.test'));
      const elapsed = Date.now() - started;
      expect(error.code).toBe('timeout');
      expect(elapsed).toBeGreaterThanOrEqual(590);
      expect(elapsed).toBeLessThan(900);
      expect(silent.queries.sort()).toEqual(['host.x.test 1', 'host.x.test 1', 'host.x.test 28', 'host.x.test 28']);
    } finally {
      await silent.close();
    }
  });

  it('reports a port where nothing listens as "refused" at once', async () => {
    const port = await closedUdpPort();
    const started = Date.now();
    const error = await dnsErrorOf(
      createResolver({ server: `127.0.0.1:${port}`, timeoutMs: 2000, tries: 2 }).srv('_rvp._tcp.x.test'),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'refused', nodeCode: 'ECONNREFUSED', server: `127.0.0.1:${port}` });
    expect(error.message).toBe(
      `Nothing answers DNS at 127.0.0.1:${port} (connection refused) for _rvp._tcp.x.test: check --dns-server.`,
    );
  });
});

describe('createResolver', () => {
  it('rejects a bad --dns-server before any lookup', () => {
    expect(() => createResolver({ server: '127.0.0.1:0' })).toThrow(UsageError);
    expect(() => createResolver({ server: '127.0.0.1:70000' })).toThrow(
      'the port "70000" is not a number from 1 to 65535',
    );
  });

  it('shows port 53 by host alone and uses the system configuration by default', () => {
    expect(createResolver({ server: '192.0.2.53' }).server).toBe('192.0.2.53');
    expect(createResolver({ server: '[2001:db8::53]:53' }).server).toBe('2001:db8::53');
    expect(createResolver().server).not.toBe('');
  });
});

describe("the system's servers on Windows (c-ares falls back to 127.0.0.1)", () => {
  it.each([
    ['win32', [], true],
    ['win32', ['127.0.0.1'], true],
    ['win32', ['127.0.0.1', '[::1]:53'], true],
    ['win32', ['::1'], true],
    ['win32', ['10.0.0.53', '127.0.0.1'], false],
    ['linux', [], false],
    ['linux', ['127.0.0.53'], false], // systemd-resolved's stub: a real server
  ] as const)('%s %j: a problem? %s', (os, servers, problem) => {
    expect(systemServersProblem(os, servers) !== undefined).toBe(problem);
  });

  it("a failed lookup says that no DNS server was found in Windows' settings, and what to give", async () => {
    const port = await closedUdpPort();
    const windows = createResolver({ os: 'win32', systemServers: () => [`127.0.0.1:${port}`], timeoutMs: 500 });
    const error = await dnsErrorOf(windows.srv('_ldap._tcp.corp.test'));
    expect(error.message).toMatch(
      new RegExp(`Node found no DNS server in Windows' settings \\(only 127\\.0\\.0\\.1:${port}\\).*give --dns-server`),
    );
    const linux = createResolver({ os: 'linux', systemServers: () => [`127.0.0.1:${port}`], timeoutMs: 500 });
    expect((await dnsErrorOf(linux.srv('_ldap._tcp.corp.test'))).message).toMatch(
      /check the system's DNS settings or give --dns-server\.$/,
    );
  });
});

describe('locateServices', () => {
  /** Always the bottom of the range: the first record in answer order among equal priorities. */
  const bottom = () => 0;

  it('orders the targets for a client to try (RFC 2782)', async () => {
    const targets = await locateServices(fast(), '_rvp._tcp.multi.test', bottom);
    expect(targets?.map((t) => t.host)).toHaveLength(3);
    expect(targets?.[2]).toEqual({ host: 'backup.multi.test', port: 8080, priority: 10, weight: 0 });
    expect(
      targets
        ?.slice(0, 2)
        .map((t) => t.host)
        .sort(),
    ).toEqual(['im1.multi.test', 'im2.multi.test']);
  });

  it('finds domain controllers from _ldap._tcp.<domain>, with their addresses when asked', async () => {
    const targets = await locateServices(fast(), '_ldap._tcp.corp.test', bottom, { withAddresses: true });
    expect(targets?.map((t) => [t.host, t.port, t.addresses]).sort()).toEqual([
      ['dc1.corp.test', 389, ['192.0.2.1']],
      ['dc2.corp.test', 389, ['2001:db8::2']],
    ]);
  });

  it('returns null with no SRV record and [] when the service is decidedly not available', async () => {
    expect(await locateServices(fast(), '_ldap._tcp.nowhere.test')).toBeNull();
    expect(await locateServices(fast(), '_rvp._tcp.none.test')).toEqual([]);
  });

  it('passes DNS failures on', async () => {
    const error = await dnsErrorOf(locateServices(fast(), '_rvp._tcp.servfail.test'));
    expect(error.code).toBe('servfail');
  });
});

describe('several DNS servers (--dns-server given again), tried in order', () => {
  it('a stopped first server (nothing listens: dc1 down) passes the question to the next', async () => {
    const port = await closedUdpPort();
    const resolver = createResolver({ servers: [`127.0.0.1:${port}`, dns.address], timeoutMs: 1000, tries: 1 });
    expect(resolver.server).toBe(`127.0.0.1:${port}, ${dns.address}`);
    expect(await resolver.srv('_rvp._tcp.example.test')).toEqual([
      { priority: 0, weight: 0, port: 80, name: 'im.example.test' },
    ]);
  });

  it('a silent first server: the next answers within the deadline, which is per server', async () => {
    const silent = await startSilentServer();
    try {
      // 1.5 s a server: the fake second server answers in this worker's own event loop, which a
      // busy machine (a unit worker per core) can hold up for more than a few hundred ms.
      const resolver = createResolver({ servers: [silent.address, dns.address], timeoutMs: 1500, tries: 1 });
      expect(await resolver.srv('_rvp._tcp.example.test')).toHaveLength(1);
      expect(silent.queries).toEqual(['_rvp._tcp.example.test 33']);
    } finally {
      await silent.close();
    }
  });

  it('when none answers, the error names them all', async () => {
    const [one, two] = [await closedUdpPort(), await closedUdpPort()];
    const error = await dnsErrorOf(
      createResolver({ servers: [`127.0.0.1:${one}`, `127.0.0.1:${two}`], timeoutMs: 500, tries: 1 }).srv('_x._tcp.t'),
    );
    expect(error.server).toBe(`127.0.0.1:${one}, 127.0.0.1:${two}`);
    expect(error.message).toContain(`127.0.0.1:${one}, 127.0.0.1:${two}`);
  });
});
