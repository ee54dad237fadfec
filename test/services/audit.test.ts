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
    const { report } = await runAudit(dir, settings(), {
      lookupSrv: async (name) => {
        asked.push(name);
        if (name.includes('other')) throw new DnsError('timed out', 'timeout', '10.0.0.53', name);
        return [{ name: 'exch1.corp.test', port: 80, priority: 0, weight: 0 }];
      },
    });
    expect(asked.sort()).toEqual(['_rvp._tcp.im.corp.test', '_rvp._tcp.im.other.test']);
    expect(report.findings.filter((f) => f.kind === 'dns').map((f) => f.subject)).toEqual(['im.other.test']);
    expect(report.imDomains).toEqual({ 'im.corp.test': 2, 'im.other.test': 1 });
    expect(report.summary.find((s) => s.kind === 'case-only')).toMatchObject({
      count: 1,
      fixable: 1,
      informational: true,
    });
  });

  it('capacity per server from the settings; loads from the pass', async () => {
    const dir = new MemoryDirectory([EAST, WEST], [user('a', EAST), user('b', EAST), user('c', WEST)]);
    const { report } = await runAudit(dir, settings({ capacity: 1 }));
    expect(report.findings.filter((f) => f.kind === 'over-capacity').map((f) => f.subject)).toEqual(['im-east']);
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
    const run = await runAudit(dir, settings({ capacity: 3 }));
    const targets = planAuditRepairs(run, { fix: true, normalizeCase: false, disableIdle: false });
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
    const run = await runAudit(new MemoryDirectory([EAST, WEST], [a, b]), settings());
    expect(run.report.findings.map((f) => f.kind)).toContain('duplicate-address');
    expect(planAuditRepairs(run, { fix: true, normalizeCase: true, disableIdle: true })).toEqual([]);
  });
});

describe('findingsRemaining', () => {
  it('problems minus those repaired by written targets under the options that enable them; informational ones never count', async () => {
    const cased = { ...user('c', EAST), im: { ...imValues('c', DOMAIN, EAST), msExchIMAddress: 'C@im.corp.test' } };
    const run = await runAudit(new MemoryDirectory([EAST, WEST, ROUTER], [user('r', ROUTER), cased]), settings());
    const options = { fix: true, normalizeCase: true, disableIdle: false };
    expect(findingsRemaining(run.report, [], options).map((f) => f.kind)).toEqual(['orphan']);
    const targets = planAuditRepairs(run, options);
    expect(targets).toHaveLength(2);
    expect(findingsRemaining(run.report, targets, options)).toEqual([]);
  });
});
