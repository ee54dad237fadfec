import { describe, expect, it } from 'vitest';
import {
  type ColumnMap,
  type ImportRow,
  type RowProblem,
  MAX_FIELD_CHARS,
  ProblemList,
  fieldIssue,
  formatProblem,
  isBlankRecord,
  isRowProblem,
  parseHeader,
  userKey,
  validateRecord,
} from '../../src/core/import-rows.js';

function header(fields: string[]): ColumnMap {
  const h = parseHeader(fields);
  if ('problem' in h) throw new Error(`unexpected header problem: ${h.problem.reason}`);
  return h.columns;
}

/** The header's problem with --strict (unknown columns refused); without it they are read past. */
function headerProblem(fields: string[], line = 1): RowProblem {
  const h = parseHeader(fields, line, { strict: true });
  if (!('problem' in h)) throw new Error('expected a header problem');
  return h.problem;
}

const FULL = header(['user', 'action', 'server', 'im_domain']);

function check(fields: string[], columns: ColumnMap = FULL, line = 2, seen = new Map<string, number>()) {
  return validateRecord(fields, line, columns, seen);
}

describe('parseHeader', () => {
  it.each([
    [['user'], { user: 0, width: 1 }],
    [['user', 'action', 'server', 'im_domain'], { user: 0, action: 1, server: 2, imDomain: 3, width: 4 }],
    [[' User ', 'ACTION', 'Server', 'IM_Domain'], { user: 0, action: 1, server: 2, imDomain: 3, width: 4 }],
    [['im_domain', 'server', 'user'], { user: 2, server: 1, imDomain: 0, width: 3 }],
    [['\uFEFFuser', 'action'], { user: 0, action: 1, width: 2 }],
  ])('maps %j', (fields, expected) => {
    expect(header(fields)).toMatchObject(expected);
  });

  it('treats empty header cells as unnamed columns', () => {
    const c = header(['user', 'action', '', ' ']);
    expect(c.unnamed).toEqual([2, 3]);
    expect(c.width).toBe(4);
    expect(c.names).toEqual(['user', 'action', 'column 3', 'column 4']);
  });

  it.each([
    [['user', 'sever'], /unknown column "sever" \(did you mean "server"\?\)/],
    [['user', 'imdomain'], /unknown column "imdomain" \(did you mean "im_domain"\?\)/],
    [['user', 'IM Domain'], /did you mean "im_domain"/],
    [
      ['user', 'department'],
      /unknown column "department" \(--strict\); the columns are user, action, server, im_domain/,
    ],
    [['user', 'action', 'User'], /column "user" appears 2 times \(columns 1 and 3\)/],
    [['action', 'server'], /there is no user column/],
    [
      ['jdoe', 'enable'],
      /the first line must name the columns, such as user,action,server,im_domain \(found "jdoe,enable"\)/,
    ],
    [['user;action;server'], /single column "user;action;server"; the file looks separated by ";"/],
    [['user\taction'], /separated by tabs/],
    [['u\u0000s\u0000e\u0000r'], /NUL character/],
    [['user', 'act\uFFFDon'], /not valid UTF-8/],
  ])('rejects %j', (fields, message) => {
    const p = headerProblem(fields);
    expect(p.line).toBe(1);
    expect(p.fatal).toBe(true);
    expect(p.reason).toMatch(/^header: /);
    expect(p.reason).toMatch(/no rows were checked$/);
    expect(p.reason).toMatch(message);
  });

  it('without --strict, unknown columns are read past and named, with a hint where one fits', () => {
    const h = parseHeader(['Employee ID', 'user', 'sever', 'Department']);
    if (!('columns' in h)) throw new Error(h.problem.reason);
    expect(h.columns.ignored).toEqual([
      { index: 0, name: 'Employee ID' },
      { index: 2, name: 'sever', hint: 'server' },
      { index: 3, name: 'Department' },
    ]);
    expect(check(['E123', 'jdoe', '\u0007bell', 'Sales'], h.columns)).toMatchObject({ user: 'jdoe', action: 'enable' });
  });

  it('without --strict, a user column under another name is still missing, with the hint', () => {
    expect(headerProblem.length).toBe(1);
    const h = parseHeader(['usr', 'action']);
    expect('problem' in h && h.problem.reason).toMatch(/there is no user column \(is "usr" meant to be "user"\?\)/);
  });

  it('lists every header issue at once', () => {
    const p = headerProblem(['action', 'sever', 'action', 'foo'], 3);
    expect(p.line).toBe(3);
    expect(p.reason).toContain('column "action" appears 2 times');
    expect(p.reason).toContain('unknown column "sever"');
    expect(p.reason).toContain('unknown column "foo"');
    expect(p.reason).toContain('there is no user column');
  });
});

