/**
 * A person's search goes first (SearchSpec.interactive, src/directory/connection.ts): it takes a
 * search slot at once, and the paged searches already open send no further page request until it
 * is answered. A DC answers one connection's requests in order: at 100,000 users the wizard's
 * search waited 48 s behind its own background inventory.
 */
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { LdapConnection, MAX_OPEN_SEARCHES } from '../../src/directory/connection.js';
import { Semaphore } from '../../src/directory/semaphore.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A connection over a fake client whose paged searches log each page request, answered after a tick. */
function connectionLogging(pagesPerSearch: Record<string, number>) {
  const requests: string[] = [];
  const client = {
    isConnected: true,
    async *searchPaginated(_base: string, options: { filter: string }) {
      const pages = pagesPerSearch[options.filter] ?? 1;
      for (let page = 1; page <= pages; page++) {
        requests.push(`${options.filter}#${page}`);
        await tick();
        yield { searchEntries: [{ dn: `CN=${options.filter}${page}` }], searchReferences: [] };
      }
    },
  };
  const Ctor = LdapConnection as unknown as new (options: object) => LdapConnection;
  const connection = new Ctor({
    settings: { timeoutMs: 1000 } as unknown as Settings,
    endpoints: [{ url: 'ldaps://dc.test', host: 'dc.test', startTls: false }],
    password: async () => 'x',
  });
  (connection as unknown as { client: unknown }).client = client;
  return { connection, requests };
}

describe('an interactive search goes before the background reads', () => {
  it('open background searches send no further page until it is answered', async () => {
    const { connection, requests } = connectionLogging({ '(bg)': 4, '(person)': 2 });
    let background = 0;
    const running = connection.forEachEntry('DC=test', { filter: '(bg)', attributes: [] }, () => background++);
    while (requests.length < 1) await tick();
    const found: string[] = [];
    for await (const page of connection.pages('DC=test', { filter: '(person)', attributes: [], interactive: true }))
      found.push(...page.map((e) => e.dn));
    await running;
    expect(found).toEqual(['CN=(person)1', 'CN=(person)2']);
    expect(background).toBe(4);
    // The page of the background search already asked for is answered; the next waits for the person's.
    expect(requests.indexOf('(bg)#2')).toBeGreaterThan(requests.indexOf('(person)#2'));
  });

  it('takes a search slot when every slot is taken', async () => {
    const slots = new Semaphore(MAX_OPEN_SEARCHES);
    const held = await Promise.all(Array.from({ length: MAX_OPEN_SEARCHES }, () => slots.acquire()));
    let queued = false;
    const waiting = slots.acquire().then((release) => ((queued = true), release));
    const urgent = await slots.acquire(true); // does not wait
    urgent();
    await tick();
    expect(queued).toBe(false); // an urgent slot given back does not let the limit be passed
    held[0]!();
    (await waiting)();
    expect(queued).toBe(true);
    held.slice(1).forEach((release) => release());
  });

  it('a background search alone is not held up', async () => {
    const { connection, requests } = connectionLogging({ '(bg)': 3 });
    await connection.forEachEntry('DC=test', { filter: '(bg)', attributes: [] }, () => undefined);
    expect(requests).toEqual(['(bg)#1', '(bg)#2', '(bg)#3']);
  });
});

describe('pages read ahead (src/directory/read-ahead.ts)', () => {
  it('a listing asks for its next page before handing on the one it has; a search for its first N asks for no more', async () => {
    const { connection, requests } = connectionLogging({ '(all)': 3, '(first)': 3 });
    let askedAheadBeforeHandedOn = false;
    for await (const page of connection.pages('DC=test', { filter: '(all)', attributes: [] })) {
      expect(page.map((e) => e.dn)).toEqual(['CN=(all)1']);
      askedAheadBeforeHandedOn = requests.includes('(all)#2');
      break;
    }
    expect(askedAheadBeforeHandedOn).toBe(true);
    for await (const page of connection.pages('DC=test', { filter: '(first)', attributes: [], pageSize: 1 })) {
      expect(page.map((e) => e.dn)).toEqual(['CN=(first)1']);
      break;
    }
    expect(requests.filter((r) => r.startsWith('(first)'))).toEqual(['(first)#1']);
  });
});
