import { describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import { imctl, imctlEnv, lab, ldapcount } from '../support/lab.js';

const USERS = '(sAMAccountType=805306368)';

describe('imctl servers (against the lab DC)', () => {
  it('--password-file on the command line beats IMCTL_PASSWORD in the environment', async () => {
    const result = await imctl(['--password-file', lab().adminPassword, 'servers', '--json'], {
      env: imctlEnv({ IMCTL_PASSWORD: 'not-the-password', IMCTL_PASSWORD_FILE: undefined }),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().servers.length).toBeGreaterThan(0);
    // And without the flag the environment's (wrong) password is the one used: AD's 52e.
    const envOnly = await imctl(['servers'], {
      env: imctlEnv({ IMCTL_PASSWORD: 'not-the-password', IMCTL_PASSWORD_FILE: undefined }),
    });
    expect(envOnly.code).toBe(1);
    expect(envOnly.stderr).toMatch(/The password for the bind account is wrong/);
  });

  it('counts agree with ldapsearch for every server, including one with more than 1,000 users', async () => {
    const result = await imctl(['servers', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    const { baseDn } = lab();
    for (const server of lab().servers.filter((s) => s.exists)) {
      const row = data.servers.find((r: { name: string }) => r.name === server.name);
      expect(row, server.name).toBeDefined();
      const independent = await ldapcount(baseDn, `(&${USERS}(msExchIMVirtualServer=${escapeFilterValue(server.dn)}))`);
      expect(row.users, server.name).toBe(independent);
      expect(row.role).toBe(server.hostsUsers ? 'home' : 'router');
    }
    const east = data.servers.find((r: { name: string }) => r.name === 'im-east');
    expect(east.users).toBeGreaterThan(7500);
    expect(east.state).toBe('over');
    expect(east.capacity).toBe(7500);
  });

  it('reports orphans on routers and on deleted servers, and the failure headroom', async () => {
    const data = (await imctl(['servers', '--json'])).json();
    const { baseDn } = lab();
    const allHomed = await ldapcount(baseDn, `(&${USERS}(msExchIMVirtualServer=*))`);
    const onHome = data.servers
      .filter((s: { role: string }) => s.role === 'home')
      .reduce((sum: number, s: { users: number }) => sum + s.users, 0);
    expect(data.totals.orphaned).toBe(allHomed - onHome);
    expect(data.totals.orphaned).toBeGreaterThanOrEqual(lab().seeded.orphansOnRouter);
    expect(typeof data.headroom.survivesAnySingleFailure).toBe('boolean');
    expect(data.headroom.perServer).toHaveLength(data.totals.homeServers);
  });

  it('prints a table with no colour when piped', async () => {
    const result = await imctl(['servers']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/im-east\s+│\s+exch1\.lab\.imctl\.test/);
    expect(result.stdout).not.toMatch(/\x1b\[/);
    expect(result.stdout).toMatch(/orphaned user/);
  });

  it('honours per-server capacity from the config file and --capacity over it', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { scratchDir } = await import('../support/lab.js');
    const dir = scratchDir();
    const config = join(dir, 'imctl.json');
    writeFileSync(config, JSON.stringify({ capacity: 9000, servers: { 'im-west': { capacity: 1500 } } }));
    const data = (await imctl(['--config', config, 'servers', '--json'])).json();
    const byName = (n: string) => data.servers.find((s: { name: string }) => s.name === n);
    expect(byName('im-west').capacity).toBe(1500);
    expect(byName('im-east').capacity).toBe(9000);
    const flagged = (await imctl(['--config', config, 'servers', '--json', '--capacity', '100'])).json();
    expect(flagged.servers.find((s: { name: string }) => s.name === 'im-west').capacity).toBe(100);
  });
});
