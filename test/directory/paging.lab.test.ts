/**
 * Paging at scale (issue 32), on a small OU with small pages: a listing that outlives many page
 * cookies, a DC restarted between two pages, and a DC that stops a search at one of its limits.
 * Each ends with every entry once, or with a clear error — never with a short list.
 *
 * Samba 4.17 does not enforce lDAPAdminLimits' MaxPageSize (set to 5 and samba restarted, a paged
 * search still got 16 entries in one page) nor a size limit on a paged search; it does enforce
 * MaxQueryDuration, which no search of a small OU comes near. So the limits are AD's answers
 * (timeLimitExceeded, adminLimitExceeded) put on the wire by the fault proxy between two pages.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { LdapConnection } from '../../src/directory/connection.js';
import { endpointsFromUrls } from '../../src/directory/endpoints.js';
import { USER_FILTER, listImUsers } from '../../src/directory/users.js';
import { FaultProxy, LdapOp } from '../support/fault-proxy.js';
import { adminPassword, imctlEnv, ldapcount, server, labTermination } from '../support/lab.js';
import { smallWorld, type SmallWorld } from '../support/small-world.js';
import { dc1, startDc, stopDc } from '../support/two-dcs.js';

const USERS = 30;
const PAGE = 5;

describe('paged listings (against the lab DC)', () => {
  let world: SmallWorld;
  const opened: LdapConnection[] = [];

  /** A connection to dc1 alone (no failover) with PAGE entries per page, scoped to the OU. */
  async function connect(url = dc1().ldapsUrl): Promise<LdapConnection> {
    const connection = await LdapConnection.open({
      settings: loadSettings({ baseDn: world.ou }, imctlEnv(), '/'),
      endpoints: endpointsFromUrls([url], false),
      password: async () => adminPassword(),
      pageSize: PAGE,
    });
    opened.push(connection);
    return connection;
  }

  beforeAll(async () => {
    const south = server('im-south');
    world = await smallWorld(
      'paging',
      Array.from({ length: USERS }, (_, i) => {
        const sam = `pg-${String(i).padStart(2, '0')}`;
        return { sam, cn: `Paging, ${sam}`, im: { server: south } };
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await world?.remove();
  });

  it('a listing that outlives many page cookies: every user once, page by page', async () => {
    const connection = await connect();
    const pages: string[][] = [];
    for await (const page of listImUsers(connection)) pages.push(page.map((u) => u.sAMAccountName));
    const seen = pages.flat();
    expect(pages.length).toBeGreaterThanOrEqual(USERS / PAGE);
    expect(pages.every((p) => p.length <= PAGE)).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(await ldapcount(world.ou, `(&${USER_FILTER}(msExchIMVirtualServer=*))`));
    expect(seen).toHaveLength(USERS);
  });

  it('dc1 restarted between two pages: a clear error saying how far it got, then a new listing is whole', async () => {
    const connection = await connect();
    const pages = listImUsers(connection)[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.value).toHaveLength(PAGE);
    await stopDc(dc1());
    await startDc(dc1());
    const rest: unknown[] = [];
    const error = await (async () => {
      for (let page = await pages.next(); !page.done; page = await pages.next()) rest.push(...page.value);
    })().then(
      () => undefined,
      (e: unknown) => e as { reason?: string; message: string },
    );
    expect(error, `the listing went on with ${rest.length} more users`).toMatchObject({
      reason: 'listing-interrupted',
    });
    // The page after the first may have been read ahead before the restart: the count is what was handed on.
    expect(error!.message).toContain(`cut off after ${PAGE + rest.length} entries`);
    expect(rest.length).toBeLessThan(USERS - PAGE);
    // The same connection reconnects for the next read: run again, the listing is whole.
    let again = 0;
    for await (const page of listImUsers(connection)) again += page.length;
    expect(again).toBe(USERS);
  });

  describe('a DC that stops the search at its limit between two pages (as AD does)', () => {
    let proxy: FaultProxy;
    let searches = 0;
    let limit: { code: number; text: string } = { code: 3, text: '' };

    beforeAll(async () => {
      proxy = await FaultProxy.start({
        terminate: labTermination(),
        // The third SearchRequest of a listing (its third page) is answered here with the limit.
        onClientMessage: (message) =>
          message.op === LdapOp.SearchRequest && ++searches === 3
            ? { answer: limit.code, diagnostic: limit.text }
            : 'forward',
      });
    });
    afterAll(async () => proxy?.close());

    it.each([
      { code: 3, text: 'MaxQueryDuration exceeded', says: /time limit .*MaxQueryDuration/ },
      { code: 11, text: 'MaxResultSetSize exceeded', says: /administrative limit/ },
      { code: 4, text: 'size limit exceeded', says: /size limit .*MaxResultSetSize/ },
    ])('LDAP result $code: the listing stops with a clear error after two pages', async ({ code, text, says }) => {
      const connection = await connect(proxy.url());
      searches = 1; // the RootDSE read was the first
      limit = { code, text };
      let handedOn = 0;
      const error = await (async () => {
        for await (const page of listImUsers(connection)) handedOn += page.length;
      })().then(
        () => undefined,
        (e: unknown) => e as { reason?: string; message: string },
      );
      expect(handedOn).toBe(PAGE); // the second request (first page after the RootDSE) passed; the next was answered
      expect(error, `the listing ended quietly after ${handedOn} users`).toMatchObject({ reason: 'server-limit' });
      expect(error!.message).toMatch(says);
      expect(error!.message).toContain('incomplete');
    });
  });
});
