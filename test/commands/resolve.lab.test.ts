/**
 * resolve and DC location against a real DNS server: the lab DC's own (Samba's internal DNS on
 * 127.0.0.1:<dnsPort>), which serves the domain's _ldap._tcp records and the lab's _rvp._tcp ones.
 */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { imctlEnv, lab } from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';

const dns = () => `127.0.0.1:${lab().dnsPort}`;

describe('imctl resolve (against the lab DNS server)', () => {
  it('shows the SRV targets of _rvp._tcp in priority/weight order, with their RVP URLs', async () => {
    const result = await imctlHere(['resolve', 'Paul@IM.lab.imctl.test', '--dns-server', dns(), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    expect(data.kind).toBe('srv');
    expect(data.srvName).toBe('_rvp._tcp.im.lab.imctl.test');
    expect(
      data.targets.map((t: { host: string; priority: number; weight: number; port: number; url: string }) => [
        t.host,
        t.priority,
        t.weight,
        t.port,
        t.url,
      ]),
    ).toEqual([
      ['exch2.lab.imctl.test', 0, 30, 80, 'http://exch2.lab.imctl.test/instmsg/aliases/paul'],
      ['exch1.lab.imctl.test', 0, 10, 80, 'http://exch1.lab.imctl.test/instmsg/aliases/paul'],
      ['imrouter.lab.imctl.test', 10, 0, 8080, 'http://imrouter.lab.imctl.test:8080/instmsg/aliases/paul'],
    ]);
  });

  it('falls back to the domain itself when there is no SRV record', async () => {
    const result = await imctlHere(['resolve', 'paul@norvp.imctl.test', '--dns-server', dns()]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/No SRV record/);
    expect(result.stdout).toMatch(/http:\/\/norvp\.imctl\.test\/instmsg\/aliases\/paul/);
  });

  it('a DNS server that does not answer is a clear error (exit 1)', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const port = silent.address().port;
    try {
      const started = Date.now();
      const result = await imctlHere(['resolve', 'paul@im.lab.imctl.test', '--dns-server', `127.0.0.1:${port}`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`DNS server 127\\.0\\.0\\.1:${port} did not answer`));
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      silent.close();
    }
  });

  it('a malformed address is a usage error (exit 2)', async () => {
    const result = await imctlHere(['resolve', 'not an address', '--dns-server', dns()]);
    expect(result.code).toBe(2);
  });

  it('--check compares the address and the SRV targets with the directory', async () => {
    const result = await imctlHere(['resolve', 'jdoe@im.lab.imctl.test', '--dns-server', dns(), '--check', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { check } = result.json();
    expect(check.account).toMatchObject({ sAMAccountName: 'jdoe', homeServer: 'im-east', homeServerRole: 'home' });
    expect(check.targets).toEqual([
      { host: 'exch2.lab.imctl.test', server: 'im-west', role: 'home' },
      { host: 'exch1.lab.imctl.test', server: 'im-east', role: 'home' },
      { host: 'imrouter.lab.imctl.test', server: 'im-router', role: 'router' },
    ]);
    expect(check.problems).toEqual([]);
  });
});

describe('finding domain controllers by DNS (--domain)', () => {
  it('works with no --url, failing over from a DC that is down to the next SRV target', async () => {
    const env = imctlEnv({ IMCTL_URL: undefined, IMCTL_DOMAIN: lab().domain, IMCTL_DNS_SERVER: dns() });
    const result = await imctlHere(['-v', 'servers', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().servers.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/dc0\.lab\.imctl\.test failed/);
    expect(result.stderr).toMatch(/connected to dc1\.lab\.imctl\.test/);
  });

  it('a domain with no _ldap._tcp record says so (exit 2)', async () => {
    const env = imctlEnv({ IMCTL_URL: undefined, IMCTL_DOMAIN: 'norvp.imctl.test', IMCTL_DNS_SERVER: dns() });
    const result = await imctlHere(['servers'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no domain controllers for norvp\.imctl\.test/);
  });
});
