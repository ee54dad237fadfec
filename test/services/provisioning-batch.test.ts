/**
 * Issue 21, "Batches on the command line are checked like CSV": with allOrNothing (enable,
 * disable and move on the command line; import without --skip-invalid) an unknown name or a state
 * conflict is found before anything is written, and the batch is refused in one message.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { imValues, type ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { planProvisioning, refuseBatch, type ProvisionRequest } from '../../src/services/provisioning.js';
import { MemoryDirectory } from '../support/memory-directory.js';

const vs = (n: string) =>
  `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${n},CN=Servers,CN=Configuration,DC=corp,DC=test`;
const EAST: ImServer = {
  dn: vs('EXCH1'),
  name: 'im-east',
  cn: 'IM Virtual Server',
  host: 'exch1.corp.test',
  hostsUsers: true,
};
const WEST: ImServer = {
  dn: vs('EXCH2'),
  name: 'im-west',
  cn: 'IM Virtual Server',
  host: 'exch2.corp.test',
  hostsUsers: true,
};
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

async function plan(
  requests: ProvisionRequest[],
  capacity?: number,
  flags: Record<string, unknown> = {},
  ridBound?: number,
) {
  const home = mkdtempSync(join(tmpdir(), 'imctl-batch-'));
  const settings = loadSettings(
    { imDomain: DOMAIN, ...(capacity !== undefined ? { capacity } : {}), ...flags },
    { XDG_CONFIG_HOME: join(home, 'config') },
    home,
  );
  const directory = countingCalls(
    new MemoryDirectory(
      [EAST, WEST],
      [
        user('known'),
        user('west', WEST),
        user('off'),
        user('east1', EAST),
        user('east2', EAST),
        { ...user('gone'), accountDisabled: true },
      ],
    ),
  );
  directory.ridBound = ridBound;
  return {
    ...(await planProvisioning(directory, settings, requests, { allOrNothing: true })),
    counted: directory.counted,
  };
}

/** The directory, recording which servers each count was asked for. */
function countingCalls(directory: MemoryDirectory) {
  const counted: string[] = [];
  const countOn = directory.countOn.bind(directory);
  const countHomed = directory.countHomed.bind(directory);
  return Object.assign(directory, {
    counted,
    countOn: (dns: readonly string[], activity?: { now: number; activeDays: number }) => {
      counted.push(`countOn ${dns.join(' | ')}`);
      return countOn(dns, activity);
    },
    countHomed: (dns: readonly string[], only?: (user: UserRecord) => boolean) => {
      counted.push(`countHomed ${dns.join(' | ')}`);
      return countHomed(dns, only);
    },
  });
}

describe('a command-line batch is checked whole', () => {
  it('an unknown name is rejected with the known one left unwritten', async () => {
    const { rejected } = await plan([
      { user: 'known', action: 'enable', server: 'im-east' },
      { user: 'typo-user', action: 'enable', server: 'im-east' },
    ]);
    expect(rejected).toEqual([
      expect.objectContaining({ name: 'typo-user', reason: expect.stringMatching(/no user is named/) }),
    ]);
  });

  it.each([
    {
      request: { user: 'west', action: 'enable', server: 'im-east' },
      reason: /already IM-enabled on im-west; use "imctl move"/,
    },
    { request: { user: 'off', action: 'move', server: 'im-east' }, reason: /not IM-enabled; use "imctl enable" first/ },
  ] as { request: ProvisionRequest; reason: RegExp }[])(
    'a state conflict is found before any write: $request.action $request.user',
    async ({ request, reason }) => {
      const { rejected } = await plan([{ user: 'known', action: 'enable', server: 'im-east' }, request]);
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toMatch(reason);
    },
  );

  it('the refusal is exit 2, names every problem, and carries them for --json', () => {
    const error = refuseBatch([{ index: 1, name: 'typo-user', reason: 'no user is named "typo-user"' }], 2);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      '1 of 2 users cannot be done as asked, so nothing was written: no user is named "typo-user". Fix or leave out that name and run again.',
    );
    expect(error.details).toEqual({ problems: [{ user: 'typo-user', reason: 'no user is named "typo-user"' }] });
  });
});

describe("the wizard's warnings, on the command line", () => {
  it('a named server pushed over capacity is said, with the numbers', async () => {
    const { notices, rejected } = await plan(
      [
        { user: 'known', action: 'enable', server: 'im-east' },
        { user: 'west', action: 'move', server: 'im-east' },
      ],
      2,
    );
    expect(rejected).toEqual([]);
    expect(notices).toEqual([
      'im-east holds 2 of 2 users (100%); with 2 more users it would hold 4 (200%), over capacity. "imctl servers" shows where there is room.',
    ]);
  });

  it('only the server receiving users is counted, not the whole domain (issue 23)', async () => {
    const { counted } = await plan([{ user: 'east1', action: 'move', server: 'im-west' }], 3);
    expect(counted).toEqual([`countOn ${WEST.dn}`]);
  });

  it('a domain with fewer accounts than the room left is not counted at all: it cannot go over', async () => {
    // 6 accounts in all; im-west has room for 7 + the 1 moving in.
    const { counted, notices } = await plan([{ user: 'east1', action: 'move', server: 'im-west' }], 7);
    expect(counted).toEqual([]);
    expect(notices).toEqual([]);
    // With a bound that leaves doubt (the RID Manager says 100 accounts may exist), it counts.
    const doubt = await plan([{ user: 'east1', action: 'move', server: 'im-west' }], 7, {}, 100);
    expect(doubt.counted).toEqual([`countOn ${WEST.dn}`]);
  });

  it('a batch that moves nobody counts nothing', async () => {
    const { counted, targets } = await plan([{ user: 'west', action: 'move', server: 'im-west' }], 3);
    expect(targets[0]!.plan.kind).toBe('unchanged');
    expect(counted).toEqual([]);
  });

  it('under --load active the notice counts active users against the capacity', async () => {
    // Nobody in this directory has logged on: im-east has 0 active users, so 2 newcomers fit in 2.
    const roomy = await plan(
      [
        { user: 'known', action: 'enable', server: 'im-east' },
        { user: 'west', action: 'move', server: 'im-east' },
      ],
      2,
      { load: 'active' },
    );
    expect(roomy.notices).toEqual([]);
    const full = await plan(
      [
        { user: 'known', action: 'enable', server: 'im-east' },
        { user: 'west', action: 'move', server: 'im-east' },
      ],
      1,
      { load: 'active' },
    );
    expect(full.notices).toEqual([
      'im-east holds 0 of 1 active users (0%); with 2 more users it would hold 2 (200%), over capacity. "imctl servers" shows where there is room.',
    ]);
  });

  it('no word when there is room', async () => {
    const { notices } = await plan([{ user: 'known', action: 'enable', server: 'im-east' }], 3);
    expect(notices).toEqual([]);
  });

  it('enabling a disabled account is said', async () => {
    const { notices } = await plan([{ user: 'gone', action: 'enable', server: 'im-west' }]);
    expect(notices).toEqual([
      'The account "gone" is disabled: IM gives it a seat nobody can use (an idle seat, as "imctl audit" counts them).',
    ]);
  });
});
