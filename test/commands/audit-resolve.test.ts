/**
 * audit and resolve through run() against the in-memory directory and a fake DNS server on
 * loopback (test/dns/fake-dns-server.ts): findings and their exit code, the repairs through the
 * write path, the SRV answer and --check, --json, and the usage errors. A real DC and its own DNS
 * are in audit.lab.test.ts and resolve.lab.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/core/errors.js';
import { imValues } from '../../src/core/im-model.js';
import { startFakeDnsServer, type FakeDnsServer } from '../dns/fake-dns-server.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, ROUTER, WEST, imctlOnMemory, person, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;

let dns: FakeDnsServer;
beforeAll(async () => {
  dns = await startFakeDnsServer({
    [`_rvp._tcp.${IM_DOMAIN}`]: {
      srv: [
        { priority: 0, weight: 10, port: 80, target: EAST.host },
        { priority: 10, weight: 0, port: 8080, target: WEST.host },
      ],
    },
    '_rvp._tcp.stray.memory.test': { srv: [{ priority: 0, weight: 0, port: 80, target: 'stray.memory.test' }] },
  });
});
afterAll(() => dns.close());

/** A clean directory but for one user homed on the router. */
const withOrphan = () =>
  new MemoryDirectory([EAST, WEST, ROUTER], [person('ann', EAST), person('ben', EAST), person('rob', ROUTER)]);

describe('imctl audit', () => {
  it('a clean directory: every finding 0, exit 0; the _rvp SRV is checked on the given DNS server', async () => {
    const { code, stdout } = await imctlOnMemory(['audit', '--dns-server', dns.address]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `Audit of 3 IM users under DC=memory,DC=test on ldaps://dc1.memory.test; 3 IM servers; DNS via ${dns.address}.`,
    );
    expect(stdout).toContain('Clean: nothing to repair.');
    expect(dns.queries).toContain(`_rvp._tcp.${IM_DOMAIN} 33`);
  });

  it('an orphan is a finding (exit 3); --json is the report', async () => {
    const run = await imctlOnMemory(['audit', '--no-dns', '--json'], { directory: withOrphan() });
    expect(run.code).toBe(3);
    const report = run.json();
    expect(report).toMatchObject({ users: 3, problems: 1, dnsChecked: false });
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'orphan', subject: 'rob', server: 'im-router', repair: 'rehome-orphan' }),
    ]);
    expect(run.stderr).toContain('1 finding remains. "imctl audit --fix" repairs what is certain; see --help.');
  });

  it('--json is written as the pass reads: findings first, a page at a time, then the summary and counts', async () => {
    const directory = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [person('ann', EAST), person('rob', ROUTER), person('ron', ROUTER), person('zed', EAST)],
    );
    directory.auditPageSize = 1;
    const run = await imctlOnMemory(['audit', '--no-dns', '--json'], { directory });
    expect(run.code).toBe(3);
    expect(run.stdout.startsWith('{\n  "findings": [')).toBe(true);
    const report = run.json();
    expect(Object.keys(report)[0]).toBe('findings');
    expect(report.findings.map((f: { subject: string }) => f.subject)).toEqual(['rob', 'ron']); // as found
    expect(report).toMatchObject({ users: 4, problems: 2 });
  });

  it('a pass cut off midway ends the one --json document with the error (exit 1), and the CSV report has the rows found', async () => {
    const directory = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [person('rob', ROUTER), person('ann', EAST), person('ron', ROUTER)],
    );
    directory.auditPageSize = 1;
    const pages = directory.auditUsers.bind(directory);
    directory.auditUsers = async function* () {
      let n = 0;
      for await (const page of pages()) {
        if (n++ === 2) throw new DirectoryError('The listing was cut off after 2 entries.', 'listing-interrupted');
        yield page;
      }
    };
    const run = await imctlOnMemory(['audit', '--no-dns', '--json'], { directory });
    expect(run.code).toBe(1);
    const data = run.json();
    expect(data.findings.map((f: { subject: string }) => f.subject)).toEqual(['rob']);
    expect(data.summary).toBeUndefined();
    expect(data.error).toMatchObject({ reason: 'listing-interrupted', exitCode: 1 });
    const csv = await imctlOnMemory(['audit', '--no-dns', '--report', '-'], { directory });
    expect(csv.code).toBe(1);
    expect(
      csv.stdout
        .split('\r\n')
        .filter(Boolean)
        .map((line) => line.split(',')[2]),
    ).toEqual(['subject', 'rob']);
  });

  it('--no-dns: the table has no _rvp row (a check never made is not "0")', async () => {
    const checked = await imctlOnMemory(['audit', '--dns-server', dns.address]);
    expect(checked.stdout).toContain('IM domains without a usable _rvp SRV');
    const skipped = await imctlOnMemory(['audit', '--no-dns']);
    expect(skipped.stdout).toContain('DNS not checked (--no-dns)');
    expect(skipped.stdout).not.toContain('_rvp');
  });

  it('--fix --yes re-homes the orphan through the write path and ends clean (exit 0)', async () => {
    const directory = withOrphan();
    const run = await imctlOnMemory(['audit', '--no-dns', '--fix', '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Repairs: 1 user.');
    expect(directory.get(dn('rob'))!.im).toEqual(imValues('rob', IM_DOMAIN, WEST));
  });

  it('--disable-idle: a server its idle seats put over capacity is not reported over any more, as a fresh audit agrees', async () => {
    // im-east: ann (signed in yesterday) and ben (never): 2 of 1. Clearing ben brings it within.
    const directory = new MemoryDirectory(
      [EAST, WEST],
      [person('ann', EAST, { lastLogonAt: Date.now() - 86_400_000 }), person('ben', EAST)],
    );
    const repair = await imctlOnMemory(['audit', '--no-dns', '--capacity', '1', '--disable-idle', '7', '--yes'], {
      directory,
    });
    expect(directory.get(dn('ben'))!.im).toEqual({});
    const fresh = await imctlOnMemory(['audit', '--no-dns', '--capacity', '1', '--json'], { directory });
    expect(fresh.json().problems).toBe(0);
    expect(repair.stderr).not.toMatch(/finding\(s\) remain/);
    expect([repair.code, fresh.code]).toEqual([0, 0]);
  });

  it('--fix --dry-run writes nothing and the finding remains (exit 3)', async () => {
    const directory = withOrphan();
    const run = await imctlOnMemory(['audit', '--no-dns', '--fix', '--dry-run'], { directory });
    expect(run.code).toBe(3);
    expect(directory.written).toEqual([]);
  });

  it('a findings report that cannot be written is one sentence (exit 2), not a stack', async () => {
    const { code, stderr } = await imctlOnMemory(['audit', '--no-dns', '--report', '/nonexistent/findings.csv']);
    expect(code).toBe(2);
    expect(stderr).toBe('error: Cannot write the report to /nonexistent/findings.csv: its directory does not exist.\n');
  });

  it.each([
    [
      ['audit', '--dry-run'],
      /--dry-run, --yes and --ldif apply to repairs: add --fix, --normalize-case or --disable-idle\./,
    ],
    [['audit', '--report', 'findings.txt'], /findings\.txt/],
    [['audit', '--fix', '--concurrency', '9999999'], /option '--concurrency <n>' argument '9999999' is invalid/],
  ])('%j is a usage error (exit 2) before the directory is read', async (argv, message) => {
    const directory = sampleDirectory();
    let read = false;
    directory.auditUsers = async function* () {
      read = true;
      yield [];
    };
    const { code, stderr } = await imctlOnMemory(argv, { directory });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(read).toBe(false);
  });
});

