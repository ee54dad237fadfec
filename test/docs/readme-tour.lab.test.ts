/**
 * Issue 21: the README's tour ("A tour, with real output from the lab") is checked as the help
 * examples are. Every `$ imctl …` line runs against the lab — writers with --dry-run added (the lab
 * is shared), the undo on a journal of this file's own — and what the README shows must still be
 * what imctl prints, in shape: the exit status (an `error:` line shown, audit's "findings remain",
 * or `echo $?`), each table's
 * column headings, and each `error:` line (numbers and the text after "…" aside). The figures
 * themselves change as other test files move users; the shape must not.
 *
 * The tour shows the seeded domain (8,200 users on im-east, the rebalance that follows), so it runs
 * against the whole domain; but in this process (imctlHere), not as a new Node process per line:
 * the launcher and the process boundary are the package tests' point, not this file's (but a
 * line that names a file runs as the built binary: see BARE_FILE). A line the
 * tour shows twice (`imctl servers`, again before the cache) runs once: writers run dry, so
 * nothing changes between lines.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARE_FILE, imctlHere } from '../support/in-process.js';
import {
  type RunResult,
  addUsers,
  createOu,
  imctlProcess,
  imctlEnv,
  ldapdeleteTree,
  repoRoot,
  scratchDir,
} from '../support/lab.js';

const WRITERS = new Set(['enable', 'disable', 'move', 'import', 'rebalance', 'undo', 'audit', 'sync']);

interface Step {
  command: string;
  shown: string[];
}

/** The tour's code blocks, split into `$ command` and the lines shown after it. */
function tour(readme: string): { steps: Step[]; files: Map<string, string> } {
  const start = readme.indexOf('## A tour, with real output from the lab');
  const end = readme.indexOf('\n## ', start + 10);
  const section = readme.slice(start, end);
  const steps: Step[] = [];
  const files = new Map<string, string>();
  for (const block of section.split('```').filter((_, i) => i % 2 === 1)) {
    let current: Step | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('$ ')) {
        current = { command: line.slice(2).trim(), shown: [] };
        steps.push(current);
      } else current?.shown.push(line);
    }
  }
  // `$ cat FILE` shows a file the next steps read.
  for (const step of steps) {
    const cat = /^cat (\S+)$/.exec(step.command);
    if (cat) files.set(cat[1]!, `${step.shown.join('\n').trim()}\n`);
  }
  return { steps, files };
}

/** argv of a `$ imctl …` line: quotes honoured, the comment after `#` and redirections dropped. */
function argvOf(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 'imctl '.length; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '#' || c === '>' || c === '|') break;
    else if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A shown line as a pattern: figures are any figures, "…" any text, journal paths any path. */
function shape(line: string): RegExp {
  const parts = line
    .trim()
    .split(/(\d[\d,.]*|…|~\/\.local\/state\/imctl\/journal\/\S+)/)
    .map((part, i) =>
      i % 2 === 0
        ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        : part === '…'
          ? '.*'
          : part.startsWith('~')
            ? '\\S+'
            : '\\d[\\d,.]*',
    );
  return new RegExp(`^${parts.join('')}`);
}

/** The cells of a table's heading row (the first │ row). */
function heading(lines: readonly string[]): string[] | undefined {
  const row = lines.find((l) => l.startsWith('│'));
  return row
    ?.split('│')
    .map((c) => c.trim())
    .filter(Boolean);
}

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const { steps, files } = tour(readme);
const runnable = steps.filter(
  (s) => s.command.startsWith('imctl ') && !s.command.includes('<Tab>') && s.command !== 'imctl wizard',
);

