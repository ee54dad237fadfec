import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  activeFilter,
  activeWindowWarning,
  filetimeToMs,
  idleDays,
  isActive,
  isIdleFor,
  logonTimeToMs,
  logonSyncDays,
  msToFiletime,
  parseLoad,
} from '../../src/core/activity.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

/** Evaluates the subset of LDAP filter syntax activeFilter produces, against one entry: the test of the filter's meaning. */
function matches(filter: string, entry: Record<string, string | undefined>): boolean {
  let i = 0;
  const parse = (): boolean => {
    expect(filter[i]).toBe('(');
    i++;
    const op = filter[i];
    if (op === '&' || op === '|') {
      i++;
      const parts: boolean[] = [];
      while (filter[i] === '(') parts.push(parse());
      expect(filter[i++]).toBe(')');
      return op === '&' ? parts.every(Boolean) : parts.some(Boolean);
    }
    if (op === '!') {
      i++;
      const inner = parse();
      expect(filter[i++]).toBe(')');
      return !inner;
    }
    const end = filter.indexOf(')', i);
    const item = filter.slice(i, end);
    i = end + 1;
    const bit = /^(\w+):1\.2\.840\.113556\.1\.4\.803:=(\d+)$/.exec(item);
    if (bit) return entry[bit[1]!] !== undefined && (BigInt(entry[bit[1]!]!) & BigInt(bit[2]!)) === BigInt(bit[2]!);
    const ge = /^(\w+)>=(\d+)$/.exec(item);
    if (ge) return entry[ge[1]!] !== undefined && BigInt(entry[ge[1]!]!) >= BigInt(ge[2]!);
    const present = /^(\w+)=\*$/.exec(item);
    if (present) return entry[present[1]!] !== undefined;
    const eq = /^(\w+)=(\d+)$/.exec(item);
    if (eq) return entry[eq[1]!] !== undefined && BigInt(entry[eq[1]!]!) === BigInt(eq[2]!);
    throw new Error(`unexpected filter item ${item}`);
  };
  return parse();
}

describe('activity: what counts as active', () => {
  it('FILETIME converts both ways; 0 and 2^63-1 mean never', () => {
    expect(filetimeToMs('0')).toBeUndefined();
    expect(filetimeToMs('9223372036854775807')).toBeUndefined();
    expect(filetimeToMs(undefined)).toBeUndefined();
    expect(filetimeToMs('116444736000000000')).toBe(0);
    expect(filetimeToMs(msToFiletime(NOW))).toBe(NOW);
    // 2012-01-01, the lab's expired account
    expect(new Date(filetimeToMs('129698496000000000')!).toISOString()).toBe('2012-01-01T00:00:00.000Z');
  });

  it('enabled, unexpired, logged on within the window', () => {
    const base = { accountDisabled: false, lastLogonAt: NOW - 29 * DAY };
    expect(isActive(base, NOW, 30)).toBe(true);
    expect(isActive({ ...base, lastLogonAt: NOW - 30 * DAY }, NOW, 30)).toBe(true);
    expect(isActive({ ...base, lastLogonAt: NOW - 30 * DAY - 1 }, NOW, 30)).toBe(false);
    expect(isActive({ ...base, accountDisabled: true }, NOW, 30)).toBe(false); // disabled, recent logon
    expect(isActive({ ...base, expiresAt: NOW }, NOW, 30)).toBe(false);
    expect(isActive({ ...base, expiresAt: NOW + 1 }, NOW, 30)).toBe(true);
    expect(isActive({ accountDisabled: false }, NOW, 30)).toBe(false); // never logged on
    expect(idleDays({ accountDisabled: false, lastLogonAt: NOW - 45.5 * DAY }, NOW)).toBe(45);
    expect(isIdleFor({ accountDisabled: false }, NOW, 90)).toBe(true);
    expect(isIdleFor({ accountDisabled: false, lastLogonAt: NOW - 89 * DAY }, NOW, 90)).toBe(false);
  });

  it('the LDAP filter holds for exactly the users isActive calls active (the DC counts what imctl would)', () => {
    const ticks = fc.oneof(
      fc.constant(undefined),
      fc.constant('0'),
      fc.constant('9223372036854775807'),
      fc.integer({ min: -400, max: 400 }).map((d) => msToFiletime(NOW + d * DAY)),
      fc.integer({ min: -3, max: 3 }).map((ms) => String(BigInt(msToFiletime(NOW + ms)) + 5000n)),
      fc.integer({ min: -3, max: 3 }).map((ms) => msToFiletime(NOW - 30 * DAY + ms)),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('512', '514', '544', '546', '66048', '66050'),
        ticks,
        ticks,
        fc.integer({ min: 1, max: 365 }),
        (uac, expires, logon, days) => {
          const entry = { userAccountControl: uac, accountExpires: expires, lastLogonTimestamp: logon };
          const user = {
            accountDisabled: (Number(uac) & 2) === 2,
            expiresAt: filetimeToMs(expires),
            lastLogonAt: logonTimeToMs(logon),
          };
          expect(matches(activeFilter(NOW, days), entry)).toBe(isActive(user, NOW, days));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('warns when the window is shorter than msDS-LogonTimeSyncInterval (default 14)', () => {
    expect(logonSyncDays(undefined)).toBe(14);
    expect(logonSyncDays('0')).toBe(14);
    expect(logonSyncDays('7')).toBe(7);
    expect(activeWindowWarning(30, 14)).toBeUndefined();
    expect(activeWindowWarning(14, 14)).toBeUndefined();
    expect(activeWindowWarning(7, 14)).toMatch(/--active-days 7 is shorter than .*14 days/);
  });

  it('parses --load', () => {
    expect(parseLoad('--load', 'Active')).toBe('active');
    expect(parseLoad('--load', undefined)).toBeUndefined();
    expect(() => parseLoad('--load', 'busy')).toThrow(/must be "homed" or "active"/);
  });
});
