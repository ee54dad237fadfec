/**
 * import and rebalance through run() against the in-memory directory: the whole file checked
 * before anything is written, --skip-invalid, the report; the rebalance plan, --apply, --json and
 * the infeasible plan. Big files, the wire and a DC that goes away are in import.lab.test.ts and
 * rebalance.lab.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, ROUTER, WEST, imctlOnMemory, person, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;

function csv(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'imctl-csv-')), 'rows.csv');
  writeFileSync(path, text);
  return path;
}

describe('imctl import', () => {
  it('applies enable, disable and move rows; a re-run is all unchanged', async () => {
    const directory = sampleDirectory();
    const file = csv('user,action,server\r\ndee,enable,im-west\r\nann,disable,\r\nben,move,exch2.memory.test\r\n');
    const first = await imctlOnMemory(['import', file, '--yes', '--json'], { directory });
    expect(first.code).toBe(0);
    expect(first.json().summary).toEqual({ changed: 3, unchanged: 0, failed: 0, planned: 0, notStarted: 0 });
    expect(directory.get(dn('dee'))!.im).toEqual(imValues('dee', IM_DOMAIN, WEST));
    expect(directory.get(dn('ann'))!.im).toEqual({});
    expect(directory.get(dn('ben'))!.im).toEqual(imValues('ben', IM_DOMAIN, WEST));

    const again = await imctlOnMemory(['import', file, '--yes', '--json'], { directory });
    expect(again.code).toBe(0);
    expect(again.json().summary).toEqual({ changed: 0, unchanged: 3, failed: 0, planned: 0, notStarted: 0 });
  });

  it('one invalid row stops the whole file before anything is written (exit 2); the report lists every row', async () => {
    const directory = sampleDirectory();
    const file = csv('user,action,server\ndee,enable,im-west\nnobody,enable,im-west\neve,fly,\n');
    const report = join(mkdtempSync(join(tmpdir(), 'imctl-report-')), 'out.csv');
    const run = await imctlOnMemory(['import', file, '--report', report], { directory });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${file}: 2 invalid rows; nothing was written. Fix them, or pass --skip-invalid to import the valid rows.`,
    );
    expect(run.stderr).toMatch(/line 3: no user is named "nobody"/);
    expect(run.stderr).toMatch(/line 4: .*fly/);
    expect(directory.written).toEqual([]);
    const lines = readFileSync(report, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^2,dee,,enable,skipped,not written: the file has invalid rows,,$/);
    expect(lines[2]).toMatch(/^3,nobody,,enable,invalid,"no user is named ""nobody""/);
  });

  it('a file with bad rows and state conflicts lists both kinds in one run', async () => {
    const directory = sampleDirectory();
    // Line 2: a bad action; 3: no such user; 4: ann is enabled already; 5: dee has no IM to move.
    const file = csv(
      'user,action,server\nben,frobnicate,\nnobody,enable,im-west\nann,enable,im-west\ndee,move,im-west\n',
    );
    const run = await imctlOnMemory(['import', file, '--json'], { directory });
    expect(run.code).toBe(2);
    expect(run.json().problems.map((p: { line: number }) => p.line)).toEqual([2, 3, 4, 5]);
    expect(run.json().problems[2].reason).toMatch(/already IM-enabled on im-east/);
    expect(run.json().problems[3].reason).toMatch(/not IM-enabled/);
    expect(directory.written).toEqual([]);
  });

  it('--skip-invalid writes the valid rows and reports the others as failed (exit 3)', async () => {
    const directory = sampleDirectory();
    const file = csv('user,action,server\ndee,enable,im-west\nnobody,enable,im-west\n');
    const run = await imctlOnMemory(['import', file, '--skip-invalid', '--yes', '--json'], { directory });
    expect(run.code).toBe(3);
    expect(run.json().summary).toMatchObject({ changed: 1, failed: 1 });
    expect(directory.written.map((t) => t.dn)).toEqual([dn('dee')]);
  });

  it.each([
    [['import', '/nonexistent/rows.csv'], /rows\.csv/],
    [['import'], /missing required argument 'file'/],
    [['import', 'rows.csv', '--report', 'out.pdf'], /The report file must end in/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, stderr } = await imctlOnMemory(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('an empty file is a usage error, also as the --json error document', async () => {
    const run = await imctlOnMemory(['import', csv(''), '--json']);
    expect(run.code).toBe(2);
    expect(run.json().error).toMatchObject({ exitCode: 2, reason: expect.stringMatching(/^import-/) });
  });
});

/** im-east holds four users, im-west one, one user is homed on the router (an orphan). */
function crowded(): MemoryDirectory {
  return new MemoryDirectory(
    [EAST, WEST, ROUTER],
    [...['a1', 'a2', 'a3', 'a4'].map((sam) => person(sam, EAST)), person('w1', WEST), person('o1', ROUTER)],
  );
}

