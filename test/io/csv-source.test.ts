import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportRow, type RowProblem, isRowProblem, userKey } from '../../src/core/import-rows.js';
import { MAX_RECORD_BYTES } from '../../src/io/csv-limits.js';
import { type ImportStats, importRecords } from '../../src/io/csv-source.js';
import { ImportFileError } from '../../src/io/import-file-error.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'csv');
const fixture = (name: string): string => join(FIXTURES, name);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'imctl-csv-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function collect(
  path: string,
  stats?: ImportStats,
): Promise<{ rows: ImportRow[]; problems: RowProblem[]; all: (ImportRow | RowProblem)[] }> {
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const all: (ImportRow | RowProblem)[] = [];
  for await (const item of importRecords(path, stats ? { stats } : {})) {
    all.push(item);
    if (isRowProblem(item)) problems.push(item);
    else rows.push(item);
  }
  return { rows, problems, all };
}

async function writeTmp(name: string, data: string | Buffer): Promise<string> {
  const path = join(tmp, name);
  await writeFile(path, data);
  return path;
}

async function fileError(path: string): Promise<ImportFileError> {
  try {
    await collect(path);
  } catch (err) {
    expect(err).toBeInstanceOf(ImportFileError);
    return err as ImportFileError;
  }
  throw new Error('expected an ImportFileError');
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

describe('valid files', () => {
  it('reads a plain LF file', async () => {
    const { rows, problems } = await collect(fixture('valid-basic.csv'));
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, user: 'jdoe', action: 'enable' },
      { line: 3, user: 'asmith', action: 'enable', server: 'im01', imDomain: 'corp.example.com' },
      { line: 4, user: 'bwhite', action: 'disable' },
      { line: 5, user: 'cgreen', action: 'move', server: 'im02.corp.example.com' },
      { line: 6, user: 'dblack', action: 'enable' },
    ]);
  });

  it('reads BOM + CRLF, any header case and order, quoted commas and quotes, non-ASCII, blank lines', async () => {
    const { rows, problems } = await collect(fixture('valid-bom-crlf.csv'));
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, user: 'Doe, John', action: 'enable' },
      {
        line: 4,
        user: 'CN=Smith\\, Anna,OU=Staff,DC=corp,DC=example,DC=com',
        action: 'enable',
        server: 'im01',
        imDomain: 'corp.example.com',
      },
      { line: 7, user: 'josé.müller@corp.example.com', action: 'enable' },
      { line: 8, user: '東京ユーザー', action: 'disable' },
      { line: 9, user: 'Ng "Tony" Wu', action: 'move', server: 'im02' },
    ]);
  });

  it('reads a file without a final newline, skipping blank lines', async () => {
    const { rows, problems } = await collect(fixture('valid-lf-no-final-newline.csv'));
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, user: 'jdoe', action: 'enable' },
      { line: 5, user: 'asmith', action: 'disable' },
    ]);
  });

  it('finds the header after leading blank lines', async () => {
    const { rows } = await collect(fixture('leading-blank-lines.csv'));
    expect(rows).toEqual([{ line: 4, user: 'jdoe', action: 'disable' }]);
  });

  it('accepts a header with no rows', async () => {
    expect(await collect(fixture('header-only.csv'))).toEqual({ rows: [], problems: [], all: [] });
  });

  it('ignores empty trailing columns as Excel writes them, unless a row fills one', async () => {
    const { rows, problems } = await collect(fixture('excel-trailing-columns.csv'));
    expect(rows.map((r) => r.user)).toEqual(['jdoe', 'asmith']);
    expect(problems).toEqual([{ line: 4, user: 'bwhite', reason: 'column 4 has a value but no name in the header' }]);
  });
});

