/**
 * `imctl servers` against the lab DC. The counts are the seeded domain's (more than 1,000 users on
 * im-east, orphans on the router and on a deleted server), so one `servers --json` over the whole
 * domain is read once, in this process, and every check about the counts reads it. Checks that are
 * about the command line, the config file or the table's form — not the domain's size — run on
 * OU=Audit (16 seeded users, two of them orphans) with --base-dn: the servers, their hosts and
 * capacities are the same there (they come from the Configuration partition), the scan costs
 * sixteen entries.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import { imctlHere } from '../support/in-process.js';
import { type RunResult, imctlProcess, imctlEnv, lab, ldapcount, scratchDir } from '../support/lab.js';

const USERS = '(sAMAccountType=805306368)';

/** The whole seeded domain's `servers --json`, read once for every check on its counts. */
let whole: Promise<RunResult> | undefined;
const wholeDomain = () => (whole ??= imctlHere(['servers', '--json']));

/** Every homed user, counted by ldapsearch once (a second scan of the domain, side by side with the first). */
let homed: Promise<number> | undefined;
const allHomed = () => (homed ??= ldapcount(lab().baseDn, `(&${USERS}(msExchIMVirtualServer=*))`));

/** imctlEnv() with the base DN at OU=Audit: a small scan, the same servers. */
const auditEnv = (extra: Record<string, string | undefined> = {}) =>
  imctlEnv({ IMCTL_BASE_DN: lab().audit.ou, ...extra });

describe('imctl servers (against the lab DC)', () => {
  it('--password-file on the command line beats IMCTL_PASSWORD in the environment', async () => {
    const env = auditEnv({ IMCTL_PASSWORD: 'not-the-password', IMCTL_PASSWORD_FILE: undefined });
    const [result, envOnly] = await Promise.all([
      imctlHere(['--password-file', lab().adminPassword, 'servers', '--json'], { env }),
      // And without the flag the environment's (wrong) password is the one used: AD's 52e.
      imctlHere(['servers'], { env }),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().servers.length).toBeGreaterThan(0);
    expect(envOnly.code).toBe(1);
    expect(envOnly.stderr).toMatch(/The password for the bind account is wrong/);
  });

  it('counts agree with ldapsearch for every server, including one with more than 1,000 users', async () => {
    const { baseDn } = lab();
    const existing = lab().servers.filter((s) => s.exists);
    // The orphan check's count starts here too, so that its scan overlaps this one's.
    void allHomed().catch(() => undefined);
    const [result, ...independent] = await Promise.all([
      wholeDomain(),
      ...existing.map((server) =>
        ldapcount(baseDn, `(&${USERS}(msExchIMVirtualServer=${escapeFilterValue(server.dn)}))`),
      ),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    existing.forEach((server, i) => {
      const row = data.servers.find((r: { name: string }) => r.name === server.name);
      expect(row, server.name).toBeDefined();
      expect(row.users, server.name).toBe(independent[i]);
      expect(row.role).toBe(server.hostsUsers ? 'home' : 'router');
    });
    const east = data.servers.find((r: { name: string }) => r.name === 'im-east');
    expect(east.users).toBeGreaterThan(7500);
    expect(east.state).toBe('over');
    expect(east.capacity).toBe(7500);
  });

  it('reports orphans on routers and on deleted servers, and the failure headroom', async () => {
    const [result, homedCount] = await Promise.all([wholeDomain(), allHomed()]);
    const data = result.json();
    const onHome = data.servers
      .filter((s: { role: string }) => s.role === 'home')
      .reduce((sum: number, s: { users: number }) => sum + s.users, 0);
    expect(data.totals.orphaned).toBe(homedCount - onHome);
    expect(data.totals.orphaned).toBeGreaterThanOrEqual(lab().seeded.orphansOnRouter);
    expect(typeof data.headroom.survivesAnySingleFailure).toBe('boolean');
    expect(data.headroom.perServer).toHaveLength(data.totals.homeServers);
  });

  it('a base DN narrows the users, not the loads: from OU=Audit, im-east still holds its 8,200', async () => {
    // Without the lab files' test-only narrowing (imctlEnv): what a delegated operator sees.
    const env = auditEnv({ IMCTL_TEST_LOADS_UNDER_BASE_DN: undefined });
    const scoped = await imctlHere(['servers', '--json'], { env });
    expect(scoped.code, scoped.stderr).toBe(0);
    // OU=Audit homes nobody on im-east; the domain homes 8,200 there (lab/README.md).
    const east = scoped.json().servers.find((s: { name: string }) => s.name === 'im-east');
    expect(east.users).toBeGreaterThan(7500);
    expect(east.state).toBe('over');
  });

  // The built binary with its stdout a real pipe: what "piped" means.
  it('prints a table with no colour when piped', async () => {
    const result = await imctlProcess(['servers'], { env: auditEnv() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/im-east\s+│\s+exch1\.lab\.imctl\.test/);
    expect(result.stdout).not.toMatch(/\x1b\[/);
    expect(result.stdout).toMatch(/orphaned user/);
  });

  it('honours per-server capacity from the config file and --capacity over it', async () => {
    const config = join(scratchDir(), 'imctl.json');
    writeFileSync(config, JSON.stringify({ capacity: 9000, servers: { 'im-west': { capacity: 1500 } } }));
    const [fromConfig, flagged] = await Promise.all([
      imctlHere(['--config', config, 'servers', '--json'], { env: auditEnv() }),
      imctlHere(['--config', config, 'servers', '--json', '--capacity', '100'], { env: auditEnv() }),
    ]);
    const data = fromConfig.json();
    const byName = (n: string) => data.servers.find((s: { name: string }) => s.name === n);
    expect(byName('im-west').capacity).toBe(1500);
    expect(byName('im-east').capacity).toBe(9000);
    expect(flagged.json().servers.find((s: { name: string }) => s.name === 'im-west').capacity).toBe(100);
  });
});