describe('validateRecord: valid rows', () => {
  it.each<[string[], Omit<ImportRow, 'line'>]>([
    [['jdoe', 'enable', '', ''], { user: 'jdoe', action: 'enable' }],
    [['jdoe', '', '', ''], { user: 'jdoe', action: 'enable' }],
    [
      ['jdoe', 'ENABLE', 'IM01', 'Corp.Example.COM'],
      { user: 'jdoe', action: 'enable', server: 'IM01', imDomain: 'corp.example.com' },
    ],
    [['  jdoe  ', ' Disable ', ' ', ''], { user: 'jdoe', action: 'disable' }],
    [['jdoe', 'move', 'im02.corp.example.com', ''], { user: 'jdoe', action: 'move', server: 'im02.corp.example.com' }],
    [['Doe, John', 'enable', '', ''], { user: 'Doe, John', action: 'enable' }],
    [
      ['CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com', 'enable', '', ''],
      { user: 'CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com', action: 'enable' },
    ],
    [['josé.müller@corp.example.com', 'enable', '', ''], { user: 'josé.müller@corp.example.com', action: 'enable' }],
    [
      ['-jdoe', 'enable', '', 'xn--bcher-kva.example'],
      { user: '-jdoe', action: 'enable', imDomain: 'xn--bcher-kva.example' },
    ],
    [['a'.repeat(MAX_FIELD_CHARS), 'enable', '', ''], { user: 'a'.repeat(MAX_FIELD_CHARS), action: 'enable' }],
    // 1,024 code points that are 2,048 UTF-16 units: still within the limit.
    [['😀'.repeat(MAX_FIELD_CHARS), 'enable', '', ''], { user: '😀'.repeat(MAX_FIELD_CHARS), action: 'enable' }],
    [['jdoe\u200Dx', 'enable', '', ''], { user: 'jdoe\u200Dx', action: 'enable' }],
  ])('%j', (fields, expected) => {
    const row = check(fields, FULL, 7);
    expect(row).toEqual({ line: 7, ...expected });
  });

  it('works with only a user column (action defaults to enable)', () => {
    expect(check(['jdoe'], header(['user']))).toEqual({ line: 2, user: 'jdoe', action: 'enable' });
  });

  it('accepts empty unnamed columns', () => {
    const c = header(['user', 'action', '', '']);
    expect(check(['jdoe', 'disable', '', ' '], c)).toEqual({ line: 2, user: 'jdoe', action: 'disable' });
  });
});

