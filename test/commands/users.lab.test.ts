import { describe, expect, it } from 'vitest';
import { escapeFilterValue } from '../../src/core/escape.js';
import { lab, ldapcount, server } from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';

describe('imctl users and show (against the lab DC)', () => {
  it('lists every user of a server with more than 1,000 users (paged, complete)', async () => {
    const east = server('im-east');
    const result = await imctlHere(['users', '--server', 'im-east', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    const independent = await ldapcount(
      lab().baseDn,
      `(&(sAMAccountType=805306368)(msExchIMVirtualServer=${escapeFilterValue(east.dn)}))`,
    );
    expect(independent).toBeGreaterThan(1000);
    expect(data.total).toBe(independent);
    expect(new Set(data.users.map((u: { dn: string }) => u.dn)).size).toBe(independent);
    expect(data.users.every((u: { homeServer: string }) => u.homeServer === 'im-east')).toBe(true);
  });

  it('--orphaned lists exactly the users on routers and deleted servers', async () => {
    const data = (await imctlHere(['users', '--orphaned', '--json'])).json();
    const seeded = lab().seeded;
    expect(data.total).toBe(seeded.orphansOnRouter + seeded.orphansOnMissingServer);
    expect(data.users.filter((u: { orphaned: string }) => u.orphaned === 'router')).toHaveLength(
      seeded.orphansOnRouter,
    );
  });

  it('--limit caps the list and says so', async () => {
    const result = await imctlHere(['users', '--limit', '3']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 users shown: the list was cut at --limit 3; there are more.');
  });

  it.each([
    ['sAMAccountName', 'jdoe'],
    ['UPN', 'jdoe@lab.imctl.test'],
    ['DN with an escaped comma', 'CN=Doe\\, John,OU=Staff,DC=lab,DC=imctl,DC=test'],
    ['DOMAIN\\user', 'LAB\\jdoe'],
  ])('show finds a user by %s', async (_kind, name) => {
    const result = await imctlHere(['show', name, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const data = result.json();
    expect(data.sAMAccountName).toBe('jdoe');
    expect(data.dn).toBe('CN=Doe\\, John,OU=Staff,DC=lab,DC=imctl,DC=test');
    expect(data.imEnabled).toBe(true);
    expect(data.drift).toEqual([]);
  });

  it('show reports a user homed on a router as orphaned', async () => {
    // One of the router's users (a search by home server, not a second scan of the domain).
    const data = (await imctlHere(['users', '--server', 'im-router', '--json'])).json();
    const onRouter = data.users.find((u: { orphaned: string }) => u.orphaned === 'router');
    const shown = (await imctlHere(['show', onRouter.dn, '--json'])).json();
    expect(shown.homeServerRole).toBe('router');
    expect(shown.problems.join(' ')).toMatch(/router/);
  });

  it('an unknown user is a usage error (exit 2) that says what to give', async () => {
    const result = await imctlHere(['show', 'no-such-user-xyz']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no user is named "no-such-user-xyz"/);
  });

  it('a filter-injection attempt matches nothing rather than everything', async () => {
    const result = await imctlHere(['show', '*)(objectClass=*']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no user is named/);
  });
});