describe('imctl resolve', () => {
  it('the SRV targets in priority order with their RVP URLs', async () => {
    const { code, stdout } = await imctlOnMemory(['resolve', `Ann@${IM_DOMAIN}`, '--dns-server', dns.address]);
    expect(code).toBe(0);
    expect(stdout).toContain(`ann@${IM_DOMAIN} — SRV _rvp._tcp.${IM_DOMAIN} via ${dns.address}`);
    expect(stdout).toMatch(
      /│\s+0 │\s+10 │ exch1\.memory\.test\s+│\s+80 │ http:\/\/exch1\.memory\.test\/instmsg\/aliases\/ann/,
    );
  });

  it("--json has exactly the keys docs/json.md's resolve section lists, at every level", async () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'json.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## `resolve --json`')).split(/\n(?=## |Keys that)/)[0]!;
    const rows = new Map(
      [...section.matchAll(/^\| `(\w+)` \|[^|]*\|(.*)\|$/gm)].map((m) => [
        m[1]!,
        [...m[2]!.matchAll(/`([A-Za-z]+)`/g)].map((k) => k[1]!),
      ]),
    );
    const run = await imctlOnMemory(['resolve', `Ann@${IM_DOMAIN}`, '--dns-server', dns.address, '--json']);
    const data = run.json();
    for (const key of Object.keys(data)) expect([...rows.keys()], key).toContain(key);
    expect(Object.keys(data.address).sort()).toEqual([...rows.get('address')!].sort());
    for (const target of data.targets) expect(Object.keys(target).sort()).toEqual([...rows.get('targets')!].sort());
    expect(data.address.alias).toBe('ann');
    expect(data.targets[0].host).toBe(EAST.host);
  });

  it('--check --json: the directory and DNS agree', async () => {
    const run = await imctlOnMemory(['resolve', `ann@${IM_DOMAIN}`, '--dns-server', dns.address, '--check', '--json']);
    expect(run.code).toBe(0);
    const data = run.json();
    expect(data).toMatchObject({ kind: 'srv', dnsServer: dns.address });
    expect(data.check.account).toMatchObject({ sAMAccountName: 'ann', homeServer: 'im-east', homeServerRole: 'home' });
    expect(data.check.targets).toEqual([
      { host: EAST.host, server: 'im-east', role: 'home' },
      { host: WEST.host, server: 'im-west', role: 'home' },
    ]);
    expect(data.check.problems).toEqual([]);
  });

  it('--check: an SRV target that is no IM server, and an address nobody has, are problems (exit 3, as audit)', async () => {
    const { code, stdout, stderr } = await imctlOnMemory([
      'resolve',
      'paul@stray.memory.test',
      '--dns-server',
      dns.address,
      '--check',
    ]);
    expect(code).toBe(3);
    expect(stderr).toContain('2 problem(s): the directory and DNS do not agree about paul@stray.memory.test.');
    expect(stdout).toContain('SRV target stray.memory.test: not an IM server in this directory');
    expect(stdout).toMatch(/^! /m);
    expect(stdout).not.toContain('The directory and DNS agree.');
  });

  it('without --check the directory is never opened; no SRV record falls back to the domain', async () => {
    const directory = sampleDirectory();
    const spy = Object.assign(directory, {
      servers: async () => expect.unreachable('resolve without --check must not connect'),
    });
    const { code, stdout } = await imctlOnMemory(['resolve', 'paul@norvp.memory.test', '--dns-server', dns.address], {
      directory: spy,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(
      'No SRV record: clients use the domain itself.\nhttp://norvp.memory.test/instmsg/aliases/paul',
    );
  });

  it.each([[['resolve', 'not an address', '--json']], [['resolve']]])('%j is a usage error (exit 2)', async (argv) => {
    const run = await imctlOnMemory([...argv, '--dns-server', dns.address]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: /);
  });
});
