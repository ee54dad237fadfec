import { describe, expect, it } from 'vitest';
import { accountExpiresAt, IM_USER_FILTER } from '../../src/directory/users.js';

describe('accountExpiresAt (FILETIME → ms since 1970)', () => {
  it.each([
    ['0', undefined],
    ['9223372036854775807', undefined],
    [undefined, undefined],
    ['', undefined],
    ['garbage', undefined],
    ['116444736000000000', 0],
    ['129698496000000000', Date.UTC(2012, 0, 1)],
  ])('%s → %s', (value, ms) => {
    expect(accountExpiresAt(value)).toBe(ms);
  });
});

describe('IM_USER_FILTER', () => {
  it('users with any of the four attributes', () => {
    expect(IM_USER_FILTER).toBe(
      '(&(sAMAccountType=805306368)(|(msExchIMAddress=*)(msExchIMMetaPhysicalURL=*)(msExchIMPhysicalURL=*)(msExchIMVirtualServer=*)))',
    );
  });
});
