/** What a journal may put back onto an account: only what imctl itself could have written there. */
import { describe, expect, it } from 'vitest';
import { imAddress, metaPhysicalUrl, physicalUrl, type ImServer } from '../../src/core/im-model.js';
import { restoreProblem } from '../../src/core/undo-check.js';

const servers: ImServer[] = [
  {
    dn: 'CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=EXCH1,CN=Servers,DC=corp',
    name: 'im-east',
    cn: 'EXCH1',
    host: 'exch1.corp.example',
    hostsUsers: true,
  },
  {
    dn: 'CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=EXCH2,CN=Servers,DC=corp',
    name: 'im-west',
    cn: 'EXCH2',
    host: 'exch2.corp.example',
    hostsUsers: true,
  },
];
const context = { servers, imDomains: new Set(['im.corp.example']) };
const jdoe = { sAMAccountName: 'jdoe' };
const enabled = (host: string, domain = 'im.corp.example', alias = 'jdoe', server = servers[0]!.dn) => ({
  msExchIMAddress: imAddress(alias, domain),
  msExchIMMetaPhysicalURL: metaPhysicalUrl(alias, domain),
  msExchIMPhysicalURL: physicalUrl(host, alias, domain),
  msExchIMVirtualServer: server,
});

describe('restoreProblem', () => {
  it('accepts what enable writes, any case, and a cleared state', () => {
    expect(restoreProblem(enabled('exch1.corp.example'), jdoe, context)).toBeUndefined();
    expect(restoreProblem({ msExchIMAddress: 'JDoe@IM.Corp.Example' }, jdoe, context)).toBeUndefined();
    expect(restoreProblem({}, jdoe, context)).toBeUndefined();
  });

  it("refuses a URL on another host than the server's", () => {
    expect(restoreProblem(enabled('attacker.example'), jdoe, context)).toBe(
      "its home-server URL points at attacker.example, which is not im-east's host (exch1.corp.example)",
    );
    expect(
      restoreProblem(
        { msExchIMPhysicalURL: physicalUrl('attacker.example', 'jdoe', 'im.corp.example') },
        jdoe,
        context,
      ),
    ).toMatch(/no IM server of this directory/);
  });

  it('refuses a server that is not an IM virtual server here (a DC, krbtgt, anything)', () => {
    expect(
      restoreProblem(
        enabled('exch1.corp.example', 'im.corp.example', 'jdoe', 'CN=DC1,OU=Domain Controllers,DC=corp'),
        jdoe,
        context,
      ),
    ).toBe('its home server is not an IM virtual server of this directory');
  });

  it('refuses an IM domain nobody uses here, unless the admin names it', () => {
    expect(restoreProblem(enabled('exch1.corp.example', 'attacker.example'), jdoe, context)).toMatch(
      /IM domain "attacker.example" is not used in this directory/,
    );
    expect(
      restoreProblem(enabled('exch1.corp.example', 'attacker.example'), jdoe, {
        servers,
        imDomains: new Set(['attacker.example']),
      }),
    ).toBeUndefined();
  });

  it("refuses another user's address or URLs, and values that are not of the form", () => {
    expect(restoreProblem(enabled('exch1.corp.example', 'im.corp.example', 'boss'), jdoe, context)).toBe(
      'its IM address is not jdoe@<IM domain>',
    );
    expect(restoreProblem({ msExchIMMetaPhysicalURL: 'javascript:alert(1)' }, jdoe, context)).toMatch(
      /public URL is not/,
    );
    expect(restoreProblem({ msExchIMPhysicalURL: 'http://exch1.corp.example/x' }, jdoe, context)).toMatch(
      /home-server URL is not/,
    );
    expect(
      restoreProblem({ msExchIMAddress: 'jdoe@im.corp.example', msExchIMVirtualServer: 'garbage' }, jdoe, context),
    ).toMatch(/not an IM virtual server/);
  });

  it('uses mailNickname as the alias when there is one, as enable does', () => {
    expect(
      restoreProblem(
        enabled('exch1.corp.example', 'im.corp.example', 'john.doe'),
        { sAMAccountName: 'jdoe', mailNickname: 'John.Doe' },
        context,
      ),
    ).toBeUndefined();
  });
});
