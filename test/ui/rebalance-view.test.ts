/** The rebalance table at 80 columns on a colour terminal (issue 30, bug 4): the bars go first, never Change. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PlanResult, ServerLoad } from '../../src/core/rebalance.js';
import { Output } from '../../src/ui/output.js';
import { barsFirst, renderRebalancePlan } from '../../src/ui/rebalance-view.js';

function terminal(columns: number): { out: Output; text: () => string } {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns });
  let text = '';
  stdout.on('data', (chunk) => (text += chunk));
  const out = new Output({ stdout, stderr: new PassThrough(), stdin: new PassThrough() } as never, false, true);
  return { out, text: () => text.replace(/\x1b\[[0-9;]*m/g, '') };
}

const load = (name: string, before: number, after: number, idle?: ServerLoad['idle']): ServerLoad => ({
  key: name,
  name,
  capacity: 7500,
  before,
  after,
  target: after,
  ...(idle ? { idle } : {}),
});
const plan = (loads: ServerLoad[]): PlanResult => ({
  moves: [],
  minimalMoves: 0,
  requiredMoves: 0,
  deferred: 0,
  feasible: true,
  shortfall: 0,
  load: loads,
});

describe('the rebalance table on an 80-column colour terminal', () => {
  it('--load active keeps Change and drops the bars (it used to drop Change and keep "Load after")', () => {
    const { out, text } = terminal(80);
    const loads = [
      load('im-east', 8200, 7500, { before: 300, after: 300 }),
      load('im-south', 213, 913, { before: 20, after: 20 }),
    ];
    renderRebalancePlan(out, plan(loads), (dn) => dn ?? '', false);
    const header = text()
      .split('\n')
      .find((l) => l.includes('Server'))!;
    expect(header).toContain('Change');
    expect(header).not.toContain('Load after');
    expect(text()).toContain('-700');
  });

  it('the homed table: the same', () => {
    const { out, text } = terminal(80);
    renderRebalancePlan(out, plan([load('im-east', 8200, 7500), load('im-south', 213, 913)]), (dn) => dn ?? '', false);
    const header = text()
      .split('\n')
      .find((l) => l.includes('Server'))!;
    expect(header).toContain('Change');
    expect(text()).toContain('+700');
  });

  it('finds the bar columns by name, the later one first', () => {
    expect(barsFirst(['Server', 'Load before', 'Use', 'Load after', 'Change'])).toEqual([3, 1]);
    expect(barsFirst(['Server', 'Change'])).toEqual([]);
  });
});
