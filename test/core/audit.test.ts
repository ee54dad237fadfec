import { describe, expect, it } from 'vitest';
import {
  Auditor,
  auditDirectory,
  parseMetaUrl,
  parsePhysicalUrl,
  problems,
  type AuditServer,
  type AuditUser,
  type FindingKind,
  type RvpAnswer,
} from '../../src/core/audit.js';
import { repairUser } from '../../src/core/audit-repair.js';
import { imValues, type ImState } from '../../src/core/im-model.js';

const vs = (n: string) => `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${n},CN=Servers,DC=corp,DC=example,DC=com`;
const east: AuditServer = {
  dn: vs('EXCH1'),
  name: 'im-east',
  cn: 'IM Virtual Server',
  host: 'exch1.corp.example.com',
  hostsUsers: true,
  capacity: 3,
};
const west: AuditServer = {
  dn: vs('EXCH2'),
  name: 'im-west',
  cn: 'IM Virtual Server',
  host: 'exch2.corp.example.com',
  hostsUsers: true,
  capacity: 10,
};
const router: AuditServer = {
  dn: vs('EXCH5'),
  name: 'im-router',
  cn: 'IM Virtual Server',
  host: 'router.corp.example.com',
  hostsUsers: false,
  capacity: 0,
};
const SERVERS = [east, west, router];
const NOW = Date.UTC(2026, 10, 30);
const D = 'im.example.com';

function u(sam: string, im: ImState, more: Partial<AuditUser> = {}): AuditUser {
  return {
    dn: `CN=${sam},OU=Audit,DC=corp,DC=example,DC=com`,
    guid: sam.padEnd(32, '0'),
    sAMAccountName: sam,
    accountDisabled: false,
    im,
    ...more,
  };
}
const ok = (sam: string, server = east, domain = D) => u(sam, imValues(sam, domain, server));

function kinds(users: AuditUser[], rvp?: Map<string, RvpAnswer>): FindingKind[] {
  return auditDirectory({ users, servers: SERVERS, rvp, now: NOW }).findings.map((f) => f.kind);
}