describe('imctl rebalance', () => {
  it('shows the fewest moves and writes nothing without --apply', async () => {
    const directory = crowded();
    const { code, stdout } = await imctlOnMemory(['rebalance', '--capacity', '3'], { directory });
    expect(code).toBe(0);
    expect(stdout).toMatch(/│ im-east │\s+3 │\s+4 │ 133% │\s+3 │ 100% │\s+-1 │/);
    expect(stdout).toContain(
      '2 moves (1 orphan, 1 over-capacity): the fewest that bring every home server within capacity.',
    );
    expect(stdout).toContain('Nothing written: add --apply to carry out this plan');
    expect(directory.written).toEqual([]);
  });

  it("--json: the plan as data; the orphan and one of im-east's users move to im-west", async () => {
    const run = await imctlOnMemory(['rebalance', '--capacity', '3', '--json'], { directory: crowded() });
    expect(run.code).toBe(0);
    const plan = run.json();
    expect(plan).toMatchObject({ feasible: true, moves: 2, deferred: 0 });
    expect(
      plan.servers.map((s: { name: string; loadBefore: number; loadAfter: number }) => [
        s.name,
        s.loadBefore,
        s.loadAfter,
      ]),
    ).toEqual([
      ['im-east', 4, 3],
      ['im-west', 1, 3],
    ]);
    const moves = plan.plan.map((m: { fromHomeServer: string | null; toHomeServer: string }) => [
      m.fromHomeServer,
      m.toHomeServer,
    ]);
    expect(moves).toHaveLength(2);
    expect(moves).toContainEqual(['im-router', 'im-west']);
    expect(moves).toContainEqual(['im-east', 'im-west']);
  });

  it('--apply carries the plan out through the write path; a second run has nothing to do', async () => {
    const directory = crowded();
    const run = await imctlOnMemory(['rebalance', '--capacity', '3', '--apply', '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rebalance: 2 changed');
    expect(directory.get(dn('o1'))!.im).toEqual(imValues('o1', IM_DOMAIN, WEST));
    const again = await imctlOnMemory(['rebalance', '--capacity', '3'], { directory });
    expect(again.stdout).toContain('Every home server is within capacity: nothing to do.');
  });

  it('--drain empties a server; --max-moves defers the rest', async () => {
    const run = await imctlOnMemory(['rebalance', '--drain', 'im-east', '--max-moves', '1', '--json'], {
      directory: crowded(),
    });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ moves: 1, deferred: 4 });
  });

  it('a plan that cannot fit is a usage error with its figures under --json', async () => {
    const run = await imctlOnMemory(['rebalance', '--capacity', '2', '--json'], { directory: crowded() });
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ error: { reason: 'infeasible', exitCode: 2 }, feasible: false, shortfall: 2 });
  });

  it.each([
    [['rebalance', '--drain', 'im-nowhere'], /im-nowhere/],
    [['rebalance', '--max-moves', '-1'], /option '--max-moves <n>' argument '-1' is invalid/],
    [['rebalance', 'extra'], /too many arguments/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const directory = crowded();
    const { code, stderr } = await imctlOnMemory(argv, { directory });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(directory.written).toEqual([]);
  });
});
