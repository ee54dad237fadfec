/**
 * The provisioning service against an in-memory directory port: who is resolved, where users are
 * placed, which requests are rejected and why — one rule for enable/disable/move, CSV rows and
 * the wizard. (The same flows against the real DC are in test/commands/*.lab.test.ts.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, type GlobalFlags } from '../../src/config/settings.js';
import { UsageError } from '../../src/core/errors.js';
import { imValues, type ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { planProvisioning, previewPlacement, type ProvisionRequest } from '../../src/services/provisioning.js';
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
const SHORT = server('im-short', 'exch3');
const ROUTER = server('im-router', 'router.corp.test', false);
const DOMAIN = 'im.corp.test';

const user = (sam: string, home?: ImServer): UserRecord => ({
  dn: `CN=${sam},OU=Staff,DC=corp,DC=test`,
  guid: sam
    .padEnd(32, '0')
    .replace(/[^0-9a-f]/g, 'a')
    .slice(0, 32),
  sAMAccountName: sam,
  accountDisabled: false,
  im: home ? imValues(sam, DOMAIN, home) : {},
});

function settings(flags: GlobalFlags = {}) {
  const home = mkdtempSync(join(tmpdir(), 'imctl-prov-'));
  return loadSettings({ imDomain: DOMAIN, ...flags }, { XDG_CONFIG_HOME: join(home, 'config') }, home);
}

/** `n` users homed on `home`, to give a server load. */
const load = (home: ImServer, n: number) => Array.from({ length: n }, (_, i) => user(`${home.name}-${i}`, home));

async function plan(
  servers: ImServer[],
  users: UserRecord[],
  requests: ProvisionRequest[],
  flags: GlobalFlags = {},
  strict = false,
) {
  return planProvisioning(new MemoryDirectory(servers, users), settings(flags), requests, {
    serverProblemIsUsageError: strict,
  });
}

