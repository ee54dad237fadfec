/** The audit service on the in-memory directory port: the pass, DNS answers and failures, repairs planned for the write path. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, type GlobalFlags } from '../../src/config/settings.js';
import { DnsError } from '../../src/dns/resolver.js';
import { imValues, type ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { findingsRemaining, planAuditRepairs, runAudit } from '../../src/services/audit.js';
import type { AuditUser, Finding } from '../../src/core/audit.js';
import { MemoryDirectory } from '../support/memory-directory.js';

const vs = (n: string) =>
  `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${n},CN=Servers,CN=Configuration,DC=corp,DC=test`;
const server = (name: string, host: string, hostsUsers = true): ImServer => ({
  dn: vs(name.toUpperCase()),
  name,
  cn: 'IM Virtual Server',
  host,
  hostsUsers,
});
const EAST = server('im-east', 'exch1.corp.test');
const WEST = server('im-west', 'exch2.corp.test');
const ROUTER = server('im-router', 'router.corp.test', false);
const DOMAIN = 'im.corp.test';
const user = (sam: string, home: ImServer, domain = DOMAIN): UserRecord => ({
  dn: `CN=${sam},OU=Staff,DC=corp,DC=test`,
  guid: sam
    .padEnd(32, '0')
    .replace(/[^0-9a-f]/g, 'a')
    .slice(0, 32),
  sAMAccountName: sam,
  accountDisabled: false,
  im: imValues(sam, domain, home),
});
function settings(flags: GlobalFlags = {}) {
  const home = mkdtempSync(join(tmpdir(), 'imctl-audit-'));
  return loadSettings({ imDomain: DOMAIN, ...flags }, { XDG_CONFIG_HOME: join(home, 'config') }, home);
}

describe('runAudit', () => {
  it('asks one SRV question per IM domain in use; a DNS failure is a finding, not the end of the audit', async () => {
    const dir = new MemoryDirectory(
      [EAST, WEST],
      [
        user('a', EAST),
        user('b', EAST, 'im.other.test'),
        { ...user('c', WEST), im: { ...imValues('c', DOMAIN, WEST), msExchIMAddress: 'C@IM.Corp.Test' } },
      ],
    );
    const asked: string[] = [];
    const found: Finding[] = [];
    const { report, findings: kept } = await runAudit(dir, settings(), {
      onFindings: (findings) => void found.push(...findings),
      lookupSrv: async (name) => {
        asked.push(name);
        if (name.includes('other')) throw new DnsError('timed out', 'timeout', '10.0.0.53', name);
        return [{ name: 'exch1.corp.test', port: 80, priority: 0, weight: 0 }];
      },
    });
    expect(asked.sort()).toEqual(['_rvp._tcp.im.corp.test', '_rvp._tcp.im.other.test']);
    expect(found.filter((f) => f.kind === 'dns').map((f) => f.subject)).toEqual(['im.other.test']);
    expect(kept).toEqual([]); // reading only: written out, not held
    expect(report.imDomains).toEqual({ 'im.corp.test': 2, 'im.other.test': 1 });
    expect(report.summary.find((s) => s.kind === 'case-only')).toMatchObject({
      count: 1,
      fixable: 1,
      informational: true,
    });
  });

  it('capacity per server from the settings; loads from the pass', async () => {
    const dir = new MemoryDirectory([EAST, WEST], [user('a', EAST), user('b', EAST), user('c', WEST)]);
    const found: Finding[] = [];
    const { report } = await runAudit(dir, settings({ capacity: 1 }), { onFindings: (f) => void found.push(...f) });
    expect(found.filter((f) => f.kind === 'over-capacity').map((f) => f.subject)).toEqual(['im-east']);
    expect(report.servers.map((s) => [s.name, s.users, s.capacity])).toEqual([
      ['im-east', 2, 1],
      ['im-west', 1, 1],
    ]);
    expect(report.problems).toBe(1);
  });
});

describe('planAuditRepairs', () => {
  it('orphans go where enable would place them (most room, counting the batch), each in one compare-and-set write', async () => {
    const users = [user('e1', EAST), user('e2', EAST), user('r1', ROUTER), user('r2', ROUTER), user('r3', ROUTER)];
    const dir = new MemoryDirectory([EAST, WEST, ROUTER], users);
    const repairs = { fix: true, normalizeCase: false, disableIdle: false };
    const run = await runAudit(dir, settings({ capacity: 3 }), { repairs });
    const targets = planAuditRepairs(run, repairs);
    // west 0/3, east 2/3: the first two go west, then the tie (1 free each) goes to the name first in order.
    expect(targets.map((t) => [t.name, t.summary])).toEqual([
      ['r1', 're-home on im-west'],
      ['r2', 're-home on im-west'],
      ['r3', 're-home on im-east'],
    ]);
    const plan = targets[0]!.plan;
    expect(plan.kind === 'write' && plan.before).toEqual(users[2]!.im);
    expect(plan.kind === 'write' && plan.ops.map((op) => `${op.operation} ${op.attribute}`)).toEqual([
      'delete msExchIMPhysicalURL',
      'add msExchIMPhysicalURL',
      'delete msExchIMVirtualServer',
      'add msExchIMVirtualServer',
    ]);
  });

  it('nothing without a repair flag, and nothing for duplicates', async () => {
    const a = user('a', EAST);
    const b = { ...user('b', WEST), im: { ...imValues('a', DOMAIN, WEST) } };
    const repairs = { fix: true, normalizeCase: true, disableIdle: true };
    const run = await runAudit(new MemoryDirectory([EAST, WEST], [a, b]), settings(), { repairs });
    expect(run.findings.map((f) => f.kind)).toContain('duplicate-address');
    expect(run.users).toEqual([]); // no repair needs either account
    expect(planAuditRepairs(run, repairs)).toEqual([]);
  });
});

describe('findingsRemaining', () => {
  it('problems minus those repaired by written targets under the options that enable them; informational ones never count', async () => {
    const cased = { ...user('c', EAST), im: { ...imValues('c', DOMAIN, EAST), msExchIMAddress: 'C@im.corp.test' } };
    const options = { fix: true, normalizeCase: true, disableIdle: false };
    const run = await runAudit(new MemoryDirectory([EAST, WEST, ROUTER], [user('r', ROUTER), cased]), settings(), {
      repairs: options,
    });
    expect(findingsRemaining(run.report, run.findings, [], options).map((f) => f.kind)).toEqual(['orphan']);
    const targets = planAuditRepairs(run, options);
    expect(targets).toHaveLength(2);
    expect(findingsRemaining(run.report, run.findings, targets, options)).toEqual([]);
  });
});

/**
 * A directory whose audit pass makes its users as it pages (none stored): 100,000 of them can be
 * audited here, and what the run holds is counted, not timed.
 */