describe('validateRecord: problems', () => {
  it.each<[string, string[], RegExp]>([
    ['empty user', ['', 'enable', '', ''], /^user is empty$/],
    ['blank user', ['   ', 'enable', '', ''], /^user is empty$/],
    ['bad action', ['jdoe', 'enabel', '', ''], /^action "enabel" is not one of enable, disable, move$/],
    ['move without server', ['jdoe', 'move', '', ''], /^move needs a server/],
    ['server on disable', ['jdoe', 'disable', 'im01', ''], /^server has no meaning for disable; leave it empty$/],
    ['im_domain on disable', ['jdoe', 'disable', '', 'corp.example.com'], /^im_domain has no meaning for disable/],
    ['im_domain on move', ['jdoe', 'move', 'im01', 'corp.example.com'], /^im_domain has no meaning for move/],
    [
      'bad im_domain',
      ['jdoe', 'enable', '', '-corp.example.com'],
      /^im_domain "-corp.example.com" is not a valid DNS domain name: "-corp" is not a valid DNS label$/,
    ],
    ['too few fields', ['jdoe', 'enable'], /^has 2 fields but the header has 4 \(every row needs a field/],
    [
      'too many fields',
      ['Doe', ' John', 'enable', '', ''],
      /^has 5 fields but the header has 4 \(a value containing a comma must be in double quotes, e.g. "Doe, John"\)$/,
    ],
    ['one field', ['jdoe'], /^has 1 field but the header has 4/],
    ['NUL', ['jd\0oe', 'enable', '', ''], /^user contains a NUL character/],
    ['tab', ['jd\toe', 'enable', '', ''], /^user contains a tab character$/],
    ['line break', ['jd\noe', 'enable', '', ''], /^user contains a line break$/],
    ['CR', ['jdoe', 'enable\r', '', ''], /^action contains a line break$/],
    ['line separator', ['jdoe', 'enable', 'im\u202801', ''], /^server contains a line break$/],
    ['escape', ['jdoe\x1b[31m', 'enable', '', ''], /^user contains control character U\+001B$/],
    ['DEL', ['jdoe\x7f', 'enable', '', ''], /^user contains control character U\+007F$/],
    ['C1 control', ['jdoe\u0085', 'enable', '', ''], /^user contains control character U\+0085$/],
    ['zero-width space', ['jd\u200Boe', 'enable', '', ''], /^user contains invisible character U\+200B$/],
    ['bidi override', ['jdoe\u202Egpj.exe', 'enable', '', ''], /^user contains invisible character U\+202E$/],
    ['invalid UTF-8', ['jos\uFFFD', 'enable', '', ''], /^user is not valid UTF-8/],
    [
      'too long',
      ['x'.repeat(MAX_FIELD_CHARS + 1), 'enable', '', ''],
      /^user is 1025 characters long \(the limit is 1024\)$/,
    ],
    ['too long server', ['jdoe', 'move', 's'.repeat(5000), ''], /^server is 5000 characters long/],
  ])('%s', (_name, fields, message) => {
    const p = check(fields, FULL, 9);
    expect(isRowProblem(p)).toBe(true);
    expect((p as RowProblem).line).toBe(9);
    expect((p as RowProblem).reason).toMatch(message);
    expect((p as RowProblem).fatal).toBeUndefined();
  });

  it('reports every problem of a row together, with the user', () => {
    const p = check(['jdoe', 'move', '', 'corp.example.com']) as RowProblem;
    expect(p).toEqual({
      line: 2,
      user: 'jdoe',
      reason:
        'move needs a server (the home server to move the user to); im_domain has no meaning for move; leave it empty',
    });
  });

  it('does not name a user that could not be read', () => {
    const p = check(['jd\0oe', 'enabel', '', '']) as RowProblem;
    expect(p.user).toBeUndefined();
    expect(p.reason).toBe(
      'user contains a NUL character (is this a UTF-16 or binary file?); action "enabel" is not one of enable, disable, move',
    );
  });

  it('rejects values in unnamed columns', () => {
    const c = header(['user', 'action', '']);
    expect(check(['jdoe', 'enable', 'oops'], c)).toMatchObject({
      reason: 'column 3 has a value but no name in the header',
    });
  });
});

describe('validateRecord: duplicate users', () => {
  it('names the first line, comparing trimmed and case-insensitively', () => {
    const seen = new Map<string, number>();
    expect(isRowProblem(check(['jdoe', 'enable', '', ''], FULL, 4, seen))).toBe(false);
    expect(check([' JDoe ', 'disable', '', ''], FULL, 9, seen)).toEqual({
      line: 9,
      user: 'JDoe',
      reason: 'names the same user as line 4 (JDoe)',
      sameAs: 4,
    });
    // A third occurrence still points at the first.
    expect(check(['JDOE', 'enable', '', ''], FULL, 12, seen)).toMatchObject({
      reason: 'names the same user as line 4 (JDOE)',
    });
  });

  it('quotes names with spaces or commas', () => {
    const seen = new Map<string, number>();
    check(['Doe, John', 'enable', '', ''], FULL, 3, seen);
    expect(check(['doe, john', 'enable', '', ''], FULL, 5, seen)).toMatchObject({
      reason: 'names the same user as line 3 ("doe, john")',
    });
  });

  it('treats NFC and NFD spellings as the same user', () => {
    const seen = new Map<string, number>();
    check(['Jos\u00e9', 'enable', '', ''], FULL, 2, seen);
    expect(check(['Jose\u0301', 'enable', '', ''], FULL, 3, seen)).toMatchObject({
      reason: expect.stringMatching(/names the same user as line 2 \(.*\)$/),
    });
  });

  it('remembers a user even when its first row is invalid', () => {
    const seen = new Map<string, number>();
    expect(isRowProblem(check(['jdoe', 'enabel', '', ''], FULL, 2, seen))).toBe(true);
    expect(check(['jdoe', 'enable', '', ''], FULL, 3, seen)).toMatchObject({
      reason: 'names the same user as line 2 (jdoe)',
    });
  });

  it('does not remember rows with the wrong number of fields', () => {
    const seen = new Map<string, number>();
    check(['jdoe', 'enable'], FULL, 2, seen);
    expect(isRowProblem(check(['jdoe', 'enable', '', ''], FULL, 3, seen))).toBe(false);
  });

  it('keys users by trimmed, NFC, lower-case text', () => {
    expect(userKey('  JDoe ')).toBe('jdoe');
    expect(userKey('Jose\u0301')).toBe('jos\u00e9');
  });
});

describe('fieldIssue and blank records', () => {
  it('accepts ordinary text', () => {
    expect(fieldIssue('user', "Zoë O'Brien-Smith")).toBeUndefined();
    expect(fieldIssue('user', '東京 ユーザー')).toBeUndefined();
  });

  it.each([
    [[''], true],
    [['', '', ''], true],
    [['  ', '\t'], true],
    [['', 'x'], false],
  ])('isBlankRecord(%j) = %s', (fields, blank) => {
    expect(isBlankRecord(fields)).toBe(blank);
  });
});

describe('ProblemList', () => {
  it('counts every problem but keeps only the first ones, plus the fatal one', () => {
    const list = new ProblemList(3);
    for (let line = 2; line < 12; line++) list.add({ line, reason: 'user is empty' });
    list.add({ line: 20, reason: 'a quoted value … never closed', fatal: true });
    expect(list.count).toBe(11);
    expect(list.incomplete).toBe(true);
    expect(list.shown.map((p) => p.line)).toEqual([2, 3, 4, 20]);
    expect(list.format()).toEqual([
      'line 2: user is empty',
      'line 3: user is empty',
      'line 4: user is empty',
      'line 20: a quoted value … never closed',
      '… and 7 more problems',
    ]);
  });

  it("keeps the first lines, in line order, whichever pass found them (the directory's after the syntax's)", () => {
    const list = new ProblemList(3);
    for (const line of [5, 9, 12]) list.add({ line, reason: 'action "x" is not one of enable, disable, move' });
    // Then the directory's verdicts on rows the syntax pass let through.
    for (const line of [3, 7, 20]) list.add({ line, reason: 'no user is named "ghost"' });
    expect(list.shown.map((p) => p.line)).toEqual([3, 5, 7]);
    expect(list.count).toBe(6);
    expect(list.format().at(-1)).toBe('… and 3 more problems');
  });

  it('formats one problem', () => {
    expect(formatProblem({ line: 4, user: 'jdoe', reason: 'user is empty' })).toBe('line 4: user is empty');
  });
});
