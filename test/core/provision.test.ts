import { describe, expect, it } from 'vitest';
import { imValues, type ImServer, type ImState } from '../../src/core/im-model.js';
import { expectedState, planUser, writePlan } from '../../src/core/provision.js';
import { serversByDn } from '../../src/core/server-ref.js';
import type { UserRecord } from '../../src/core/user-record.js';

function vsDn(server: string): string {
  return `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${server},CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Corp,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example,DC=com`;
}

const im1: ImServer = {
  dn: vsDn('IM1'),
  name: 'IM1',
  cn: 'IM Virtual Server',
  host: 'im1.corp.example.com',
  hostsUsers: true,
};
const im2: ImServer = {
  dn: vsDn('IM2'),
  name: 'IM2',
  cn: 'IM Virtual Server',
  host: 'im2.corp.example.com',
  hostsUsers: true,
};
const byDn = serversByDn([im1, im2]);
const DOMAIN = 'im.example.com';

const ADDRESS = 'jdoe@im.example.com';
const META = 'http://im.example.com/instmsg/aliases/jdoe';
const PHYS1 = 'http://im1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe';
const PHYS2 = 'http://im2.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jdoe';
const ON_IM1: Required<ImState> = {
  msExchIMAddress: ADDRESS,
  msExchIMMetaPhysicalURL: META,
  msExchIMPhysicalURL: PHYS1,
  msExchIMVirtualServer: im1.dn,
};

function user(im: ImState, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    dn: 'CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com',
    guid: '0123456789abcdef0123456789abcdef',
    sAMAccountName: 'jdoe',
    mailNickname: 'JDoe',
    accountDisabled: false,
    im,
    ...overrides,
  };
}

describe('planUser: enable', () => {
  const enableOn1 = { action: 'enable', server: im1, imDomain: DOMAIN } as const;

  it('a new user: a write with the exact values and four adds', () => {
    const plan = planUser(user({}), enableOn1, byDn);
    expect(plan).toEqual({
      kind: 'write',
      before: {},
      after: ON_IM1,
      ops: [
        { operation: 'add', attribute: 'msExchIMAddress', values: [ADDRESS] },
        { operation: 'add', attribute: 'msExchIMMetaPhysicalURL', values: [META] },
        { operation: 'add', attribute: 'msExchIMPhysicalURL', values: [PHYS1] },
        { operation: 'add', attribute: 'msExchIMVirtualServer', values: [im1.dn] },
      ],
    });
  });

  it('lower-cases a mixed-case IM domain and falls back to sAMAccountName', () => {
    const plan = planUser(
      user({}, { mailNickname: undefined, sAMAccountName: 'JSmith' }),
      { action: 'enable', server: im1, imDomain: 'IM.Example.COM' },
      byDn,
    );
    expect(plan.kind === 'write' && plan.after).toEqual({
      msExchIMAddress: 'jsmith@im.example.com',
      msExchIMMetaPhysicalURL: 'http://im.example.com/instmsg/aliases/jsmith',
      msExchIMPhysicalURL: 'http://im1.corp.example.com/instmsg/local/im.example.com/instmsg/aliases/jsmith',
      msExchIMVirtualServer: im1.dn,
    });
  });

  it.each([
    { name: 'the same values', im: ON_IM1 },
    { name: 'the server DN in another case', im: { ...ON_IM1, msExchIMVirtualServer: im1.dn.toLowerCase() } },
  ])('already enabled on the same server with $name → unchanged', ({ im }) => {
    expect(planUser(user(im), enableOn1, byDn)).toEqual({ kind: 'unchanged' });
  });

  it('enabled on another server → failed, naming that server and pointing at move', () => {
    const plan = planUser(
      user({ ...ON_IM1, msExchIMVirtualServer: im2.dn, msExchIMPhysicalURL: PHYS2 }),
      enableOn1,
      byDn,
    );
    expect(plan.kind).toBe('failed');
    expect(plan.kind === 'failed' && plan.reason).toBe('already IM-enabled on IM2; use "imctl move" to re-home it');
  });

  it('enabled on a server that no longer exists → failed, naming its DN', () => {
    const gone = vsDn('OLD');
    const plan = planUser(user({ ...ON_IM1, msExchIMVirtualServer: gone }), enableOn1, byDn);
    expect(plan.kind === 'failed' && plan.reason).toContain(gone);
    expect(plan.kind === 'failed' && plan.reason).toContain('imctl move');
  });

  it.each([
    { name: 'mailNickname changed since', u: user(ON_IM1, { mailNickname: 'john.doe' }), intent: enableOn1 },
    {
      name: 'another IM domain',
      u: user(ON_IM1),
      intent: { action: 'enable', server: im1, imDomain: 'im.other.example' } as const,
    },
  ])('same server but a different address ($name) → failed, keeping the old address', ({ u, intent }) => {
    const plan = planUser(u, intent, byDn);
    expect(plan).toEqual({
      kind: 'failed',
      reason: `already IM-enabled as ${ADDRESS}; disable it first to change its IM address`,
    });
  });

  it('a drifted physical URL on the same server → a write that repairs only that attribute', () => {
    const drifted = { ...ON_IM1, msExchIMPhysicalURL: 'http://IM1/instmsg/local/im.example.com/instmsg/aliases/jdoe' };
    expect(planUser(user(drifted), enableOn1, byDn)).toEqual({
      kind: 'write',
      before: drifted,
      after: ON_IM1,
      ops: [
        { operation: 'delete', attribute: 'msExchIMPhysicalURL', values: [drifted.msExchIMPhysicalURL] },
        { operation: 'add', attribute: 'msExchIMPhysicalURL', values: [PHYS1] },
      ],
    });
  });

  it('a half-enabled user (address only) → a write that adds the missing three', () => {
    const plan = planUser(user({ msExchIMAddress: ADDRESS }), enableOn1, byDn);
    expect(plan.kind === 'write' && plan.after).toEqual(ON_IM1);
    expect(plan.kind === 'write' && plan.ops.map((op) => `${op.operation} ${op.attribute}`)).toEqual([
      'add msExchIMMetaPhysicalURL',
      'add msExchIMPhysicalURL',
      'add msExchIMVirtualServer',
    ]);
  });
});