class GeneratedDirectory extends MemoryDirectory {
  pagesMade = 0;
  constructor(
    private readonly total: number,
    private readonly perPage: number,
    private readonly make: (i: number) => AuditUser,
  ) {
    super([EAST, WEST, ROUTER]);
  }

  override async *auditUsers(): AsyncGenerator<AuditUser[]> {
    for (let start = 0; start < this.total; start += this.perPage) {
      this.pagesMade++;
      const page: AuditUser[] = [];
      for (let i = start; i < Math.min(this.total, start + this.perPage); i++) page.push(this.make(i));
      yield page;
    }
  }
}

const auditUser = (i: number, more: Partial<AuditUser> = {}): AuditUser => ({
  ...user(`u${i}`, i % 2 ? EAST : WEST),
  mailNickname: `u${i}`,
  ...more,
});

describe('runAudit summary', () => {
  it('examples are the first three by subject, whatever order the pass reads users in', async () => {
    const dir = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      ['zed', 'bob', 'yan', 'amy', 'cat'].map((sam) => user(sam, ROUTER)),
    );
    dir.auditPageSize = 2;
    const { report } = await runAudit(dir, settings());
    expect(report.summary.find((r) => r.kind === 'orphan')).toMatchObject({
      count: 5,
      examples: [
        'amy: homed on im-router, a router',
        'bob: homed on im-router, a router',
        'cat: homed on im-router, a router',
      ],
    });
  });
});

