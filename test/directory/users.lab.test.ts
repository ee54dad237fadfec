/** Finding users as AD's own Find does, against the lab DC (Samba AD answers `(anr=…)` like AD). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { Directory, endpointsFromUrls } from '../../src/directory/connection.js';
import { searchUsers } from '../../src/directory/users.js';
import { addUsers, adminPassword, createOu, imctlEnv, lab } from '../support/lab.js';

describe('searchUsers (against the lab DC)', () => {
  let directory: Directory;

  beforeAll(async () => {
    const ou = await createOu('anr');
    await addUsers(ou, [
      { sam: 'anr-zangst', cn: 'Ångström, Zoë', mailNickname: 'zoe.angstrom', extra: { displayName: 'Zoë Ångström', givenName: 'Zoë', sn: 'Ångström' } },
      { sam: 'anr-mbrown', cn: 'Brown, Maxwell', extra: { displayName: 'Maxwell Brown', givenName: 'Maxwell', sn: 'Brown' } },
    ]);
    const settings = loadSettings({ baseDn: ou }, imctlEnv(), '/');
    directory = await Directory.open({ settings, endpoints: endpointsFromUrls([lab().ldapsUrl], false), password: async () => adminPassword() });
  });
  afterAll(async () => directory?.close());

  it('the DC advertises ambiguous name resolution in its RootDSE', () => {
    expect(directory.rootDse.anr).toBe(true);
  });

  it('"zoe" finds Zoë Ångström by her alias (mailNickname), which the portable filter does not search', async () => {
    const found = await searchUsers(directory, ['zoe'], 20);
    expect(found.map((u) => u.sAMAccountName)).toEqual(['anr-zangst']);
  });

  it('"max bro" finds "Maxwell Brown" by given name and surname, as ADUC does', async () => {
    expect((await searchUsers(directory, ['max', 'bro'], 20)).map((u) => u.sAMAccountName)).toEqual(['anr-mbrown']);
  });

  it('an injection attempt is a literal value and matches nothing', async () => {
    expect(await searchUsers(directory, ['*)(sAMAccountName=*'], 20)).toEqual([]);
  });
});
