/**
 * Pages asked for one ahead. ldapts asks for page k+1 only when the caller comes back for it, so
 * the DC sits idle while imctl handles page k and imctl sits idle while the DC builds page k+1.
 * Asking as soon as page k arrives overlaps the two; at most one page waits unhandled, so memory
 * stays bounded by two pages.
 */
export async function* readAhead<T>(
  pages: AsyncIterable<T>,
  /** Awaited before each request ahead: a listing gives way to a person's search (interactiveIdle). */
  beforeNext?: () => Promise<void> | undefined,
): AsyncGenerator<T> {
  const source = pages[Symbol.asyncIterator]();
  let next = source.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      const wait = beforeNext?.();
      if (wait) await wait;
      next = source.next();
      // A failure of the page ahead is the caller's when it comes back for that page, not before.
      next.catch(() => undefined);
      yield page.value;
    }
  } finally {
    // The caller stopped early (or failed): the search ends as it would have without the read-ahead.
    await source.return?.(undefined);
  }
}