describe('bad rows: every one reported with its line, in one pass', () => {
  it('reports each kind of problem on the right line', async () => {
    const stats: ImportStats = { bytesRead: 0, records: 0, rows: 0, problems: 0 };
    const { rows, problems, all } = await collect(fixture('bad-rows.csv'), stats);
    expect(rows.map((r) => [r.line, r.user])).toEqual([
      [2, 'jdoe'],
      [15, 'hank'],
      [17, 'ivan'],
      [23, 'Doe, John'],
    ]);
    expect(rows.find((r) => r.user === 'ivan')).toEqual({
      line: 17,
      user: 'ivan',
      action: 'enable',
      imDomain: 'corp.example.com',
    });
    expect(problems.map((p) => [p.line, p.reason])).toEqual([
      [3, 'user is empty'],
      [4, 'action "enabel" is not one of enable, disable, move'],
      [5, 'names the same user as line 2 (JDoe)'],
      [6, 'move needs a server (the home server to move the user to)'],
      [7, 'server has no meaning for disable; leave it empty'],
      [8, 'im_domain "-bad-.example.com" is not a valid DNS domain name: "-bad-" is not a valid DNS label'],
      [9, 'im_domain has no meaning for move; leave it empty'],
      [10, 'has 2 fields but the header has 4 (every row needs a field, possibly empty, for each column)'],
      [11, 'has 5 fields but the header has 4 (a value containing a comma must be in double quotes, e.g. "Doe, John")'],
      [12, 'user contains a tab character'],
      [13, 'user contains a line break'],
      [16, 'user is 1100 characters long (the limit is 1024)'],
      [18, 'user contains a NUL character (is this a UTF-16 or binary file?)'],
      [
        20,
        'im_domain "corp..example.com" is not a valid DNS domain name: it has an empty label (a leading or doubled dot)',
      ],
      [21, 'action "delete" is not one of enable, disable, move'],
      [22, 'user contains invisible character U+200B'],
      [24, 'names the same user as line 23 ("Doe, John")'],
      [25, 'user contains control character U+001B'],
      [
        26,
        'im_domain "bücher.example" is not a valid DNS domain name: it contains non-ASCII characters (use the xn-- punycode form)',
      ],
    ]);
    expect(problems.every((p) => !p.fatal)).toBe(true);
    // File order is kept.
    expect(all.map((x) => x.line)).toEqual([...all.map((x) => x.line)].sort((a, b) => a - b));
    expect(stats).toMatchObject({ records: 23, rows: 4, problems: 19 });
  });

  it('numbers lines correctly after multi-line quoted values in a CRLF file', async () => {
    const { rows, problems } = await collect(fixture('multiline-crlf.csv'));
    expect(rows.map((r) => [r.line, r.user])).toEqual([
      [2, 'a'],
      [7, 'c'],
      [10, 'e'],
    ]);
    expect(problems).toEqual([
      { line: 3, reason: 'user contains a line break' },
      { line: 8, user: 'd', reason: 'action contains a line break' },
    ]);
  });

  it('counts a bare CR as no line and a CRLF inside quotes as one line, across chunk boundaries', async () => {
    // 3,000 records, each spanning 3 physical lines thanks to a quoted CRLF and a quoted LF,
    // with a bare CR inside every other one: > 64 KiB so chunk boundaries fall everywhere.
    const parts = ['user,action\r\n'];
    let line = 2;
    const expected: number[] = [];
    for (let i = 0; i < 3000; i++) {
      expected.push(line);
      parts.push(`"u${i}${i % 2 ? '\r' : ''}\r\nx\ny",enable\r\n`);
      line += 3;
      if (i % 7 === 0) {
        parts.push('\r\n');
        line += 1;
      }
    }
    parts.push('last,enable\r\n');
    const path = await writeTmp('multiline-many.csv', parts.join(''));
    const { rows, problems } = await collect(path);
    expect(problems.map((p) => p.line)).toEqual(expected);
    expect(rows).toEqual([{ line, user: 'last', action: 'enable' }]);
  });

  it('reports invalid UTF-8 on the right line and keeps going', async () => {
    const path = await writeTmp(
      'latin1.csv',
      Buffer.concat([
        Buffer.from('user,action\n'),
        Buffer.from('jdoe,enable\n'),
        Buffer.from('jos'),
        Buffer.from([0xe9]),
        Buffer.from(',enable\n'), // Latin-1 é
        Buffer.from('asmith,enable\n'),
        Buffer.from('x,'),
        Buffer.from([0xc3]),
        Buffer.from('\n'), // truncated sequence in action
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from(',disable\n'), // encoded surrogate
        Buffer.from('Zo\u00eb,enable\n'), // valid UTF-8
      ]),
    );
    const { rows, problems } = await collect(path);
    expect(rows.map((r) => [r.line, r.user])).toEqual([
      [2, 'jdoe'],
      [4, 'asmith'],
      [7, 'Zoë'],
    ]);
    expect(problems).toEqual([
      { line: 3, reason: 'user is not valid UTF-8 (save the file as UTF-8, e.g. Excel\'s "CSV UTF-8")' },
      { line: 5, user: 'x', reason: 'action is not valid UTF-8 (save the file as UTF-8, e.g. Excel\'s "CSV UTF-8")' },
      { line: 6, reason: 'user is not valid UTF-8 (save the file as UTF-8, e.g. Excel\'s "CSV UTF-8")' },
    ]);
  });
});

