/** The streamed JSON document (src/ui/json-document.ts): the same text JSON.stringify(value, null, 2) gives. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonDocumentWriter } from '../../src/ui/json-document.js';

async function written(list: string, pages: unknown[][], members: Record<string, unknown>): Promise<string> {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const document = new JsonDocumentWriter(stream, list, (json) => json);
  for (const page of pages) await document.write(page);
  document.close(members);
  return text;
}

describe('JsonDocumentWriter', () => {
  it('pages of nested values, then the members: byte for byte what JSON.stringify lays out', async () => {
    const users = [
      { a: 1, b: { c: ['x', 'y\nz'] } },
      { a: 2, b: null },
      { a: 3, b: { c: [] } },
    ];
    const text = await written('users', [users.slice(0, 2), [], users.slice(2)], { total: 3, more: { n: [1] } });
    expect(text).toBe(`${JSON.stringify({ users, total: 3, more: { n: [1] } }, null, 2)}\n`);
  });

  it('an empty list, and a member left undefined, as JSON.stringify writes them', async () => {
    const text = await written('users', [], { total: 0, gone: undefined });
    expect(text).toBe(`${JSON.stringify({ users: [], total: 0 }, null, 2)}\n`);
  });

  it('waits for a full stream to drain before it takes the next page', async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    const document = new JsonDocumentWriter(stream, 'users', (json) => json);
    let done = false;
    const writing = document.write([{ long: 'x'.repeat(100) }]).then(() => (done = true));
    await new Promise(setImmediate);
    expect(done).toBe(false); // nobody has read yet
    stream.resume();
    await writing;
    expect(done).toBe(true);
  });
});
