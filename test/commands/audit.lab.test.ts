/**
 * `imctl audit` against the lab DC: every seeded finding (lab.json `audit`) is found; each repair
 * of --fix, --normalize-case and --disable-idle is written through the write path and checked with
 * ldapsearch; duplicates are never touched; undo restores the exact original values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, createOu, imctlEnv, lab, ldapsearch, readEntry, scratchDir, server } from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';

interface Finding {
  kind: string;
  subject: string;
  dn: string | null;
  detail: string;
  repair: string | null;
}

function values(
  alias: string,
  serverName: string,
  { domain = 'im.lab.imctl.test', host = server(serverName).host } = {},
): Record<string, string> {
  return {
    msExchIMVirtualServer: server(serverName).dn,
    msExchIMAddress: `${alias}@${domain}`,
    msExchIMMetaPhysicalURL: `http://${domain}/instmsg/aliases/${alias}`,
    msExchIMPhysicalURL: `http://${host}/instmsg/local/${domain}/instmsg/aliases/${alias}`,
  };
}

describe('imctl audit on the seeded lab', () => {
  let data: {
    users: number;
    findings: Finding[];
    summary: { kind: string; count: number }[];
    problems: number;
    servers: { name: string; idleSeats: number }[];
  };
  let code: number;
  const env = () => imctlEnv();

  beforeAll(async () => {
    const result = await imctlHere(['audit', '--json', '--dns-server', `${lab().dnsServer}:${lab().dnsPort}`], {
      env: env(),
    });
    code = result.code;
    data = result.json();
  });

  it('exits 3: findings remain', () => {
    expect(code).toBe(3);
    expect(data.problems).toBeGreaterThan(0);
  });

  it('finds every seeded case in OU=Audit under its finding kind', () => {
    const seeded = lab().audit.users.filter((u) => u.finding);
    expect(seeded.length).toBeGreaterThanOrEqual(8);
    for (const user of seeded) {
      // DNS findings are about the user's IM domain.
      const subject = user.finding === 'dns' ? user.im.msExchIMAddress!.split('@')[1] : user.sam;
      const found = data.findings.filter((f) => f.subject === subject).map((f) => f.kind);
      expect(found, user.sam).toContain(user.finding);
    }
    for (const user of lab().audit.users.filter((u) => u.caseOnly)) {
      expect(
        data.findings.filter((f) => f.subject === user.sam).map((f) => f.kind),
        user.sam,
      ).toContain('case-only');
    }
  });

  it('orphans, over capacity and idle seats across the whole lab', () => {
    // Other test files add users in their own OUs: count the seeded OUs' only.
    const seededOu = (f: Finding) =>
      !!f.dn && [lab().usersOu, lab().audit.ou].some((ou) => f.dn!.toLowerCase().endsWith(`,${ou.toLowerCase()}`));
    const orphans = data.findings.filter((f) => f.kind === 'orphan' && seededOu(f));
    expect(orphans).toHaveLength(lab().seeded.orphansOnRouter + lab().seeded.orphansOnMissingServer);
    expect(data.findings.filter((f) => f.kind === 'over-capacity').map((f) => f.subject)).toEqual(['im-east']);
    expect(data.findings.find((f) => f.subject === 'au-expired' && f.kind === 'idle-seat')!.detail).toContain(
      'expired 2012-01-01',
    );
    // Staff accounts without a password are disabled: most seeded seats are idle.
    expect(data.servers.find((s) => s.name === 'im-south')!.idleSeats).toBeGreaterThan(0);
  });

  it('DNS: norvp has no _rvp SRV; badrvp points at a host that is no IM server; the lab IM domain is fine', () => {
    // Other test files may have left users in IM domains of their own: those are findings too.
    const dns = data.findings.filter((f) => f.kind === 'dns');
    expect(dns.map((f) => f.subject)).toEqual(expect.arrayContaining(['badrvp.imctl.test', 'norvp.imctl.test']));
    expect(dns.map((f) => f.subject)).not.toContain(lab().imDomain);
    expect(dns.find((f) => f.subject === 'badrvp.imctl.test')!.detail).toContain('dc1.lab.imctl.test');
    expect(dns.find((f) => f.subject === 'norvp.imctl.test')!.detail).toContain(
      'no _rvp._tcp.norvp.imctl.test SRV record',
    );
  });

  it('--no-dns --report FILE.csv: one line per finding, no DNS findings', async () => {
    const file = join(scratchDir(), 'audit.csv');
    const result = await imctlHere(['audit', '--no-dns', '--base-dn', lab().audit.ou, '--report', file, '--json'], {
      env: env(),
    });
    expect(result.code).toBe(3);
    const findings = result.json().findings as Finding[];
    expect(findings.some((f) => f.kind === 'dns')).toBe(false);
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('kind,severity,subject,dn,server,detail,repair');
    expect(lines).toHaveLength(findings.length + 1);
  });

  it('the text summary names each finding kind with counts', async () => {
    const result = await imctlHere(['audit', '--no-dns', '--base-dn', lab().audit.ou], { env: env() });
    expect(result.code).toBe(3);
    for (const title of [
      'Duplicate IM addresses',
      'Partial IM state',
      'Values that disagree',
      'Orphans',
      'Idle seats',
      'Alias changed since enable',
    ])
      expect(result.stdout).toContain(title);
    expect(result.stderr).toMatch(/[\d,]+ findings? remains?/);
  });

  it('--dry-run/--yes without a repair flag is a usage error', async () => {
    expect((await imctlHere(['audit', '--dry-run'], { env: env() })).code).toBe(2);
  });
});

describe('imctl audit --fix, --normalize-case, --disable-idle (in a test OU)', () => {
  let ou: string;
  let dn: Record<string, string>;
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]) => imctlHere(['audit', '--no-dns', '--base-dn', ou, ...args], { env });

  beforeAll(async () => {
    ou = await createOu('audit-fix');
    const { msExchIMPhysicalURL: _p, ...partial } = values('fx-partial', 'im-south');
    const users = [
      { sam: 'fx-partial', cn: 'Fx Partial', extra: partial },
      { sam: 'fx-host', cn: 'Fx Host', extra: values('fx-host', 'im-south', { host: server('im-east').host }) },
      {
        sam: 'fx-orphan',
        cn: 'Fx Orphan',
        extra: { ...values('fx-orphan', 'im-router'), msExchIMAddress: 'FX-Orphan@im.lab.imctl.test' },
      },
      { sam: 'fx-case', cn: 'Fx Case', extra: values('FX-Case', 'im-south', { domain: 'IM.Lab.Imctl.Test' }) },
      { sam: 'fx-dup1', cn: 'Fx Dup1', mailNickname: 'fx-dup', extra: values('fx-dup', 'im-south') },
      { sam: 'fx-dup2', cn: 'Fx Dup2', mailNickname: 'fx-dup', extra: values('fx-dup', 'im-west') },
      { sam: 'fx-idle', cn: 'Fx Idle', extra: { ...values('fx-idle', 'im-south'), userAccountControl: '546' } },
    ];
    // Accounts enabled without a password (NORMAL_ACCOUNT | PASSWD_NOTREQD), so that only fx-idle is an idle seat.
    const added = await addUsers(
      ou,
      users.map((u) => ({ ...u, extra: { userAccountControl: '544', ...u.extra } })),
    );
    dn = Object.fromEntries(users.map((u, i) => [u.sam, added[i]!]));
    env = imctlEnv();
  });

  // Leave no orphan (or any IM user) behind for the files that count the lab's orphans.
  afterAll(async () => {
    if (dn) await imctlHere(['disable', ...Object.values(dn), '--yes'], { env });
  });

  const im = async (sam: string) =>
    (await readEntry(dn[sam]!, [
      'msExchIMAddress',
      'msExchIMMetaPhysicalURL',
      'msExchIMPhysicalURL',
      'msExchIMVirtualServer',
      'uSNChanged',
    ]))!.attrs;

  it('--fix --dry-run plans the certain repairs and writes nothing', async () => {
    const before = await im('fx-partial');
    const result = await run('--fix', '--normalize-case', '--dry-run', '--json');
    expect(result.code, result.stderr).toBe(3);
    const doc = result.json();
    expect(doc.summary).toMatchObject({ planned: 4, changed: 0 });
    expect(doc.results.map((r: { user: string }) => r.user).sort()).toEqual([
      'fx-case',
      'fx-host',
      'fx-orphan',
      'fx-partial',
    ]);
    expect(doc.audit.findings.length).toBeGreaterThan(0);
    expect((await im('fx-partial')).usnchanged).toEqual(before.usnchanged);
  });

  it('--fix --normalize-case repairs partial state, the private URL host, the orphan and case; duplicates and idle seats stay; undo restores exactly', async () => {
    const dups = [await im('fx-dup1'), await im('fx-dup2')];
    const caseBefore = await im('fx-case');
    const result = await run('--fix', '--normalize-case', '--yes', '--json');
    expect(result.code, result.stderr).toBe(3); // duplicates and the idle seat remain
    const doc = result.json();
    expect(doc.summary).toMatchObject({ changed: 4, failed: 0 });

    const south = server('im-south');
    const partial = await im('fx-partial');
    expect(partial.msexchimphysicalurl).toEqual([
      `http://${south.host}/instmsg/local/im.lab.imctl.test/instmsg/aliases/fx-partial`,
    ]);
    expect((await im('fx-host')).msexchimphysicalurl).toEqual([
      `http://${south.host}/instmsg/local/im.lab.imctl.test/instmsg/aliases/fx-host`,
    ]);
    const orphan = await im('fx-orphan');
    const home = lab().servers.find((s) => s.dn.toLowerCase() === orphan.msexchimvirtualserver?.[0]?.toLowerCase());
    expect(home?.hostsUsers).toBe(true);
    expect(home?.exists).toBe(true);
    expect(orphan.msexchimphysicalurl).toEqual([
      `http://${home!.host}/instmsg/local/im.lab.imctl.test/instmsg/aliases/fx-orphan`,
    ]);
    expect(orphan.msexchimaddress).toEqual(['fx-orphan@im.lab.imctl.test']); // with --normalize-case
    const fixedCase = await im('fx-case');
    expect(fixedCase.msexchimaddress).toEqual(['fx-case@im.lab.imctl.test']);
    expect(fixedCase.msexchimmetaphysicalurl).toEqual(['http://im.lab.imctl.test/instmsg/aliases/fx-case']);
    expect((await im('fx-dup1')).usnchanged).toEqual(dups[0]!.usnchanged);
    expect((await im('fx-dup2')).usnchanged).toEqual(dups[1]!.usnchanged);
    expect((await im('fx-idle')).msexchimaddress).toEqual(['fx-idle@im.lab.imctl.test']);

    const again = await run('--fix', '--normalize-case', '--yes', '--json');
    expect(again.json().summary).toMatchObject({ changed: 0 });

    const undone = await imctlHere(['undo', doc.journal, '--yes', '--json'], { env });
    expect(undone.code, undone.stderr).toBe(0);
    const restored = await im('fx-case');
    expect(restored.msexchimaddress).toEqual(caseBefore.msexchimaddress);
    expect(restored.msexchimaddress).toEqual(['FX-Case@IM.Lab.Imctl.Test']);
    expect((await im('fx-partial')).msexchimphysicalurl).toBeUndefined();
  });

  it('--disable-idle clears IM on the idle seat only; --ldif gives the same change for ldapmodify', async () => {
    const ldif = await run('--disable-idle', '--ldif', '-');
    expect(ldif.stdout).toContain('delete: msExchIMAddress\nmsExchIMAddress: fx-idle@im.lab.imctl.test');
    const result = await run('--disable-idle', '--yes', '--json');
    expect(result.json().summary).toMatchObject({ changed: 1 });
    expect(result.json().results[0].user).toBe('fx-idle');
    const left = await ldapsearch(ou, '(msExchIMAddress=fx-idle@im.lab.imctl.test)', ['1.1']);
    expect(left).toHaveLength(0);
    expect((await im('fx-idle')).msexchimvirtualserver).toBeUndefined();
  });
});