describe("planUser: values that differ from imctl's only in case (issue 13)", () => {
  const CASED: Required<ImState> = {
    msExchIMAddress: 'JDoe@IM.Example.com',
    msExchIMMetaPhysicalURL: 'http://IM.Example.com/instmsg/aliases/JDoe',
    msExchIMPhysicalURL: 'http://IM1.Corp.Example.com/instmsg/local/IM.Example.com/instmsg/aliases/JDoe',
    msExchIMVirtualServer: im1.dn,
  };

  it('enable on its own server and IM domain → unchanged (no write, no failure)', () => {
    expect(planUser(user(CASED), { action: 'enable', server: im1, imDomain: DOMAIN }, byDn)).toEqual({
      kind: 'unchanged',
    });
    expect(planUser(user(CASED), { action: 'enable', server: im1, imDomain: 'IM.EXAMPLE.COM' }, byDn)).toEqual({
      kind: 'unchanged',
    });
  });

  it('enable repairing a real difference keeps the equivalent values exactly as stored', () => {
    const { msExchIMPhysicalURL: _drop, ...partial } = CASED;
    const plan = planUser(user(partial), { action: 'enable', server: im1, imDomain: DOMAIN }, byDn);
    expect(plan.kind === 'write' && plan.after).toEqual({ ...partial, msExchIMPhysicalURL: PHYS1 });
    expect(plan.kind === 'write' && plan.ops).toEqual([
      { operation: 'add', attribute: 'msExchIMPhysicalURL', values: [PHYS1] },
    ]);
  });

  it('move: compare-and-set deletes the exact stored private URL; address and public URL untouched', () => {
    const plan = planUser(user(CASED), { action: 'move', server: im2 }, byDn);
    expect(plan.kind).toBe('write');
    if (plan.kind !== 'write') return;
    expect(plan.after).toEqual({ ...CASED, msExchIMVirtualServer: im2.dn, msExchIMPhysicalURL: PHYS2 });
    expect(plan.ops).toContainEqual({
      operation: 'delete',
      attribute: 'msExchIMPhysicalURL',
      values: [CASED.msExchIMPhysicalURL],
    });
    expect(plan.ops.map((op) => op.attribute)).not.toContain('msExchIMAddress');
  });

  it('move to the server it is on → unchanged', () => {
    expect(planUser(user(CASED), { action: 'move', server: im1 }, byDn)).toEqual({ kind: 'unchanged' });
  });

  it('disable deletes the exact stored values', () => {
    const plan = planUser(user(CASED), { action: 'disable' }, byDn);
    expect(
      plan.kind === 'write' && plan.ops.filter((op) => op.operation === 'delete').map((op) => op.values[0]),
    ).toEqual(Object.values(CASED));
  });

  it('writePlan from a cased state to lower case (normalize) carries a delete of each exact value', () => {
    const plan = writePlan(CASED, ON_IM1);
    expect(plan.ops).toHaveLength(6);
    expect(plan.ops[0]).toEqual({ operation: 'delete', attribute: 'msExchIMAddress', values: ['JDoe@IM.Example.com'] });
  });
});