describe('line numbers (property)', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'b', 'é', ' ', ',', '"', '\r', '\n', '\r\n'), maxLength: 6 });
  const record = fc.record({
    fields: fc.array(field, { minLength: 1, maxLength: 4 }),
    eol: fc.constantFrom('\n', '\r\n'),
    blanksAfter: fc.nat({ max: 2 }),
  });
  const serialise = (f: string): string => (/[",\r\n]|^\s|\s$/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);

  it('every record is reported at the physical line where it starts', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 25 }), fc.boolean(), async (records, finalEol) => {
        let text = 'user,action\n';
        const expected: number[] = [];
        records.forEach((r, i) => {
          const startLine = text.split('\n').length; // LFs so far + 1
          const blank = r.fields.every((f) => f.trim() === '');
          if (!blank) expected.push(startLine);
          text += r.fields.map(serialise).join(',');
          if (i < records.length - 1 || finalEol) text += r.eol + r.eol.repeat(r.blanksAfter);
        });
        const path = await writeTmp(`prop-${run++}.csv`, text);
        const { all } = await collect(path);
        expect(all.every((x) => !('fatal' in x))).toBe(true);
        expect(all.map((x) => x.line)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('structure errors stop checking, after reporting the rows before them', () => {
  it('unclosed quote: reported at the line where the quoted value starts', async () => {
    const { rows, problems } = await collect(fixture('unclosed-quote.csv'));
    expect(rows.map((r) => r.user)).toEqual(['a']);
    expect(problems).toEqual([
      { line: 3, user: 'b', reason: 'action "enabel" is not one of enable, disable, move' },
      {
        line: 5,
        reason:
          'a quoted value starting on line 5 is never closed, so the rest of the file reads as one value (add the closing double quote); the rest of the file was not checked',
        fatal: true,
      },
    ]);
  });

  it('text after a closing quote', async () => {
    const { rows, problems } = await collect(fixture('stray-quote.csv'));
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(problems).toEqual([
      { line: 3, user: 'a', reason: 'names the same user as line 2 (a)', sameAs: 2 },
      {
        line: 4,
        reason: expect.stringMatching(
          /^a quoted value is followed by more text.*; the rest of the file was not checked$/,
        ),
        fatal: true,
      },
    ]);
  });

  it('a quote inside an unquoted value', async () => {
    const path = await writeTmp('inner-quote.csv', 'user,action\njdoe,enable\nDoe "JD" John,enable\nx,enable\n');
    const { rows, problems } = await collect(path);
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^a double quote appears inside an unquoted value/), fatal: true },
    ]);
  });

  it('keeps every row parsed before the error even when the consumer is slow', async () => {
    const lines = ['user,action'];
    for (let i = 0; i < 20_000; i++) lines.push(`u${i},enable`);
    lines.push('"open,enable', 'z,enable');
    const path = await writeTmp('slow-consumer.csv', lines.join('\n') + '\n');
    let rows = 0;
    let last: RowProblem | undefined;
    for await (const item of importRecords(path)) {
      if (isRowProblem(item)) last = item;
      else rows++;
      if (rows % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(rows).toBe(20_000);
    expect(last).toMatchObject({ line: 20_002, fatal: true });
  });

  it('reports a header broken by an unclosed quote as a header problem', async () => {
    const path = await writeTmp('header-quote.csv', '"user,action\njdoe,enable\n');
    const { problems } = await collect(path);
    expect(problems).toEqual([
      {
        line: 1,
        reason: expect.stringMatching(/^header: a quoted value starting on line 1 is never closed/),
        fatal: true,
      },
    ]);
  });
});

describe('header problems stop checking', () => {
  it('semicolon-separated file', async () => {
    const { rows, problems } = await collect(fixture('semicolons.csv'));
    expect(rows).toEqual([]);
    expect(problems).toEqual([
      {
        line: 1,
        reason:
          'header: the header is a single column "user;action;server"; the file looks separated by ";": add --delimiter \';\' (or save it as "CSV UTF-8 (Comma delimited)"); no rows were checked',
        fatal: true,
      },
    ]);
  });

  it('unknown column, with --strict', async () => {
    const problems: RowProblem[] = [];
    for await (const item of importRecords(fixture('unknown-column.csv'), { strict: true }))
      if ('reason' in item) problems.push(item);
    expect(problems).toEqual([
      {
        line: 1,
        reason:
          'header: unknown column "sever" (did you mean "server"?) (--strict); the columns are user, action, server, im_domain; no rows were checked',
        fatal: true,
      },
    ]);
  });

  it('unknown column, without --strict: read past and named in the stats', async () => {
    const stats: ImportStats = { bytesRead: 0, records: 0, rows: 0, problems: 0 };
    const { problems } = await collect(fixture('unknown-column.csv'), stats);
    // "sever" is not "server": the move row has no server, and the notice's hint says why.
    expect(problems.map((p) => p.reason)).toEqual(['move needs a server (the home server to move the user to)']);
    expect(stats.ignoredColumns).toEqual([{ name: 'sever', hint: 'server' }]);
  });

  it('classic Mac line ends (bare CR)', async () => {
    const path = await writeTmp('mac.csv', 'user,action\rjdoe,enable\rasmith,disable\r');
    const { problems } = await collect(path);
    expect(problems).toEqual([
      {
        line: 1,
        reason: expect.stringMatching(
          /^header: the name of column 2 contains a line break \(the file seems to use a bare carriage return as the line end; save it with LF or CRLF line ends\)/,
        ),
        fatal: true,
      },
    ]);
  });

  it.each([
    [
      'an executable',
      Buffer.concat([
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
        Buffer.alloc(600, 0),
        Buffer.from('user,action\n'),
      ]),
    ],
    ['control bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 13) % 32))],
  ])('%s is "not a text file"', async (_what, bytes) => {
    const path = await writeTmp('binary.csv', bytes);
    await expect(collect(path)).rejects.toMatchObject({
      code: 'not-csv',
      message: expect.stringMatching(/is not a text file \(it holds binary data\)/),
    });
  });

  it('a ";"-separated file reads with delimiter ";"', async () => {
    const path = await writeTmp('semi-ok.csv', 'user;action;server\njdoe;move;im-west\n"Doe; John";enable;\n');
    const rows: ImportRow[] = [];
    for await (const item of importRecords(path, { delimiter: ';' })) if (!('reason' in item)) rows.push(item);
    expect(rows.map((r) => [r.user, r.action])).toEqual([
      ['jdoe', 'move'],
      ['Doe; John', 'enable'],
    ]);
  });

  it('UTF-16 without a BOM', async () => {
    const path = await writeTmp('utf16-nobom.csv', Buffer.from('user,action\njdoe,enable\n', 'utf16le'));
    const { problems } = await collect(path);
    expect(problems).toEqual([
      { line: 1, reason: expect.stringMatching(/NUL character \(is this a UTF-16 or binary file\?\)/), fatal: true },
    ]);
  });

  it('names the header line when blank lines precede it', async () => {
    const path = await writeTmp('late-bad-header.csv', '\n\r\n\nusr,action\njdoe,enable\n');
    const { problems } = await collect(path);
    expect(problems).toEqual([{ line: 4, reason: expect.stringMatching(/^header: .*no user column/), fatal: true }]);
  });
});

describe('file-level errors throw ImportFileError with one sentence', () => {
  it.each([
    ['missing', () => join(tmp, 'nope.csv'), 'not-found', /nope\.csv does not exist; check the file name\.$/],
    ['missing directory', () => join(tmp, 'no-dir', 'x.csv'), 'not-found', /does not exist/],
    [
      'a path through a file',
      () => join(FIXTURES, 'valid-basic.csv', 'x.csv'),
      'not-found',
      /a part of the path is not a directory/,
    ],
    ['a directory', () => FIXTURES, 'not-a-file', /is a directory, not a CSV file\.$/],
    ['not a regular file', () => '/dev/null', 'not-a-file', /is not a regular file\.$/],
    [
      'empty',
      () => fixture('empty.csv'),
      'empty',
      /empty\.csv is empty; it needs a header line such as "user,action,server,im_domain"/,
    ],
    [
      'blank lines only',
      () => fixture('blank-only.csv'),
      'no-header',
      /has no header line \(it holds only blank lines\)/,
    ],
  ])('%s', async (_name, path, code, message) => {
    const err = await fileError(path());
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.message.split('. ').length).toBe(1); // one sentence
    // A usage error as it is thrown: exit 2, reason import-<code>.
    expect(err).toMatchObject({ exitCode: 2, reason: `import-${code}` });
  });

  it('UTF-16 (as Excel "Unicode Text" writes it)', async () => {
    const le = await writeTmp(
      'utf16le.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('user,action\r\njdoe,enable\r\n', 'utf16le')]),
    );
    const be = await writeTmp('utf16be.csv', Buffer.from([0xfe, 0xff, 0, 0x75]));
    for (const path of [le, be]) {
      const err = await fileError(path);
      expect(err.code).toBe('wrong-encoding');
      expect(err.message).toMatch(/is UTF-16 text; save it as UTF-8/);
    }
  });

  it.each([
    ['an .xlsx workbook', Buffer.from('504b030414000600080000002100', 'hex')],
    ['an .xls workbook', Buffer.from('d0cf11e0a1b11ae1000000000000', 'hex')],
  ])('%s', async (_name, bytes) => {
    const err = await fileError(await writeTmp('book.csv', bytes));
    expect(err.code).toBe('not-csv');
    expect(err.message).toMatch(
      /book\.csv is a spreadsheet workbook, not CSV; save it as "CSV UTF-8 \(Comma delimited\)"/,
    );
  });

  it.skipIf(process.getuid?.() === 0)('unreadable', async () => {
    const path = await writeTmp('secret.csv', 'user\njdoe\n');
    await chmod(path, 0o000);
    const err = await fileError(path);
    expect(err.code).toBe('unreadable');
    expect(err.message).toMatch(/cannot be read: permission denied\.$/);
  });

  it('reads from a pipe (process substitution)', async () => {
    const fifo = join(tmp, 'pipe.csv');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    const writer = (async () => {
      const ws = createWriteStream(fifo);
      ws.end('user,action\njdoe,disable\n');
      await once(ws, 'finish');
    })();
    const { rows } = await collect(fifo);
    await writer;
    expect(rows).toEqual([{ line: 2, user: 'jdoe', action: 'disable' }]);
  });
});

describe('resources and limits', () => {
  it('closes the file when the consumer stops early', async () => {
    const before = openFds();
    for (let i = 0; i < 5; i++) {
      for await (const item of importRecords(fixture('bad-rows.csv'))) {
        expect(item.line).toBe(2);
        break;
      }
    }
    // Let stream teardown finish.
    await new Promise((r) => setTimeout(r, 20));
    if (before !== undefined) expect(openFds()).toBe(before);
  });

  it('fails fast on a 20 MB single line (max_record_size), without reading the file', async () => {
    const path = join(tmp, 'one-huge-line.csv');
    const ws = createWriteStream(path);
    ws.write('user,action\njdoe,enable\nasmith,enabel\n');
    const block = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 20; i++) if (!ws.write(block)) await once(ws, 'drain');
    ws.end(',enable\nlast,enable\n');
    await once(ws, 'finish');

    const stats: ImportStats = { bytesRead: 0, records: 0, rows: 0, problems: 0 };
    const started = performance.now();
    const { rows, problems } = await collect(path, stats);
    const ms = performance.now() - started;
    expect(rows.map((r) => r.user)).toEqual(['jdoe']);
    expect(problems).toEqual([
      { line: 3, user: 'asmith', reason: 'action "enabel" is not one of enable, disable, move' },
      {
        line: 4,
        reason: `the record is longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes, far longer than any valid row (is this the right file, or is a quote left open?); the rest of the file was not checked`,
        fatal: true,
      },
    ]);
    expect(stats.bytesRead).toBeLessThanOrEqual(4 * 64 * 1024);
    expect(ms).toBeLessThan(1000);
  });

  it('fails fast on a 20 MB line of commas (no field content, so only the line guard can catch it)', async () => {
    const path = join(tmp, 'commas.csv');
    const ws = createWriteStream(path);
    ws.write('user,action\njdoe,enable\n');
    const block = Buffer.alloc(1024 * 1024, ',');
    for (let i = 0; i < 20; i++) if (!ws.write(block)) await once(ws, 'drain');
    ws.end('\nlast,enable\n');
    await once(ws, 'finish');

    const stats: ImportStats = { bytesRead: 0, records: 0, rows: 0, problems: 0 };
    const { rows, problems } = await collect(path, stats);
    expect(rows.map((r) => r.user)).toEqual(['jdoe']);
    expect(problems).toEqual([
      {
        line: 3,
        reason: `the line is longer than ${(2 * MAX_RECORD_BYTES).toLocaleString('en-US')} bytes, far longer than any valid row; the rest of the file was not checked`,
        fatal: true,
      },
    ]);
    expect(stats.bytesRead).toBeLessThanOrEqual(4 * 64 * 1024);
  });

  it('an unclosed quote near the start of a big file stops after the size limit, not at the end', async () => {
    const lines = ['user,action', 'a,enable', '"b,enable'];
    for (let i = 0; i < 100_000; i++) lines.push(`u${i},enable`);
    const path = await writeTmp('unclosed-big.csv', lines.join('\n'));
    const stats: ImportStats = { bytesRead: 0, records: 0, rows: 0, problems: 0 };
    const { rows, problems } = await collect(path, stats);
    expect(rows).toHaveLength(1);
    expect(problems).toEqual([{ line: 3, reason: expect.stringMatching(/^the record is longer than/), fatal: true }]);
    expect(stats.bytesRead).toBeLessThanOrEqual(4 * 64 * 1024);
  });

  it('streams 100,000 rows in bounded memory', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;

    const path = join(tmp, 'big.csv');
    const ws = createWriteStream(path);
    ws.write('user,action,server,im_domain\r\n');
    const ROWS = 100_000;
    // Realistic rows with DN-length users; every 10th row has a long server value
    // so that the file (≈ 20 MB) is clearly bigger than what may stay in memory.
    for (let i = 0; i < ROWS; i++) {
      const user = `CN=User ${String(i).padStart(6, '0')},OU=Staff,OU=Accounts,DC=corp,DC=example,DC=com`;
      const server = i % 10 === 0 ? `im-${'x'.repeat(900)}` : 'im01.corp.example.com';
      if (!ws.write(`"${user}",enable,${server},corp.example.com\r\n`)) await once(ws, 'drain');
    }
    ws.end();
    await once(ws, 'finish');
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));

    gc();
    const base = process.memoryUsage().heapUsed;
    let peakLive = 0; // heap in use right after a full GC, sampled while streaming
    let peakRaw = 0; // heap in use including garbage not yet collected
    let rows = 0;
    let problems = 0;
    let lastLine = 0;
    let gcMs = 0;
    const started = performance.now();
    for await (const item of importRecords(path)) {
      if (isRowProblem(item)) problems++;
      else rows++;
      lastLine = item.line;
      const n = rows + problems;
      if (n % 5_000 === 0) peakRaw = Math.max(peakRaw, process.memoryUsage().heapUsed - base);
      if (n % 20_000 === 0) {
        const t = performance.now();
        gc();
        gcMs += performance.now() - t;
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - base);
      }
    }
    const ms = performance.now() - started - gcMs;
    gc();
    const after = process.memoryUsage().heapUsed - base;

    // What the duplicate-detection set alone costs: the same 100k keys in a Map.
    gc();
    const beforeSet = process.memoryUsage().heapUsed;
    const sameKeys = new Map<string, number>();
    for (let i = 0; i < ROWS; i++)
      sameKeys.set(
        userKey(`CN=User ${String(i).padStart(6, '0')},OU=Staff,OU=Accounts,DC=corp,DC=example,DC=com`),
        i + 2,
      );
    gc();
    const setBytes = process.memoryUsage().heapUsed - beforeSet;
    expect(sameKeys.size).toBe(ROWS);

    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    console.log(
      `100k rows: file ${mb(size)} MB read in ${ms.toFixed(0)} ms; heap growth while streaming: ` +
        `${mb(peakLive)} MB live after GC, of which the set of seen users is ${mb(setBytes)} MB; ` +
        `${mb(peakRaw)} MB including uncollected garbage; ${mb(after)} MB once the generator is done`,
    );
    expect(rows).toBe(ROWS);
    expect(problems).toBe(0);
    expect(lastLine).toBe(ROWS + 1);
    // Live memory: the duplicate-detection set (which grows with distinct users, not
    // with the file) plus a few MB of buffers, whatever the file size.
    expect(peakLive - setBytes).toBeLessThan(4 * 1024 * 1024);
    expect(peakLive).toBeLessThan(size);
    expect(after).toBeLessThan(2 * 1024 * 1024);
  }, 60_000);
});

describe('cleanup', () => {
  it('leaves no temp fixtures in the repository', () => {
    expect(existsSync(join(FIXTURES, 'big.csv'))).toBe(false);
  });
});
