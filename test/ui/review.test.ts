import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { imValues, type ImServer } from '../../src/core/im-model.js';
import { planUser } from '../../src/core/provision.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { countPlans, countsLine, reviewLines } from '../../src/ui/review.js';
import type { Target } from '../../src/services/write-run.js';

const east: ImServer = { dn: 'CN=IM,CN=EXCH1', name: 'im-east', cn: 'IM', host: 'exch1.lab', hostsUsers: true };
const west: ImServer = { dn: 'CN=IM,CN=EXCH2', name: 'im-west', cn: 'IM', host: 'exch2.lab', hostsUsers: true };
const servers = new Map([east, west].map((s) => [s.dn.toLowerCase(), s]));
const color = new Chalk({ level: 0 });

const jdoe: UserRecord = {
  dn: 'CN=Doe\\, John,OU=S',
  guid: 'g1',
  sAMAccountName: 'jdoe',
  displayName: 'John Doe',
  accountDisabled: false,
  im: {},
};
const pat: UserRecord = {
  ...jdoe,
  dn: 'CN=Pat Smith,OU=S',
  sAMAccountName: 'pat',
  displayName: undefined,
  im: imValues('pat', 'im.lab', east),
};
const users = new Map([jdoe, pat].map((u) => [u.dn.toLowerCase(), u]));
const target = (user: UserRecord, action: string, plan: Target['plan'], summary?: string): Target => ({
  name: user.sAMAccountName,
  dn: user.dn,
  action,
  plan,
  summary,
});

describe('reviewLines', () => {
  it('an enable lists the four values written, the home server by name and host', () => {
    const lines = reviewLines(
      [
        target(
          jdoe,
          'enable',
          planUser(jdoe, { action: 'enable', server: west, imDomain: 'im.lab' }, servers),
          'on im-west',
        ),
      ],
      { color, users, servers },
    );
    expect(lines).toEqual([
      '  ● John Doe (jdoe) — enable on im-west',
      '      msExchIMAddress          jdoe@im.lab',
      '      msExchIMMetaPhysicalURL  http://im.lab/instmsg/aliases/jdoe',
      '      msExchIMPhysicalURL      http://exch2.lab/instmsg/local/im.lab/instmsg/aliases/jdoe',
      '      msExchIMVirtualServer    im-west (exch2.lab)',
    ]);
  });

  it('a move shows only what changes, with the old values', () => {
    const lines = reviewLines(
      [target(pat, 'move', planUser(pat, { action: 'move', server: west }, servers), 'to im-west')],
      { color, users, servers },
    );
    expect(lines).toEqual([
      '  ● Pat Smith (pat) — move to im-west',
      '      msExchIMPhysicalURL      http://exch2.lab/instmsg/local/im.lab/instmsg/aliases/pat',
      '                           was http://exch1.lab/instmsg/local/im.lab/instmsg/aliases/pat',
      '      msExchIMVirtualServer    im-west (exch2.lab)',
      '                           was im-east (exch1.lab)',
    ]);
  });

  it('a disable shows every value cleared; unchanged and failed users say so', () => {
    const lines = reviewLines(
      [
        target(pat, 'disable', planUser(pat, { action: 'disable' }, servers)),
        target(jdoe, 'disable', planUser(jdoe, { action: 'disable' }, servers)),
        { name: 'ghost', action: 'disable', plan: { kind: 'failed', reason: 'no user is named "ghost"' } },
      ],
      { color, users, servers },
    );
    expect(lines[0]).toBe('  ● Pat Smith (pat) — disable');
    expect(lines.slice(1, 5).every((l) => l.includes('(cleared) was '))).toBe(true);
    expect(lines[4]).toContain('(cleared) was im-east (exch1.lab)');
    expect(lines[5]).toBe('  = John Doe (jdoe) — already so; nothing to change');
    expect(lines[6]).toBe('  ✘ ghost — cannot: no user is named "ghost"');
  });

  it('beyond the detail limit counts the rest, still listing failures', () => {
    const many: Target[] = Array.from({ length: 30 }, (_, i) => ({
      name: `u${i}`,
      dn: `CN=u${i}`,
      action: 'disable',
      plan: i === 29 ? { kind: 'failed', reason: 'nope' } : { kind: 'unchanged' },
    }));
    const lines = reviewLines(many, { color, users, servers, detailLimit: 5 });
    expect(lines).toHaveLength(5 + 2);
    expect(lines[5]).toBe('  ✘ u29 — cannot: nope');
    expect(lines[6]).toBe('  … and 25 more: 24 already so, 1 that cannot be done (listed above).');
    expect(countsLine(countPlans(many))).toBe('0 to change · 29 already so · 1 cannot be done');
  });

  it('beyond the detail limit, changes are counted together only when they are the same: action and home server', () => {
    const person = (i: number, home?: ImServer): UserRecord => ({
      ...jdoe,
      dn: `CN=u${i}`,
      sAMAccountName: `u${i}`,
      im: home ? imValues(`u${i}`, 'im.lab', home) : {},
    });
    // Two shown; then three enabled on im-west, two on im-east, one moved to im-west, one disabled.
    const kinds: [Target['action'], ImServer | undefined, ImServer | undefined][] = [
      ['enable', undefined, west],
      ['enable', undefined, west],
      ['enable', undefined, west],
      ['enable', undefined, west],
      ['enable', undefined, east],
      ['move', east, west],
      ['enable', undefined, east],
      ['disable', east, undefined],
    ];
    const many = kinds.map(([action, home, server], i) => {
      const user = person(i, home);
      const intent =
        action === 'enable'
          ? { action, server: server!, imDomain: 'im.lab' }
          : action === 'move'
            ? { action, server: server! }
            : { action: 'disable' as const };
      return target(user, action, planUser(user, intent as Parameters<typeof planUser>[1], servers));
    });
    const lines = reviewLines(many, { color, users, servers, detailLimit: 2 });
    expect(lines.at(-1)).toBe(
      '  … and 6 more: 2 to enable on im-west (exch2.lab), 2 to enable on im-east (exch1.lab), 1 to move to im-west (exch2.lab), 1 to disable.',
    );
  });
});
