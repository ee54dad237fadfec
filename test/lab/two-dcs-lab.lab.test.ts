/**
 * The lab's second DC (lab/dc2.sh): it is running, it binds only its own address, the two DCs
 * replicate (showrepl on each lists the other as a successful inbound neighbour), and each DC
 * presents its own certificate from the lab CA.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { lab, repoRoot } from '../support/lab.js';
import { dc1, dc2, searchOn } from '../support/two-dcs.js';

const labSh = (...args: string[]) =>
  spawnSync('bash', [join(repoRoot, 'lab', 'lab.sh'), ...args], {
    env: { ...process.env, IMCTL_LAB_DIR: inject('labDir') },
    encoding: 'utf8',
  });

describe("the lab's second DC", () => {
  it('status names dc2 as running on 127.0.0.2', () => {
    const result = labSh('status');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/dc2: +running \(pid \d+\), ldaps:\/\/127\.0\.0\.2 \(dc2\.lab\.imctl\.test\)/);
  });

  it('showrepl on each DC lists the other as an inbound neighbour for the domain partition, with no failure', () => {
    for (const [n, other] of [
      ['1', 'DC2'],
      ['2', 'DC1'],
    ] as const) {
      const result = labSh('showrepl', n);
      expect(result.status, result.stderr).toBe(0);
      const inbound = result.stdout.split('==== OUTBOUND NEIGHBORS ====')[0]!;
      const domain = inbound.split(/\n(?=\S)/).find((block) => block.startsWith(lab().baseDn))!;
      expect(domain, inbound).toMatch(new RegExp(`Default-First-Site-Name\\\\${other} via RPC`));
      expect(domain).toMatch(/0 consecutive failure\(s\)/);
    }
  });

  it("each address reaches its own DC: LDAPS with the certificate verified against the address, RootDSE dnsHostName the DC's own", async () => {
    for (const dc of [dc1(), dc2()]) {
      const [root] = await searchOn(dc, '', '(objectClass=*)', ['dnsHostName'], 'base');
      expect(root!.attrs['dnshostname']).toEqual([dc.host]);
    }
  });
});
