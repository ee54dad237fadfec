/**
 * An IM address names a user wherever a user name is accepted (issue 30, names): `jdoe@im.…` is
 * what an IM user knows a colleague by. It matches nobody or several users as plainly as a UPN does.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, WEST, imctlOnMemory, person } from '../support/run-imctl.js';

describe('a user named by IM address', () => {
  it('show, move and disable find the user by msExchIMAddress, in any case', async () => {
    const shown = await imctlOnMemory(['show', `ann@${IM_DOMAIN}`, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json()).toMatchObject({ sAMAccountName: 'ann', imAddress: `ann@${IM_DOMAIN}` });

    const moved = await imctlOnMemory(['move', `ANN@${IM_DOMAIN.toUpperCase()}`, '--to', 'im-west', '--dry-run']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain(`planned   ANN@IM.MEMORY.TEST — move to im-west as ann@${IM_DOMAIN}`);

    const directory = new MemoryDirectory([EAST, WEST], [person('ann', EAST), person('ben', WEST)]);
    const disabled = await imctlOnMemory(['disable', `ben@${IM_DOMAIN}`, '--yes'], { directory });
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(directory.get('CN=ben,OU=Staff,DC=memory,DC=test')!.im).toEqual({});
  });

  it('an address nobody has says so, naming the IM address among what was looked at', async () => {
    const run = await imctlOnMemory(['show', `nobody@${IM_DOMAIN}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no user has "nobody@${IM_DOMAIN}" as UPN, mail or IM address`);
  });

  it("an address that is one user's UPN and another's IM address is ambiguous, saying which is which", async () => {
    // tom's UPN is what Exchange once gave sam as an IM address.
    const directory = new MemoryDirectory(
      [EAST],
      [person('tom', undefined, { userPrincipalName: 'sam@im.memory.test' }), person('sam', EAST)],
    );
    const run = await imctlOnMemory(['show', 'sam@im.memory.test'], { directory });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"sam@im.memory.test" is ambiguous; candidates:');
    expect(run.stderr).toContain('tom (CN=tom,OU=Staff,DC=memory,DC=test; UPN)');
    expect(run.stderr).toContain('sam (CN=sam,OU=Staff,DC=memory,DC=test; IM address)');
  });
});
