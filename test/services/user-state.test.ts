/** One user's IM state as `show` reports it (issue 30, bug 7: a half-enabled user is not an orphan). */
import { describe, expect, it } from 'vitest';
import type { ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { stateOf } from '../../src/services/user-state.js';
import { renderUserState } from '../../src/ui/user-state-view.js';
import { Output } from '../../src/ui/output.js';
import { PassThrough } from 'node:stream';

const north: ImServer = {
  dn: 'CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=EXCH3,CN=Servers,DC=test',
  name: 'im-north',
  cn: 'EXCH3',
  host: 'exch3.test',
  hostsUsers: true,
};

const user = (im: UserRecord['im']): UserRecord =>
  ({ dn: 'CN=Pat,OU=Staff,DC=test', guid: '00', sAMAccountName: 'pat', accountDisabled: false, im }) as UserRecord;

function shown(record: UserRecord): string {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk) => (text += chunk));
  const out = new Output({ stdout, stderr: new PassThrough(), stdin: new PassThrough() } as never, false, false);
  renderUserState(out, stateOf(record, [north]));
  return text;
}

describe('show of a half-enabled user (an IM address, no home server)', () => {
  const partial = user({ msExchIMAddress: 'pat@im.test' });

  it('says what is wrong: no home server, not an orphan of a missing one', () => {
    const state = stateOf(partial, [north]);
    expect(state.homeServerRole).toBeNull();
    expect(state.problems).toEqual([
      'has an IM address but no home server (half-enabled: "imctl audit --fix" completes it)',
    ]);
  });

  it('prints the home server as (none), never "missing: null"', () => {
    const text = shown(partial);
    expect(text).toMatch(/^Home server\s+\(none\)$/m);
    expect(text).not.toMatch(/null|orphaned/);
  });

  it('a user homed on a server DN that no longer exists is still the orphan it was', () => {
    const gone = user({ msExchIMAddress: 'pat@im.test', msExchIMVirtualServer: 'CN=Gone,DC=test' });
    expect(stateOf(gone, [north]).problems).toContain('home server does not exist (orphaned)');
    expect(shown(gone)).toMatch(/^Home server\s+missing: CN=Gone,DC=test$/m);
  });
});