describe("the README's tour runs against the lab as shown", () => {
  let dir: string;
  let journal: string;
  let ou: string | undefined;
  const runs = new Map<string, Promise<RunResult>>();

  beforeAll(async () => {
    dir = scratchDir('imctl-tour-');
    for (const [name, text] of files) if (/^[\w.-]+$/.test(name)) writeFileSync(join(dir, name), text);
    // "staff-ok.csv: the same file without line 6".
    const staff = files.get('staff.csv');
    if (staff)
      writeFileSync(
        join(dir, 'staff-ok.csv'),
        `${staff
          .split('\n')
          .filter((_, i) => i !== 5)
          .join('\n')}`,
      );
    // A journal for the undo step: a real run, on a user of this file's own.
    ou = await createOu('tour');
    await addUsers(ou, [{ sam: 'tour-undo', cn: 'Tour Undo' }]);
    const enabled = await imctlHere(['enable', 'tour-undo', '--server', 'im-south'], { env: imctlEnv() });
    expect(enabled.code, enabled.stderr).toBe(0);
    journal = /Journal: (\S+)/.exec(enabled.stderr)![1]!;
    // Every line starts now, not five at a time as it.concurrent would run them: the DC's paged
    // scans of the whole domain (servers, rebalance ×4, audit) are the cost, and they overlap. Not
    // before the journal's user is added and enabled: those writes wait behind the scans (measured:
    // the file took 57–64 s instead of 37–40 s).
    // Each run in this process adds its own SIGINT listener while it runs: 25 at once are expected.
    process.setMaxListeners(Math.max(process.getMaxListeners(), runnable.length + 10));
    for (const step of runnable) launch(step).run.catch(() => undefined);
  });

  afterAll(async () => {
    // The OU goes, and with it the user homed on im-south: the next files read the seeded counts.
    if (ou) await ldapdeleteTree(ou);
  });

  /** The line's arguments (a writer run dry), whether it writes, and its run, started once. */
  function launch({ command }: Step): { argv: string[]; writes: boolean; run: Promise<RunResult> } {
    const argv = argvOf(command).map((arg) => (arg.startsWith('~/.local/state/imctl/journal/') ? journal : arg));
    const verb = argv.find((a) => !a.startsWith('-'))!;
    const writes =
      WRITERS.has(verb) &&
      !argv.includes('--dry-run') &&
      !argv.includes('--ldif') &&
      (verb !== 'audit' || argv.some((a) => ['--fix', '--normalize-case', '--disable-idle'].includes(a))) &&
      (verb !== 'rebalance' || argv.includes('--apply'));
    const args = writes ? [...argv, '--dry-run'] : argv;
    const key = JSON.stringify(args);
    // A line naming a file by a bare name runs as the built binary in the scratch folder: in this
    // process imctl would look for the file in the process's working directory (the checkout).
    const runner = args.some((a) => BARE_FILE.test(a)) ? imctlProcess : imctlHere;
    if (!runs.has(key)) runs.set(key, runner(args, { env: imctlEnv(), cwd: dir }));
    return { argv, writes, run: runs.get(key)! };
  }

  it('finds the tour and its commands', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(15);
    expect(files.has('staff.csv')).toBe(true);
  });

  // The lines are independent (writers run dry), so they run side by side (all started by
  // beforeAll): the DC's workers answer one line's paged scan while this process reads another's.
  it.concurrent.for(runnable)('$ $command', async (step, { expect }) => {
    const { command, shown } = step;
    const launched = launch(step);
    const { argv, writes } = launched;
    const result = await launched.run;
    const actual = `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.trim());
    const context = `${argv.join(' ')} (exit ${result.code})\n${result.stderr.slice(0, 2000)}`;

    // The exit status: `echo $?` shown after it, else an error line shown means a failure.
    const echoed = steps[steps.findIndex((s) => s.command === command) + 1];
    const shownError = shown.find((l) => l.startsWith('error: '));
    if (echoed?.command === 'echo $?') expect(result.code, context).toBe(Number(echoed.shown[0]));
    // audit's closing line: findings remain, exit 3 (a report, not an error).
    else if (shown.some((l) => / findings? remains?/.test(l))) expect(result.code, context).toBe(3);
    else if (shownError) expect(result.code, context).not.toBe(0);
    else expect(result.code, context).toBe(0);

    // The error line, as shown.
    if (shownError)
      expect(
        actual.some((l) => shape(shownError).test(l)),
        `shown: ${shownError}\n${context}`,
      ).toBe(true);
    else
      expect(
        actual.filter((l) => l.startsWith('error: ')),
        context,
      ).toEqual([]);

    // Each table's headings (not for writers run with --dry-run: what they print is the dry run's).
    const shownHeading = heading(shown);
    if (shownHeading && !writes) expect(heading(actual), context).toEqual(shownHeading);
  });
});