describe('auditDirectory', () => {
  it('a clean directory has no findings', () => {
    const result = auditDirectory({
      users: [ok('a'), ok('b', west)],
      servers: SERVERS,
      rvp: new Map([[D, [{ name: 'exch1.corp.example.com', port: 80, priority: 0, weight: 1 }]]]),
      now: NOW,
    });
    expect(result.findings).toEqual([]);
    expect(result.users).toBe(2);
    expect(result.loads).toEqual({ 'im-east': 1, 'im-west': 1 });
    expect(result.imDomains).toEqual({ [D]: 2 });
  });

  it('duplicate addresses, case-insensitively, reported for each account and never repairable', () => {
    const a = ok('dup');
    const b = u(
      'dup2',
      { ...imValues('dup', D, west), msExchIMAddress: 'DUP@IM.example.com' },
      { mailNickname: 'dup' },
    );
    const findings = auditDirectory({ users: [a, b], servers: SERVERS, now: NOW }).findings.filter(
      (f) => f.kind === 'duplicate-address',
    );
    expect(findings.map((f) => f.subject)).toEqual(['dup', 'dup2']);
    expect(findings.every((f) => f.repair === null)).toBe(true);
  });

  it('partial state: repairable on a known home server with an address, not otherwise', () => {
    const { msExchIMPhysicalURL: _p, ...noUrl } = imValues('p1', D, east);
    const { msExchIMVirtualServer: _v, ...noHome } = imValues('p2', D, east);
    const findings = auditDirectory({
      users: [u('p1', noUrl), u('p2', noHome), u('p3', { msExchIMVirtualServer: east.dn })],
      servers: SERVERS,
      now: NOW,
    }).findings.filter((f) => f.kind === 'partial');
    expect(findings.map((f) => [f.subject, f.repair])).toEqual([
      ['p1', 'fill-partial'],
      ['p2', null],
      ['p3', null],
    ]);
  });

  it('inconsistent: the private URL host vs the home server (repairable), alias or domain across the strings (not)', () => {
    const wrongHost = u('wh', {
      ...imValues('wh', D, east),
      msExchIMPhysicalURL: imValues('wh', D, west).msExchIMPhysicalURL,
    });
    const otherAlias = u('oa', {
      ...imValues('oa', D, east),
      msExchIMMetaPhysicalURL: `http://${D}/instmsg/aliases/old`,
    });
    const otherDomain = u('od', { ...imValues('od', D, east), msExchIMAddress: 'od@im.other.com' });
    const garbage = u('gb', { ...imValues('gb', D, east), msExchIMPhysicalURL: 'not a url' });
    const findings = auditDirectory({
      users: [wrongHost, otherAlias, otherDomain, garbage],
      servers: SERVERS,
      now: NOW,
    }).findings.filter((f) => f.kind === 'inconsistent');
    expect(findings.map((f) => [f.subject, f.repair])).toEqual([
      ['gb', null],
      ['oa', null],
      ['od', null],
      ['wh', 'fix-physical-host'],
    ]);
    expect(findings.find((f) => f.subject === 'od')!.detail).toContain('IM domain differs');
  });

  it('a private URL host differing only in case is not inconsistent, but is case-only', () => {
    const cased = u('cs', {
      ...imValues('cs', D, east),
      msExchIMPhysicalURL: `http://EXCH1.corp.example.com/instmsg/local/${D}/instmsg/aliases/cs`,
    });
    expect(kinds([cased])).toEqual(['case-only']);
  });

  it('orphans: on a router or a server that does not exist; repairable with an address', () => {
    const gone = u('gone', imValues('gone', D, { dn: vs('OLD'), host: 'old.corp.example.com' }));
    const onRouter = ok('rt', router);
    const findings = auditDirectory({ users: [gone, onRouter], servers: SERVERS, now: NOW }).findings;
    expect(findings.map((f) => [f.kind, f.subject, f.repair])).toEqual([
      ['orphan', 'gone', 'rehome-orphan'],
      ['orphan', 'rt', 'rehome-orphan'],
    ]);
  });

  it('servers over capacity, from the loads of the pass', () => {
    const findings = auditDirectory({
      users: ['a', 'b', 'c', 'd'].map((s) => ok(s)),
      servers: SERVERS,
      now: NOW,
    }).findings;
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'over-capacity',
        subject: 'im-east',
        detail: expect.stringContaining('4 users, capacity 3 (1 over)'),
      }),
    ]);
  });

  it('idle seats: disabled or expired accounts still homed, counted per server', () => {
    const users = [ok('dis'), ok('exp', west), ok('future', west), ok('never')];
    users[0]!.accountDisabled = true;
    users[1]!.expiresAt = NOW - 1;
    users[2]!.expiresAt = NOW + 86_400_000;
    const result = auditDirectory({ users, servers: SERVERS, now: NOW });
    expect(result.findings.map((f) => [f.kind, f.subject])).toEqual([
      ['idle-seat', 'dis'],
      ['idle-seat', 'exp'],
    ]);
    expect(result.idleByServer).toEqual({ 'im-east': 1, 'im-west': 1 });
  });

  it('DNS: no SRV, a lookup failure, "." and targets that are not IM servers; routers count as IM servers', () => {
    const users = [
      ok('a', east, 'ok.example.com'),
      ok('b', east, 'none.example.com'),
      ok('c', east, 'fail.example.com'),
      ok('d', east, 'dot.example.com'),
      ok('e', east, 'foreign.example.com'),
    ];
    const rvp = new Map<string, RvpAnswer>([
      ['ok.example.com', [{ name: 'ROUTER.corp.example.com', port: 80, priority: 0, weight: 0 }]],
      ['none.example.com', null],
      ['fail.example.com', { error: 'timed out' }],
      ['dot.example.com', [{ name: '', port: 0, priority: 0, weight: 0 }]],
      [
        'foreign.example.com',
        [
          { name: 'exch1.corp.example.com', port: 80, priority: 0, weight: 0 },
          { name: 'www.example.com', port: 80, priority: 0, weight: 0 },
        ],
      ],
    ]);
    const findings = auditDirectory({ users, servers: SERVERS, rvp, now: NOW }).findings.filter(
      (f) => f.kind === 'dns',
    );
    expect(findings.map((f) => f.subject)).toEqual([
      'dot.example.com',
      'fail.example.com',
      'foreign.example.com',
      'none.example.com',
    ]);
    expect(findings.find((f) => f.subject === 'foreign.example.com')!.detail).toContain('www.example.com');
    expect(kinds(users)).not.toContain('dns'); // --no-dns: no answers, no DNS findings
  });

  it('alias changed since enable and case-only values are informational', () => {
    const renamed = u('ren', imValues('ren', D, east), { mailNickname: 'ren.new' });
    const cased = u('cs', { ...imValues('cs', D, east), msExchIMAddress: 'CS@im.example.com' });
    const findings = auditDirectory({ users: [renamed, cased], servers: SERVERS, now: NOW }).findings;
    expect(findings.map((f) => f.kind)).toEqual(['alias-changed', 'case-only']);
    expect(problems(findings)).toEqual([]);
  });

  it('URL parsers take the parts case-insensitively', () => {
    expect(parseMetaUrl('HTTP://IM.X.com/InstMsg/Aliases/JDoe')).toEqual({ imDomain: 'im.x.com', alias: 'jdoe' });
    expect(parsePhysicalUrl('http://H/instmsg/local/D/instmsg/aliases/A')).toEqual({
      host: 'h',
      imDomain: 'd',
      alias: 'a',
    });
    expect(parsePhysicalUrl('http://h/instmsg/aliases/a')).toBeUndefined();
  });
});

