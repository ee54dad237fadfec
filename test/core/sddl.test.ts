/**
 * SDDL as Get-Acl's `.Sddl` and icacls print it, read into owner, protection and ACEs
 * (src/core/sddl.ts); a descriptor it cannot read is an error, never a pass.
 */
import { describe, expect, it } from 'vitest';
import { broadGrant, broadGroup, FileRight, parseSddl } from '../../src/core/sddl.js';

describe('parseSddl', () => {
  it('reads a profile file: owner, protected DACL, hex and letter rights, aliases resolved', () => {
    const sd = parseSddl('O:S-1-5-21-1-2-3-1104G:DUD:PAI(A;;FA;;;SY)(A;OICIID;0x1200a9;;;BU)(D;;WD;;;WD)');
    expect(sd).toEqual({
      owner: 'S-1-5-21-1-2-3-1104',
      protected: true,
      dacl: [
        { allow: true, flags: [], rights: 0x1f01ff, sid: 'S-1-5-18' },
        { allow: true, flags: ['OI', 'CI', 'ID'], rights: 0x1200a9, sid: 'S-1-5-32-545' },
        { allow: false, flags: [], rights: FileRight.writeDac, sid: 'S-1-1-0' },
      ],
    });
  });

  it('an inherited DACL is not protected; no D: part is no DACL at all (everyone may do anything)', () => {
    expect(parseSddl('O:BAD:AI(A;;FA;;;BA)').protected).toBe(false);
    expect(parseSddl('O:BAG:SY')).toEqual({ owner: 'S-1-5-32-544', protected: false, dacl: undefined });
    expect(broadGrant(parseSddl('O:BA'), FileRight.writeData)).toBe('Everyone (the object has no DACL)');
  });

  it('generic rights combine: GRGW is read and write', () => {
    const [ace] = parseSddl('O:SYD:(A;;GRGW;;;AU)').dacl!;
    expect(ace!.rights >>> 0).toBe((FileRight.genericRead | FileRight.genericWrite) >>> 0);
  });

  it.each(['O:SYD:(A;;ZZ;;;WD)', 'O:SYD:(X;;FA;;;WD)', 'O:SYD:(A;;FA)'])('refuses what it cannot read: %s', (sddl) => {
    expect(() => parseSddl(sddl)).toThrow();
  });
});

describe('broad groups', () => {
  it.each([
    ['S-1-1-0', 'Everyone'],
    ['S-1-5-11', 'Authenticated Users'],
    ['S-1-5-32-545', 'Users'],
    ['S-1-5-21-3623811015-3361044348-30300820-513', 'Domain Users'],
  ])('%s is %s', (sid, name) => expect(broadGroup(sid)).toBe(name));

  it('a user, SYSTEM, Administrators and Creator Owner are not', () => {
    for (const sid of ['S-1-5-21-1-2-3-1104', 'S-1-5-18', 'S-1-5-32-544', 'S-1-3-0'])
      expect(broadGroup(sid)).toBeUndefined();
  });
});