describe('planProvisioning: placement', () => {
  it('places newcomers on the server with the most room, counting the batch', async () => {
    const users = [...load(EAST, 3), ...load(WEST, 1), user('a'), user('b'), user('c'), user('d')];
    const result = await plan(
      [EAST, WEST],
      users,
      ['a', 'b', 'c', 'd'].map((u) => ({ user: u, action: 'enable' as const })),
      { capacity: 5 },
    );
    // west has 4 free, east 2: west, west, then ties (2 and 2) go by name: im-east, then west again.
    expect(result.targets.map((t) => t.summary)).toEqual(['on im-west', 'on im-west', 'on im-east', 'on im-west']);
    expect(result.rejected).toEqual([]);
  });

  it('a user enabled already keeps its home; only newcomers are placed', async () => {
    const result = await plan(
      [EAST, WEST],
      [user('old', EAST), ...load(EAST, 2), user('new')],
      [
        { user: 'old', action: 'enable' },
        { user: 'new', action: 'enable' },
      ],
    );
    expect(result.targets.map((t) => [t.summary, t.plan.kind])).toEqual([
      ['on im-east', 'unchanged'],
      ['on im-west', 'write'],
    ]);
  });

  it('never places users on a host that is not fully qualified, and says so once', async () => {
    const result = await plan([EAST, SHORT], [...load(EAST, 5), user('a')], [{ user: 'a', action: 'enable' }]);
    expect(result.targets[0]!.summary).toBe('on im-east');
    expect(result.notices).toEqual([expect.stringMatching(/^Not placing users on im-short \(host "exch3"/)]);
    expect(
      previewPlacement(
        [
          { ...EAST, users: 5, capacity: 10 },
          { ...SHORT, users: 0, capacity: 10 },
        ],
        2,
      ),
    ).toEqual(['im-east', 'im-east']);
  });

  it('with no usable home server, placement is a usage error', async () => {
    await expect(plan([SHORT, ROUTER], [user('a')], [{ user: 'a', action: 'enable' }])).rejects.toThrow(
      /no usable home server/,
    );
  });
});

describe('planProvisioning: the same rules for a named server, from a flag or a row', () => {
  it.each([
    ['im-nowhere', /No IM server is named "im-nowhere"/],
    ['im-router', /is a router, not a home server/],
    ['im-short', /host name "exch3" cannot be used: .*Fix msExchIMHostName/],
  ])('%s: a CSV row is rejected with the reason', async (name, reason) => {
    const result = await plan(
      [EAST, SHORT, ROUTER],
      [user('a')],
      [{ line: 2, user: 'a', action: 'move', server: name }],
    );
    // The user was found: the refusal says which account (the report's dn).
    expect(result.rejected).toEqual([
      { index: 0, line: 2, name: 'a', reason: expect.stringMatching(reason), dn: user('a').dn },
    ]);
    expect(result.targets[0]!.plan).toEqual({ kind: 'failed', reason: expect.stringMatching(reason) });
    expect(result.targets[0]!.dn).toBe(user('a').dn);
  });

  it.each(['im-nowhere', 'im-router', 'im-short'])(
    '%s: given as a flag it is a usage error (nothing planned)',
    async (name) => {
      await expect(
        plan([EAST, SHORT, ROUTER], [user('a')], [{ user: 'a', action: 'enable', server: name }], {}, true),
      ).rejects.toBeInstanceOf(UsageError);
    },
  );
});

describe('planProvisioning: requests that cannot be carried out', () => {
  const servers = [EAST, WEST];
  it.each<[string, UserRecord[], ProvisionRequest[], GlobalFlags, RegExp]>([
    ['an unknown user', [], [{ user: 'ghost', action: 'disable' }], {}, /no user is named "ghost"/],
    [
      'the same user twice (rows)',
      [user('a')],
      [
        { line: 2, user: 'a', action: 'disable' },
        { line: 3, user: 'CN=a,OU=Staff,DC=corp,DC=test', action: 'disable' },
      ],
      {},
      /names the same user as line 2 \(a\)/,
    ],
    ['a move with no server', [user('a', EAST)], [{ user: 'a', action: 'move' }], {}, /no server to move to/],
    [
      'an enable with no IM domain anywhere',
      [user('a')],
      [{ user: 'a', action: 'enable', server: 'im-east' }],
      { imDomain: undefined },
      /no IM domain given and no default/,
    ],
    [
      'an IM domain that is not a DNS name',
      [user('a')],
      [{ user: 'a', action: 'enable', server: 'im-east', imDomain: 'not a domain' }],
      {},
      /is not a DNS name/,
    ],
  ])('%s', async (_what, users, requests, flags, reason) => {
    const result = await plan(servers, users, requests, flags);
    expect(result.rejected.at(-1)?.reason).toMatch(reason);
    expect(result.targets.at(-1)!.plan).toMatchObject({ kind: 'failed' });
  });

  it('the same user twice by name (command line) names the first spelling', async () => {
    const result = await plan(
      servers,
      [user('a')],
      [
        { user: 'a', action: 'disable' },
        { user: 'A', action: 'disable' },
      ],
    );
    expect(result.rejected).toEqual([
      { index: 1, line: undefined, name: 'A', reason: 'names the same user as "a"', dn: user('a').dn },
    ]);
  });

  it('enable of a user on another server fails that user (move re-homes), the rest go ahead', async () => {
    const result = await plan(
      servers,
      [user('a', EAST), user('b')],
      [
        { user: 'a', action: 'enable', server: 'im-west' },
        { user: 'b', action: 'enable', server: 'im-west' },
      ],
    );
    expect(result.rejected).toEqual([]);
    expect(result.targets[0]!.plan).toEqual({
      kind: 'failed',
      reason: expect.stringMatching(/already IM-enabled on im-east; use "imctl move"/),
    });
    expect(result.targets[1]!.plan.kind).toBe('write');
  });

  it('users already found (the wizard) are not resolved again', async () => {
    const dir = new MemoryDirectory(servers, []);
    const result = await planProvisioning(dir, settings(), [{ user: user('picked'), action: 'enable', server: WEST }]);
    expect(result.targets[0]).toMatchObject({ name: 'picked', summary: 'on im-west', plan: { kind: 'write' } });
  });
});