describe('repairUser', () => {
  const all = { fix: true, normalizeCase: true, disableIdle: true };
  const findingsOf = (user: AuditUser) => auditDirectory({ users: [user], servers: SERVERS, now: NOW }).findings;

  it('fills a partial state from the address and the home server', () => {
    const { msExchIMPhysicalURL: _p, ...partial } = imValues('p1', D, east);
    const user = u('p1', partial);
    expect(repairUser(user, findingsOf(user), east, undefined, all)).toEqual({
      after: imValues('p1', D, east),
      repairs: ['fill-partial'],
    });
    expect(repairUser(user, findingsOf(user), east, undefined, { ...all, fix: false })).toBeUndefined();
  });

  it('points the private URL at the home server', () => {
    const user = u('wh', {
      ...imValues('wh', D, east),
      msExchIMPhysicalURL: imValues('wh', D, west).msExchIMPhysicalURL,
    });
    expect(repairUser(user, findingsOf(user), east, undefined, all)?.after).toEqual(imValues('wh', D, east));
  });

  it('re-homes an orphan where placement put it; address and public URL stay exactly as stored', () => {
    const user = u('rt', { ...imValues('rt', D, router), msExchIMAddress: 'RT@im.example.com' });
    const repair = repairUser(user, findingsOf(user), router, west, { ...all, normalizeCase: false });
    expect(repair?.after).toEqual({ ...imValues('rt', D, west), msExchIMAddress: 'RT@im.example.com' });
    expect(repair?.repairs).toEqual(['rehome-orphan']);
  });

  it('normalizes case only when asked', () => {
    const user = u('cs', { ...imValues('cs', D, east), msExchIMAddress: 'CS@IM.example.com' });
    expect(repairUser(user, findingsOf(user), east, undefined, { ...all, normalizeCase: false })).toBeUndefined();
    expect(repairUser(user, findingsOf(user), east, undefined, all)).toEqual({
      after: imValues('cs', D, east),
      repairs: ['normalize-case'],
    });
  });

  it('clears an idle seat only with --disable-idle, and then nothing else', () => {
    const user = {
      ...ok('dis'),
      accountDisabled: true,
      im: { ...imValues('dis', D, east), msExchIMAddress: 'DIS@im.example.com' },
    };
    expect(repairUser(user, findingsOf(user), east, undefined, all)).toEqual({ after: {}, repairs: ['clear-idle'] });
    expect(repairUser(user, findingsOf(user), east, undefined, { ...all, disableIdle: false })?.repairs).toEqual([
      'normalize-case',
    ]);
  });

  it('never repairs a duplicate', () => {
    const a = ok('dup');
    const b = u('dup2', imValues('dup', D, east), { mailNickname: 'dup' });
    const findings = auditDirectory({ users: [a, b], servers: SERVERS, now: NOW }).findings;
    expect(
      repairUser(
        a,
        findings.filter((f) => f.dn === a.dn),
        east,
        undefined,
        all,
      ),
    ).toBeUndefined();
  });
});