describe('runAudit in bounded memory', () => {
  it("100,000 users a page at a time: each page's findings go out before the next page is read; nothing is held", async () => {
    // Every 10th account disabled (an idle seat), every 1,000th on the router (an orphan).
    const dir = new GeneratedDirectory(100_000, 1_000, (i) =>
      auditUser(
        i,
        i % 1_000 === 0 ? { ...user(`u${i}`, ROUTER), mailNickname: `u${i}` } : { accountDisabled: i % 10 === 0 },
      ),
    );
    let batches = 0;
    let found = 0;
    let largestBatch = 0;
    const pagesReadAtBatch: number[] = [];
    const run = await runAudit(dir, settings({ capacity: 100_000 }), {
      onFindings: (findings) => {
        batches++;
        found += findings.length;
        largestBatch = Math.max(largestBatch, findings.length);
        pagesReadAtBatch.push(dir.pagesMade);
      },
    });
    expect(run.report.users).toBe(100_000);
    expect(found).toBe(10_000); // 9,900 idle seats + 100 orphans
    expect(run.report.summary.find((r) => r.kind === 'idle-seat')?.count).toBe(9_900);
    expect(run.report.summary.find((r) => r.kind === 'orphan')?.count).toBe(100);
    expect(batches).toBe(100); // one per page
    expect(pagesReadAtBatch.slice(0, 3)).toEqual([1, 2, 3]); // written while the pass goes on
    expect(largestBatch).toBeLessThanOrEqual(1_000);
    // Held at the end: no finding, no user; the address map is the one thing that grows with the directory.
    expect(run.findings).toEqual([]);
    expect(run.users).toEqual([]);
    expect(run.auditor.addressesHeld).toBe(100_000);
  });

  it('repairing keeps only the users a repair needs, and every finding', async () => {
    const dir = new GeneratedDirectory(10_000, 500, (i) =>
      i % 100 === 0 ? { ...user(`u${i}`, ROUTER), mailNickname: `u${i}` } : auditUser(i),
    );
    const run = await runAudit(dir, settings({ capacity: 10_000 }), {
      repairs: { fix: true, normalizeCase: false, disableIdle: false },
    });
    expect(run.users).toHaveLength(100); // the orphans
    expect(run.findings.map((f) => f.kind)).toEqual(Array(100).fill('orphan'));
    expect(planAuditRepairs(run, { fix: true, normalizeCase: false, disableIdle: false })).toHaveLength(100);
  });
});

describe('runAudit under a narrower --base-dn', () => {
  /** The memory directory searched from OU=Sales: the pass sees its users, the server loads are the domain's. */
  class NarrowDirectory extends MemoryDirectory {
    override readonly baseDn = 'OU=Sales,DC=corp,DC=test';
    override async *auditUsers(): AsyncGenerator<AuditUser[]> {
      for await (const page of super.auditUsers()) yield page.filter((u) => u.dn.endsWith(this.baseDn));
    }
  }
  const sales = (sam: string, home: ImServer): UserRecord => ({
    ...user(sam, home),
    dn: `CN=${sam},${'OU=Sales,DC=corp,DC=test'}`,
  });

  it("over capacity counts the whole domain's load (loads are a fact about the servers); the lines show both", async () => {
    const dir = new NarrowDirectory(
      [EAST, WEST],
      [sales('s1', EAST), user('a', EAST), user('b', EAST), user('c', WEST)],
    );
    const found: Finding[] = [];
    const { report } = await runAudit(dir, settings({ capacity: 2 }), { onFindings: (f) => void found.push(...f) });
    expect(report.users).toBe(1);
    expect(found.map((f) => [f.kind, f.subject, f.detail])).toEqual([
      [
        'over-capacity',
        'im-east',
        '3 users in the domain, capacity 2 (1 over): "imctl rebalance" plans the fewest moves',
      ],
    ]);
    expect(report.servers.map((s) => [s.name, s.users, s.domainUsers])).toEqual([
      ['im-east', 1, 3],
      ['im-west', 0, 1],
    ]);
  });

  it("the whole domain audited: no domainUsers, the loads are the pass's", async () => {
    const dir = new MemoryDirectory([EAST, WEST], [user('a', EAST), user('b', EAST), user('c', WEST)]);
    const { report } = await runAudit(dir, settings({ capacity: 2 }));
    expect(report.servers.every((s) => s.domainUsers === undefined)).toBe(true);
    expect(report.problems).toBe(0);
  });
});
