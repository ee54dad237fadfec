/**
 * Two replicating DCs (issue 16), the everyday part: one run stays on one DC and reads its own
 * writes there; the other DC sees them only after replication, and `servers` on it counts what it
 * has received; `--domain` finds both DCs by SRV, skips dead ones, and `-v` names the DC used.
 * Every state is read back on BOTH DCs with ldapsearch. Automatic replication is paused in the lab
 * (lab/dc2.sh): the tests replicate when they choose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers, createOu, imctlEnv, lab, server } from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';
import { dc1, dc2, envFor, replicate, startDc, stopDc, usersOn, type LabDc } from '../support/two-dcs.js';

const SAMS = ['rw-1', 'rw-2', 'rw-3', 'rw-4', 'rw-5'];
let ou: string;

/** Home server DN of every test user, as one DC sees it. */
async function homes(dc: LabDc): Promise<string[]> {
  const users = await usersOn(dc, ou);
  return SAMS.map((s) => users.get(s)?.im.server?.toLowerCase() ?? 'none');
}
const dnOf = (name: string) => server(name).dn.toLowerCase();

interface ServerRow {
  name: string;
  users: number;
}
/** `servers` on one DC, scoped to this file's OU (--base-dn): the batch's five users, not a count of 12,000. */
async function counts(dc: LabDc): Promise<Map<string, number>> {
  const result = await imctlHere(['servers', '--base-dn', ou, '--json'], { env: envFor([dc]) });
  expect(result.code, result.stderr).toBe(0);
  return new Map((result.json().servers as ServerRow[]).map((s) => [s.name, s.users]));
}

beforeAll(async () => {
  ou = await createOu('repl-one-dc');
  await addUsers(
    ou,
    SAMS.map((sam) => ({ sam, cn: `Repl ${sam}`, im: { server: server('im-south') } })),
  );
  await replicate(); // both DCs start from the same state
  expect(await homes(dc2())).toEqual(SAMS.map(() => dnOf('im-south')));
});

describe('one run, one DC', () => {
  let before: Map<string, number>;

  it('a run given both DCs uses the first that answers for every read and write: dc1 has the writes, dc2 not yet', async () => {
    before = await counts(dc2());
    const run = await imctlHere(['-v', 'move', ...SAMS, '--to', 'im-north', '--yes', '--json'], {
      env: envFor([dc1(), dc2()]),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().summary).toMatchObject({ changed: 5, failed: 0 });
    // -v names the one DC the run used, and the other is never contacted (it appears only in the
    // settings line that lists the URLs given).
    expect(run.stderr).toMatch(/connected to 127\.0\.0\.1 \(ldaps:\/\/127\.0\.0\.1\)/);
    expect(run.stderr).toMatch(/^imctl: url: ldaps:\/\/127\.0\.0\.1, ldaps:\/\/127\.0\.0\.2 \(environment\)$/m);
    expect(run.stderr.split('\n').filter((line) => !line.startsWith('imctl: url: '))).not.toContainEqual(
      expect.stringMatching(/127\.0\.0\.2/),
    );
    expect(await homes(dc1())).toEqual(SAMS.map(() => dnOf('im-north')));
    expect(await homes(dc2())).toEqual(SAMS.map(() => dnOf('im-south')));
  });

  it('the next run on dc1 reads those writes (nothing left to do); on dc2, before replication, it would move them all again', async () => {
    const onDc1 = await imctlHere(['move', ...SAMS, '--to', 'im-north', '--dry-run', '--json'], {
      env: envFor([dc1(), dc2()]),
    });
    expect(onDc1.json().summary).toMatchObject({ unchanged: 5, planned: 0 });
    const onDc2 = await imctlHere(['move', ...SAMS, '--to', 'im-north', '--dry-run', '--json'], {
      env: envFor([dc2()]),
    });
    expect(onDc2.json().summary).toMatchObject({ unchanged: 0, planned: 5 });
  });

  it('`servers` on a DC that has not received the moves counts the old homes; --url picks the DC to ask', async () => {
    const [onDc1, onDc2] = await Promise.all([counts(dc1()), counts(dc2())]);
    expect(onDc2).toEqual(before); // dc2 has not seen the batch
    expect(onDc1.get('im-north')! - onDc2.get('im-north')!).toBe(5);
    expect(onDc2.get('im-south')! - onDc1.get('im-south')!).toBe(5);
  });

  it('after replication both DCs hold the moves, `servers` agrees on both, and a run on dc2 finds nothing to do', async () => {
    await replicate();
    expect(await homes(dc1())).toEqual(SAMS.map(() => dnOf('im-north')));
    expect(await homes(dc2())).toEqual(SAMS.map(() => dnOf('im-north')));
    const [countsOn1, countsOn2] = await Promise.all([counts(dc1()), counts(dc2())]);
    expect(countsOn2).toEqual(countsOn1);
    expect(countsOn2.get('im-north')).toBe(5);
    const onDc2 = await imctlHere(['move', ...SAMS, '--to', 'im-north', '--dry-run', '--json'], {
      env: envFor([dc2()]),
    });
    expect(onDc2.json().summary).toMatchObject({ unchanged: 5, planned: 0 });
  });
});

describe('--domain: both DCs by SRV', () => {
  const dnsOf = (dc: LabDc) => `${dc.dnsServer}:${lab().dnsPort}`;
  const domainEnv = (dns: string) =>
    imctlEnv({ IMCTL_URL: undefined, IMCTL_DOMAIN: lab().domain, IMCTL_DNS_SERVER: dns });

  it('lists dc0 (dead), dc1 and dc2; skips dc0 and names the DC it used (dc1, the next by priority)', async () => {
    const result = await imctlHere(['-v', 'show', 'jdoe', '--json'], { env: domainEnv(dnsOf(dc1())) });
    expect(result.code, result.stderr).toBe(0);
    const located = /DCs for lab\.imctl\.test by _ldap\._tcp\.lab\.imctl\.test: (.*)/.exec(result.stderr)?.[1] ?? '';
    expect(located).toMatch(
      /^dc0\.lab\.imctl\.test \(ldap:\/\/127\.0\.0\.9:389\), dc1\.lab\.imctl\.test \(ldap:\/\/127\.0\.0\.1:389\), dc2\.lab\.imctl\.test \(ldap:\/\/127\.0\.0\.2:389\)$/,
    );
    expect(result.stderr).toMatch(/dc0\.lab\.imctl\.test failed/);
    expect(result.stderr).toMatch(/connected to dc1\.lab\.imctl\.test/);
  });

  describe('with dc1 stopped', () => {
    beforeAll(async () => {
      await stopDc(dc1());
    });
    afterAll(async () => {
      await startDc(dc1());
    });

    it('dc2 answers the same SRV query (the DNS zone replicated) and the run uses dc2 after dc0 and dc1 fail', async () => {
      const result = await imctlHere(['-v', 'show', 'jdoe', '--json'], { env: domainEnv(dnsOf(dc2())) });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/dc0\.lab\.imctl\.test failed/);
      expect(result.stderr).toMatch(/dc1\.lab\.imctl\.test failed/);
      expect(result.stderr).toMatch(/connected to dc2\.lab\.imctl\.test \(ldap:\/\/127\.0\.0\.2:389\)/);
      expect(result.json().sAMAccountName).toBe('jdoe');
    });
  });
});
