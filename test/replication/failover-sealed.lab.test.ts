/**
 * Failover under the sealed SASL layer (issue 20): the TLS version (failover.lab.test.ts) again, but
 * with only a Kerberos ticket, no CA, the DCs found by SRV and every message sealed on port 389.
 * dc1 — the run's DC, and the first KDC — is killed in the middle of an import. The run must move
 * to dc2 with a NEW GSS context (a service ticket for ldap/dc2, which only dc2's KDC can issue now:
 * lab/dc2.sh gives dc2 that SPN and puts its KDC in the lab's krb5.conf), re-check there the writes
 * that were in flight, and finish. Checked on both DCs with ldapsearch and the per-attribute
 * replication metadata: nothing lost, nothing applied twice on either DC, the journal true.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { kerberosEnv, kinit, krb } from '../support/kerberos.js';
import { addUsers, createOu, imctlProcess, lab, scratchDir, server } from '../support/lab.js';
import { dc1, dc2, replicate, startDc, stopDc, usersOn, type DcEntry, type ImKey } from '../support/two-dcs.js';
import { journalDir, journalOf, whenJournaled } from '../support/journal-files.js';

const COUNT = 500;
const SAMS = Array.from({ length: COUNT }, (_, i) => `fos-${String(i).padStart(3, '0')}`);
/** Kill dc1 once this many writes are journaled: well inside the run. */
const STOP_AFTER = 60;

let ou: string;
let start: Map<string, DcEntry>;
let cache: string;
/** One move's step in an IM attribute's replication version, measured on a control user. */
let ONE = 0;
const north = () => server('im-north').dn.toLowerCase();
const south = () => server('im-south').dn.toLowerCase();
const homeOf = (e: DcEntry | undefined) => e?.im.server?.toLowerCase();
const delta = (e: DcEntry, k: ImKey) => (e.stamps[k]?.version ?? 0) - (start.get(e.sam)!.stamps[k]?.version ?? 0);
/** imctl with a ticket and no CA: --domain finds both DCs by SRV (dc1 first) and binds on 389, sealed. */
const sealedEnv = () => kerberosEnv(cache, { IMCTL_CA_FILE: undefined });

beforeAll(async () => {
  ou = await createOu('repl-failover-sealed');
  await addUsers(
    ou,
    [...SAMS, 'fos-ctl'].map((sam) => ({ sam, cn: `Sealed Failover ${sam}`, im: { server: server('im-south') } })),
  );
  await replicate();
  start = await usersOn(dc2(), ou);
  expect(start.size).toBe(COUNT + 1);
  cache = await kinit(krb().adminPrincipal, lab().adminPassword);
  const ctl = await imctlProcess(['--auth', 'kerberos', 'move', 'fos-ctl', '--to', 'im-north', '--yes'], {
    env: sealedEnv(),
  });
  expect(ctl.code, ctl.stderr).toBe(0);
  ONE = delta((await usersOn(dc1(), ou)).get('fos-ctl')!, 'server');
  expect(ONE).toBeGreaterThan(0);
});

afterAll(async () => {
  await startDc(dc1()); // whatever happened, leave both DCs running for the next file
});

