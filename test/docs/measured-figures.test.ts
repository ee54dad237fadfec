/**
 * Issue 33, item 3: a figure in README.md, docs/ or lab/README.md that looks measured — a ratio
 * (1.10×), a duration (93.8 s, ~6 min, 400 ms, 4 h), a size (MB, KiB), a share (65 %), a rate (/s,
 * adds/s), a count of tests — in prose or in a code block's `# comment` — is inside a block the
 * measuring run writes (`<!-- generated:NAME -->`), or it states a constant of the code, and then
 * the sentence is built here from the code and must stand in the document as built: change the
 * back-off and the documents that describe it fail this test.
 * docs/benchmarks.md (the bench's record) and docs/test-suite.md (the test run's) are written whole
 * by their runs. The bench's blocks must also say what its record says, and the sizes the README
 * gives around them are the record's.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kerberosBenchBlocks, readmeBenchBlocks } from '../../scripts/docs-lib/bench-blocks.mjs';
import { generatedBlocks } from '../../scripts/docs-lib/generated-blocks.mjs';
import { MAX_CONFIG_BYTES } from '../../src/config/config-file.js';
import { MAX_FIELD_CHARS } from '../../src/core/import-rows.js';
import { OUR_MAX_BUFFER } from '../../src/core/sasl-security-layer.js';
import { RETRIES, backoffMs } from '../../src/directory/backoff.js';
import { CONNECT_TIMEOUT_MS } from '../../src/directory/ldap-client.js';
import { MAX_RECORD_BYTES } from '../../src/io/csv-limits.js';
import { MAX_PASSWORD_FILE_BYTES } from '../../src/io/password-file.js';
import { MAX_JOURNAL_BYTES, MAX_JOURNAL_LINE_BYTES } from '../../src/journal/read-journal.js';

const REPO = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

/** Written whole by the run that measured them. */
const RUN_RECORDS = ['docs/benchmarks.md', 'docs/test-suite.md'];
const DOCUMENTS = [
  'README.md',
  'lab/README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`)
    .filter((path) => !RUN_RECORDS.includes(path)),
];

const FIGURE =
  /[~≈]?\d[\d,.]*(?:–[\d.]+)?\s?(?:×|ms\b|s\b|min\b|minutes?\b|seconds?\b|h\b|hours?\b|[KMG]i?B\b|kB\b|tests\b|%|[a-z]*\/s\b)/g;

/** One number out of a source file (a constant of a script, a test's input), by the pattern around it. */
function sourceNumber(path: string, pattern: RegExp): number {
  const found = pattern.exec(read(path))?.[1];
  if (found === undefined) throw new Error(`${path} no longer has ${String(pattern)}`);
  return Number(found.replaceAll('_', ''));
}

const en = (n: number) => n.toLocaleString('en-US');
/** The waits between a read's attempts (src/directory/backoff.ts: RETRIES retries after the first). */
const retryBudgetS = Math.round(Array.from({ length: RETRIES }, (_, a) => backoffMs(a)).reduce((x, y) => x + y) / 1000);
const firstWaits = [0, 1, 2, 3, 4].map((a) => en(backoffMs(a)));
const hostileInput = 'test/security/hostile-input.lab.test.ts';
const sambaMaxRuntime = sourceNumber('lab/lab.sh', /^SAMBA_MAX_RUNTIME=(\d+)/m);
const replInterval = sourceNumber('lab/dc2.sh', /IMCTL_LAB_REPL_INTERVAL:-(\d+)/);