describe('Auditor (one user at a time)', () => {
  it("returns a user's findings as it is visited, holding none of them", () => {
    const auditor = new Auditor(SERVERS, NOW);
    expect(auditor.visit(ok('fine'))).toEqual([]);
    expect(auditor.visit(ok('lost', router)).map((f) => f.kind)).toEqual(['orphan']);
    expect(auditor.visit(u('off', imValues('off', D, east), { accountDisabled: true })).map((f) => f.kind)).toEqual([
      'idle-seat',
    ]);
    expect(auditor.users).toBe(3);
    expect(Object.fromEntries(auditor.loadsByServer)).toEqual({ 'im-east': 2, 'im-router': 1 });
    expect(Object.fromEntries(auditor.idleByServer)).toEqual({ 'im-east': 1 });
  });

  it('a duplicate address: the second holder reports both, a third names the first; one map entry per address', () => {
    const auditor = new Auditor(SERVERS, NOW);
    const holder = (sam: string, server = east) => u(sam, imValues('dup', D, server), { mailNickname: 'dup' });
    expect(auditor.visit(holder('first'))).toEqual([]);
    const second = auditor.visit(holder('second', west));
    expect(second.map((f) => [f.subject, f.server, f.detail])).toEqual([
      ['first', 'im-east', 'dup@im.example.com is also the address of second'],
      ['second', 'im-west', 'dup@im.example.com is also the address of first'],
    ]);
    const third = auditor.visit(holder('third'));
    expect(third.map((f) => [f.subject, f.detail])).toEqual([
      ['third', 'dup@im.example.com is also the address of first'],
    ]);
    auditor.visit(ok('other'));
    expect(auditor.addressesHeld).toBe(2);
  });

  it('over capacity from the domain loads when given (a narrower base), else from the users visited', () => {
    const auditor = new Auditor(SERVERS, NOW);
    auditor.visit(ok('a'));
    expect(auditor.finish()).toEqual([]); // 1 of 3 on im-east
    const over = auditor.finish({ domainLoads: new Map([['im-east', 5]]) });
    expect(over.map((f) => [f.kind, f.subject, f.detail])).toEqual([
      [
        'over-capacity',
        'im-east',
        '5 users in the domain, capacity 3 (2 over): "imctl rebalance" plans the fewest moves',
      ],
    ]);
  });

  it('counts a user again after a repair: its share taken off and added back with the new values', () => {
    const auditor = new Auditor(SERVERS, NOW, 30);
    const user = ok('moved', router);
    auditor.visit(user);
    expect(Object.fromEntries(auditor.loadsByServer)).toEqual({ 'im-router': 1 });
    auditor.count(auditor.tally(user), -1);
    auditor.count(auditor.tally({ ...user, im: imValues('moved', D, west) }));
    expect(Object.fromEntries(auditor.loadsByServer)).toEqual({ 'im-router': 0, 'im-west': 1 });
    expect(Object.fromEntries(auditor.inactiveByServer)).toEqual({ 'im-router': 0, 'im-west': 1 }); // never logged on
  });
});
