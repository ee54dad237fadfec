import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/directory/read-ahead.js';

/** A paged search as ldapts gives it: each page is asked for when the caller comes back (logged). */
function pagedSource(pages: number, failAt?: number) {
  const log: string[] = [];
  let finished = false;
  async function* source(): AsyncGenerator<number> {
    try {
      for (let page = 1; page <= pages; page++) {
        log.push(`ask ${page}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (page === failAt) throw new Error(`page ${page} lost`);
        yield page;
      }
    } finally {
      finished = true;
    }
  }
  return { source: source(), log, isFinished: () => finished };
}

describe('readAhead', () => {
  it('hands on every page in order, each asked for before the one before it is handled', async () => {
    const { source, log } = pagedSource(3);
    for await (const page of readAhead(source)) log.push(`handle ${page}`);
    expect(log).toEqual(['ask 1', 'ask 2', 'handle 1', 'ask 3', 'handle 2', 'handle 3']);
  });

  it('keeps at most one page waiting: a slow caller does not make it fetch further ahead', async () => {
    const { source, log } = pagedSource(4);
    const pages = readAhead(source);
    await pages.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual(['ask 1', 'ask 2']);
    await pages.return(undefined);
  });

  it('ends the search when the caller stops early', async () => {
    const { source, isFinished } = pagedSource(5);
    for await (const page of readAhead(source)) if (page === 2) break;
    expect(isFinished()).toBe(true);
  });

  it('gives a failure of the page ahead to the caller when it comes back for that page, not before', async () => {
    const { source, log } = pagedSource(3, 2);
    const handled: number[] = [];
    await expect(
      (async () => {
        for await (const page of readAhead(source)) {
          // The page ahead has failed by now; the page in hand is still handled.
          await new Promise((resolve) => setTimeout(resolve, 10));
          handled.push(page);
        }
      })(),
    ).rejects.toThrow('page 2 lost');
    expect(handled).toEqual([1]);
    expect(log).toEqual(['ask 1', 'ask 2']);
  });

  it('asks for the next page only once beforeNext has settled', async () => {
    const { source, log } = pagedSource(2);
    let release!: () => void;
    const idle = new Promise<void>((resolve) => (release = resolve));
    const pages = readAhead(source, () => idle);
    const first = pages.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual(['ask 1']);
    release();
    expect((await first).value).toBe(1);
    expect(log).toEqual(['ask 1', 'ask 2']);
    await pages.return(undefined);
  });
});