/** What the documents say about constants of the code, as the code has them now. */
const STATEMENTS: { doc: string; says: string; from: string }[] = [
  { doc: 'README.md', says: `longer than the retry budget (~${retryBudgetS} s)`, from: 'src/directory/backoff.ts' },
  {
    doc: 'README.md',
    says: `connecting to one DC gives up after ${CONNECT_TIMEOUT_MS / 1000} s`,
    from: 'CONNECT_TIMEOUT_MS, src/directory/ldap-client.ts (the configuration table, from the option registry)',
  },
  {
    doc: 'docs/replication.md',
    says: `retries the same DC for about ${retryBudgetS} s`,
    from: 'src/directory/backoff.ts',
  },
  {
    doc: 'docs/security.md',
    says: `${backoffMs(0)} ms, doubling to ${backoffMs(64) / 1000} s, for up to ${RETRIES + 1} attempts`,
    from: 'src/directory/backoff.ts',
  },
  {
    doc: 'docs/security.md',
    says: `retried after ${firstWaits.slice(0, -1).join(', ')} and ${firstWaits.at(-1)} ms`,
    from: 'src/directory/backoff.ts',
  },
  { doc: 'docs/security.md', says: `busy gets ${RETRIES + 1} attempts`, from: 'src/directory/backoff.ts' },
  {
    doc: 'docs/security.md',
    says: `a field may hold ${en(MAX_FIELD_CHARS)} characters and a record ${MAX_RECORD_BYTES / 1024} KB`,
    from: 'MAX_FIELD_CHARS, MAX_RECORD_BYTES',
  },
  { doc: 'docs/security.md', says: `at most ${MAX_CONFIG_BYTES / 2 ** 20} MiB`, from: 'MAX_CONFIG_BYTES' },
  {
    doc: 'docs/security.md',
    says: `a generated ${sourceNumber(hostileInput, /i < (\d+); i\+\+\) writeSync\(fd, block\)/)} MB single line`,
    from: `${hostileInput} (the CSV it writes, in blocks of 1 MiB)`,
  },
  {
    doc: 'docs/security.md',
    says: `binary, ${sourceNumber(hostileInput, /'x'\.repeat\((\d+) << 20\)/)} MB, ${en(sourceNumber(hostileInput, /'\['\.repeat\(([\d_]+)\)/))} levels of nesting`,
    from: `${hostileInput} (the config files it writes)`,
  },
  { doc: 'docs/security.md', says: `at most ${MAX_PASSWORD_FILE_BYTES / 1024} KiB`, from: 'MAX_PASSWORD_FILE_BYTES' },
  {
    doc: 'docs/security.md',
    says: `a ${MAX_JOURNAL_LINE_BYTES / 1024} KiB line and ${MAX_JOURNAL_BYTES / 2 ** 30} GiB cap`,
    from: 'MAX_JOURNAL_LINE_BYTES, MAX_JOURNAL_BYTES',
  },
  {
    doc: 'docs/kerberos.md',
    says: `its own maximum (${(OUR_MAX_BUFFER + 1) / 2 ** 20} MiB − 1)`,
    from: 'OUR_MAX_BUFFER, src/core/sasl-security-layer.ts',
  },
  {
    doc: 'docs/kerberos.md',
    says: `clocks differ by more than ${sourceNumber('src/directory/kerberos-errors.ts', /Kerberos allows \((\d+) minutes by default\)/)} minutes`,
    from: "the clock-skew message, src/directory/kerberos-errors.ts (Kerberos's default skew)",
  },
  {
    doc: 'lab/README.md',
    says: `About ${Math.round(100 * sourceNumber('lab/seed.mjs', /rand\(\) < ([\d.]+); \/\/ most directories name people "Last, First"/))} % of the CNs are \`Last, First\``,
    from: "lab/seed.mjs (the share of CNs it writes 'Last, First')",
  },
  {
    doc: 'lab/README.md',
    says: `are set to ${en(replInterval)} s`,
    from: "lab/dc2.sh (the replication intervals' default)",
  },
  {
    doc: 'lab/README.md',
    says: `Samba stops by itself after ${sambaMaxRuntime / 3600} h (\`--maximum-runtime=${sambaMaxRuntime}\`)`,
    from: 'SAMBA_MAX_RUNTIME, lab/lab.sh',
  },
  {
    doc: 'docs/replication.md',
    says: `(\`dreplsrv:periodic_interval\`/\`notify_interval\` = ${replInterval / 3600} h)`,
    from: "lab/dc2.sh (the replication intervals' default)",
  },
  {
    doc: 'docs/replication.md',
    says: `one writer won all ${sourceNumber('test/replication/conflicts.lab.test.ts', /const SAMS = Array\.from\(\{ length: (\d+) \}/)} entries`,
    from: 'test/replication/conflicts.lab.test.ts (the users both admins move)',
  },
];

