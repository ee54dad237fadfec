/**
 * rebalance's edges (issue 21): no server left to receive, a router drained, and --report, through
 * run() against the in-memory directory.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, ROUTER, WEST, imctlOnMemory, person, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;

describe('rebalance: no server to receive, and a router drained', () => {
  it.each([
    [
      ['rebalance', '--exclude', 'im-east,im-west'],
      'Every home server is excluded (im-east, im-west): no server could receive a user. Leave at least one home server out of --exclude; nothing was written.',
    ],
    [
      ['rebalance', '--exclude', 'im-east', '--exclude', 'im-west', '--apply', '--yes'],
      'Every home server is excluded (im-east, im-west)',
    ],
    [
      ['rebalance', '--drain', 'im-east', '--exclude', 'im-west'],
      '--drain and --exclude leave no home server to receive users (excluded: im-west; drained: im-east). Keep at least one home server out of both; nothing was written.',
    ],
    [
      ['rebalance', '--drain', 'im-east,im-west'],
      '--drain and --exclude leave no home server to receive users (drained: im-east, im-west).',
    ],
  ])('%j is one sentence, exit 2, nothing written', async (argv, message) => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(argv, { directory });
    expect(run.code).toBe(2);
    // One sentence on one line.
    expect(run.stderr.startsWith(`error: ${message}`)).toBe(true);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
    expect(directory.written).toEqual([]);
  });

  it('--drain ROUTER is allowed: the plan re-homes its orphans, and says so', async () => {
    const directory = new MemoryDirectory(
      [EAST, WEST, ROUTER],
      [person('ann', EAST), person('ben', EAST), person('rob', ROUTER)],
    );
    const run = await imctlOnMemory(['rebalance', '--drain', 'im-router', '--apply', '--yes'], { directory });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'im-router is a router: its one homed user is an orphan, and the plan re-homes it (as every rebalance does).',
    );
    expect(directory.get(dn('rob'))!.im.msExchIMVirtualServer).toBe(WEST.dn);
    const empty = await imctlOnMemory(['rebalance', '--drain', 'im-router']);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('im-router is a router: no user is homed on it, so there is nothing to drain.');
  });

  it('--apply --json: the plan sits beside the results, shaped as without --apply (no .plan.plan)', async () => {
    const world = () => new MemoryDirectory([EAST, WEST, ROUTER], [person('ann', EAST), person('rob', ROUTER)]);
    const planOnly = (await imctlOnMemory(['rebalance', '--json'], { directory: world() })).json();
    const applied = await imctlOnMemory(['rebalance', '--apply', '--yes', '--json'], { directory: world() });
    expect(applied.code).toBe(0);
    const doc = applied.json();
    expect(doc.plan).toEqual(planOnly.plan);
    expect(doc.plan[0]).toMatchObject({ fromHomeServer: 'im-router', toHomeServer: 'im-west' });
    expect(doc).toMatchObject({ feasible: true, moves: 1, summary: { changed: 1 } });
  });
});

describe('rebalance --report', () => {
  it('without --apply is refused up front (no report would be written); with --apply --dry-run the planned moves are the report', async () => {
    const refused = await imctlOnMemory(['rebalance', '--report', '-']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'error: --report records what --apply does: add --apply (with --dry-run to see every planned move in the report without writing).\n',
    );
    const directory = new MemoryDirectory([EAST, WEST, ROUTER], [person('ann', EAST), person('rob', ROUTER)]);
    const planned = await imctlOnMemory(['rebalance', '--apply', '--dry-run', '--report', '-'], { directory });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(
      /^line,user,dn,action,outcome,reason,fromHomeServer,toHomeServer\r\n,rob,.*,move,planned,,im-router,im-west\r\n$/,
    );
    expect(directory.written).toEqual([]);
  });
});

describe('rebalance at a terminal: its sentences break at words (issue 30, 80 columns)', () => {
  /** im-east over a capacity of 2 by 6 users, and --max-moves holding most moves back: the long summary. */
  const crowded = () =>
    new MemoryDirectory(
      [EAST, WEST],
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((sam) => person(`user-${sam}`, EAST)),
    );
  const argv = ['rebalance', '--capacity', '5', '--max-moves', '1'];
  const summary =
    '1 move (1 over-capacity): the first 1 of the 3 that bring every home server within capacity; after them im-east (140%) is still over.';

  it.each([80, 200])('at %i columns every line fits, and the words read as one sentence', async (columns) => {
    const run = await imctlOnMemory(argv, { directory: crowded(), tty: true, columns });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(columns);
    const start = lines.findIndex((line) => line.startsWith('1 move'));
    const held = lines.findIndex((line) => line.startsWith('--max-moves held back'));
    expect(lines.slice(start, held).join(' ')).toBe(summary);
    expect(held - start).toBe(columns === 80 ? 2 : 1);
  });
});