describe('planUser: disable', () => {
  it('an enabled user → a write clearing all four, deleting the old values', () => {
    expect(planUser(user(ON_IM1), { action: 'disable' }, byDn)).toEqual({
      kind: 'write',
      before: ON_IM1,
      after: {},
      ops: [
        { operation: 'delete', attribute: 'msExchIMAddress', values: [ADDRESS] },
        { operation: 'delete', attribute: 'msExchIMMetaPhysicalURL', values: [META] },
        { operation: 'delete', attribute: 'msExchIMPhysicalURL', values: [PHYS1] },
        { operation: 'delete', attribute: 'msExchIMVirtualServer', values: [im1.dn] },
      ],
    });
  });

  it('a user that is not enabled → unchanged', () => {
    expect(planUser(user({}), { action: 'disable' }, byDn)).toEqual({ kind: 'unchanged' });
  });

  it.each([
    { name: 'physical URL only', im: { msExchIMPhysicalURL: PHYS1 } },
    { name: 'meta URL only', im: { msExchIMMetaPhysicalURL: META } },
    { name: 'URL and server, no address', im: { msExchIMPhysicalURL: PHYS1, msExchIMVirtualServer: im1.dn } },
  ])('a half-set state ($name) → a write deleting what is there', ({ im }) => {
    const plan = planUser(user(im), { action: 'disable' }, byDn);
    expect(plan.kind).toBe('write');
    expect(plan.kind === 'write' && plan.after).toEqual({});
    expect(plan.kind === 'write' && plan.ops).toEqual(
      Object.entries(im).map(([attribute, value]) => ({ operation: 'delete', attribute, values: [value] })),
    );
  });
});

describe('planUser: move', () => {
  it.each([
    { name: 'nothing set', im: {} },
    { name: 'a server but no address', im: { msExchIMVirtualServer: im1.dn } },
    { name: 'an address that is not alias@domain', im: { msExchIMVirtualServer: im1.dn, msExchIMAddress: 'jdoe' } },
  ])('not IM-enabled ($name) → failed, pointing at enable', ({ im }) => {
    expect(planUser(user(im), { action: 'move', server: im2 }, byDn)).toEqual({
      kind: 'failed',
      reason: 'not IM-enabled; use "imctl enable" first',
    });
  });

  it('to the server it is already on → unchanged', () => {
    expect(planUser(user(ON_IM1), { action: 'move', server: im1 }, byDn)).toEqual({ kind: 'unchanged' });
  });

  it('to another server → only msExchIMVirtualServer and msExchIMPhysicalURL change', () => {
    expect(planUser(user(ON_IM1), { action: 'move', server: im2 }, byDn)).toEqual({
      kind: 'write',
      before: ON_IM1,
      after: {
        msExchIMAddress: ADDRESS,
        msExchIMMetaPhysicalURL: META,
        msExchIMPhysicalURL: PHYS2,
        msExchIMVirtualServer: im2.dn,
      },
      ops: [
        { operation: 'delete', attribute: 'msExchIMPhysicalURL', values: [PHYS1] },
        { operation: 'add', attribute: 'msExchIMPhysicalURL', values: [PHYS2] },
        { operation: 'delete', attribute: 'msExchIMVirtualServer', values: [im1.dn] },
        { operation: 'add', attribute: 'msExchIMVirtualServer', values: [im2.dn] },
      ],
    });
  });

  it('keeps the stored address and meta URL even if mailNickname changed since enable', () => {
    const plan = planUser(
      user(ON_IM1, { mailNickname: 'john.doe', sAMAccountName: 'john.doe' }),
      { action: 'move', server: im2 },
      byDn,
    );
    expect(plan.kind === 'write' && plan.after).toEqual({
      msExchIMAddress: ADDRESS,
      msExchIMMetaPhysicalURL: META,
      msExchIMPhysicalURL: PHYS2,
      msExchIMVirtualServer: im2.dn,
    });
    expect(plan.kind === 'write' && plan.ops.map((op) => op.attribute)).not.toContain('msExchIMAddress');
  });
});

describe('expectedState', () => {
  it('is what enable would write on the current server, with the IM domain of the stored address', () => {
    const stored = imValues('jdoe', 'IM.Other.Example', im1);
    expect(expectedState(user(stored), im1)).toEqual(imValues('jdoe', 'im.other.example', im1));
    expect(expectedState(user(ON_IM1), im1)).toEqual(ON_IM1);
  });

  it('follows the server given: a user on IM1 is expected to carry IM2 values when asked about IM2', () => {
    expect(expectedState(user(ON_IM1), im2)).toEqual({
      ...ON_IM1,
      msExchIMPhysicalURL: PHYS2,
      msExchIMVirtualServer: im2.dn,
    });
  });

  it.each([
    { name: 'no server (orphaned)', im: ON_IM1, server: undefined },
    { name: 'no address', im: { msExchIMVirtualServer: im1.dn }, server: im1 },
    { name: 'not enabled', im: {}, server: im1 },
  ])('is undefined with $name', ({ im, server }) => {
    expect(expectedState(user(im), server)).toBeUndefined();
  });
});