/** The text outside generated blocks, and of fenced code only its `# comments` (a tour's output is
 * shown as printed, not quoted; a comment beside a command is prose). */
function prose(markdown: string): string {
  const lines: string[] = [];
  let fenced = false;
  let generated = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (line.startsWith('<!-- generated:')) generated = true;
    else if (line.startsWith('<!-- /generated -->')) generated = false;
    else if (!generated && !fenced) lines.push(line);
    else if (!generated) lines.push(/(?:^|\s)# (.*)$/.exec(line)?.[1] ?? '');
  }
  return lines.join('\n');
}

/** Lines joined: a sentence may wrap anywhere. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

/** Where each of `fragment`'s occurrences in `text` starts and ends. */
function spans(text: string, fragment: string): [number, number][] {
  const found: [number, number][] = [];
  for (let at = text.indexOf(fragment); at !== -1; at = text.indexOf(fragment, at + 1))
    found.push([at, at + fragment.length]);
  return found;
}

describe('figures in the documents', () => {
  it.each(DOCUMENTS)('%s: generated by the run that measured them, or a constant of the code', (doc) => {
    const text = flat(prose(read(doc)));
    const stated = STATEMENTS.filter((s) => s.doc === doc).flatMap((s) => spans(text, s.says));
    const loose = [...text.matchAll(FIGURE)]
      .filter((m) => !stated.some(([from, to]) => m.index >= from && m.index + m[0].length <= to))
      .map((m) => `${m[0].trim()} in: …${text.slice(Math.max(0, m.index - 60), m.index + 40)}…`);
    expect(loose).toEqual([]);
  });

  it.each(STATEMENTS)('$doc says what $from has: "$says"', ({ doc, says }) => {
    expect(flat(read(doc)).includes(says), `${doc} no longer says "${says}"`).toBe(true);
  });

  it("the bench's blocks say what its record says", () => {
    const record = read('docs/benchmarks.md');
    const readme = generatedBlocks(read('README.md'));
    for (const [name, text] of Object.entries(readmeBenchBlocks(record))) expect(readme.get(name), name).toBe(text);
    const kerberos = generatedBlocks(read('docs/kerberos.md'));
    for (const [name, text] of Object.entries(kerberosBenchBlocks(record))) expect(kerberos.get(name), name).toBe(text);
  });

  it('the sizes the README says the bench measures are those of its summary', () => {
    const readme = read('README.md');
    const intro = flat(readme.slice(readme.indexOf('What it measures:'), readme.indexOf('The figures below')));
    const summary = generatedBlocks(readme).get('bench-summary') ?? '';
    const numbers = (text: string) => new Set(text.match(/\d[\d,]*\d|\d/g));
    // Code spans (`-E pr=1000`) are options, not sizes.
    const sizes = [...numbers(intro.replace(/`[^`]*`/g, ''))];
    expect(sizes.length).toBeGreaterThan(0);
    const inSummary = numbers(summary);
    expect(sizes.filter((n) => !inSummary.has(n))).toEqual([]);
  });

  it("the README's large-directory sizes are the record's", () => {
    const note =
      /Large directory \(issue 32\): ([\d,]+) users, ([\d,]+) IM-enabled on (\d+) home servers and 1 router/.exec(
        read('docs/benchmarks.md'),
      );
    expect(note, "docs/benchmarks.md's Notes have no large-directory line").not.toBeNull();
    const [, users, im, homes] = note!;
    expect(flat(read('README.md'))).toContain(
      `seeds ${users} users once (${im} IM-enabled on ${homes} home servers and a router)`,
    );
  });
});