describe('dc1 killed in the middle of a sealed import', () => {
  let stderr: string;
  let journal: ReturnType<typeof journalOf>;
  const byDc = new Map<string, Set<string>>();

  it('fails over to dc2, binds a new sealed context there and finishes: exit 0, every row changed', async () => {
    const dir = scratchDir('repl-fos-');
    const csv = join(dir, 'move.csv');
    writeFileSync(csv, `user,action,server\n${SAMS.map((s) => `${s},move,im-north`).join('\n')}\n`);
    const env = sealedEnv();
    let done = false;
    const run = imctlProcess(
      ['--auth', 'kerberos', '-v', 'import', csv, '--yes', '--concurrency', '4', '--report', join(dir, 'report.json')],
      { env, timeoutMs: 115_000 },
    ).finally(() => (done = true));
    const hit = await whenJournaled(journalDir(env), STOP_AFTER, () => !done);
    expect(hit, 'the import finished before dc1 could be killed').toBe(true);
    const pid = Number(readFileSync(join(inject('labDir'), 'run', 'lab.pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    await stopDc(dc1());
    const result = await run;
    stderr = result.stderr;
    expect(result.code, stderr).toBe(0);
    expect(stderr).toMatch(/connected to dc1\.lab\.imctl\.test \(ldap:\/\/127\.0\.0\.1:389\)/);
    expect(stderr).toMatch(
      /warning: dc1\.lab\.imctl\.test stopped answering .*; this run continues on dc2\.lab\.imctl\.test/,
    );
    expect(stderr).toMatch(/connected to dc2\.lab\.imctl\.test \(ldap:\/\/127\.0\.0\.2:389\)/);
    // Two binds, two contexts, both sealed: one on dc1, one on dc2 after the failover.
    expect(stderr.match(/bound as Administrator@LAB\.IMCTL\.TEST/g)).toHaveLength(2);
    expect(stderr.match(/protection: sealed \(SASL GSSAPI confidentiality \+ integrity\)/g)).toHaveLength(2);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { outcome: string }[];
    expect(report.filter((r) => r.outcome === 'changed')).toHaveLength(COUNT);
    journal = journalOf(stderr);
  });

  it('the journal records every entry once, as a confirmed change, with the DC that took it', () => {
    expect(journal.changes).toHaveLength(COUNT);
    expect(journal.end).toMatchObject({ outcome: 'done', changed: COUNT });
    expect(journal.changes.every((c) => c.type === 'change')).toBe(true);
    expect(new Set(journal.changes.map((c) => String(c.dn).toLowerCase())).size).toBe(COUNT);
    for (const c of journal.changes) {
      const sam = /^CN=Sealed Failover (fos-\d+),/.exec(c.dn)![1]!;
      if (!byDc.has(c.server)) byDc.set(c.server, new Set());
      byDc.get(c.server)!.add(sam);
    }
    expect([...byDc.keys()].sort()).toEqual(['dc1.lab.imctl.test', 'dc2.lab.imctl.test']);
    expect(byDc.get('dc1.lab.imctl.test')!.size).toBeGreaterThanOrEqual(STOP_AFTER);
  });

  it('dc2, with dc1 still down: every write it took is there once; the ones dc1 confirmed are not yet', async () => {
    const onDc2 = await usersOn(dc2(), ou);
    for (const sam of SAMS) {
      const e = onDc2.get(sam)!;
      if (byDc.get('dc2.lab.imctl.test')!.has(sam)) {
        expect(homeOf(e), sam).toBe(north());
        expect([delta(e, 'server'), delta(e, 'physical'), delta(e, 'address'), delta(e, 'meta')], sam).toEqual([
          ONE,
          ONE,
          0,
          0,
        ]);
      } else {
        expect(homeOf(e), sam).toBe(south());
        expect(delta(e, 'server'), sam).toBe(0);
      }
    }
  });

  it('dc1, back: its confirmed writes are there once; a write in flight when it died may have landed too', async () => {
    await startDc(dc1());
    const onDc1 = await usersOn(dc1(), ou);
    let landedOnBoth = 0;
    for (const sam of SAMS) {
      const e = onDc1.get(sam)!;
      expect(delta(e, 'server'), sam).toBeLessThanOrEqual(ONE); // never twice on one DC
      if (byDc.get('dc1.lab.imctl.test')!.has(sam)) expect(homeOf(e), sam).toBe(north());
      else if (homeOf(e) === north()) landedOnBoth++;
      else expect(homeOf(e), sam).toBe(south());
    }
    expect(landedOnBoth).toBeLessThanOrEqual(4); // at most the writes in flight (--concurrency 4)
    process.stderr.write(
      `sealed failover: ${byDc.get('dc1.lab.imctl.test')!.size} writes confirmed by dc1, ${byDc.get('dc2.lab.imctl.test')!.size} by dc2 (new GSS context), ${landedOnBoth} also landed on dc1 (in flight when it died)\n`,
    );
  });

  it('after replication both DCs hold exactly the report: every entry moved once', async () => {
    await replicate();
    for (const dc of [dc1(), dc2()]) {
      const users = await usersOn(dc, ou);
      for (const sam of SAMS) {
        const e = users.get(sam)!;
        expect(homeOf(e), `${dc.name} ${sam}`).toBe(north());
        expect(
          [delta(e, 'server'), delta(e, 'physical'), delta(e, 'address'), delta(e, 'meta')],
          `${dc.name} ${sam}`,
        ).toEqual([ONE, ONE, 0, 0]);
      }
    }
  });
});
