/**
 * Issue 21, "messages that fit": with --max-moves holding moves back, the plan's sentence no longer
 * claims to bring every server within capacity; it says which servers stay over.
 */
import { describe, expect, it } from 'vitest';
import { planSummary } from '../../src/ui/rebalance-view.js';

const move = (reason: string) => ({ user: 'CN=u', from: 'a', to: 'b', reason }) as never;
const load = (name: string, capacity: number, after: number) =>
  ({ key: name, name, capacity, before: after, after }) as never;

describe('planSummary', () => {
  it('an uncapped plan is the fewest moves that reach the goal', () => {
    expect(
      planSummary(
        {
          moves: [move('over-capacity'), move('over-capacity')],
          deferred: 0,
          minimalMoves: 2,
          load: [load('im-east', 7500, 7500)],
        },
        false,
      ),
    ).toEqual(['2 moves (2 over-capacity): the fewest that bring every home server within capacity.']);
  });

  it.each([
    [false, 'No move is needed: every home server is within capacity already.'],
    [true, 'No move is needed: every home server is within one user of its fair share already.'],
  ])('no move at all (even: %s) is not "0 move(s): the fewest"', (even, says) => {
    expect(planSummary({ moves: [], deferred: 0, minimalMoves: 0, load: [load('im-east', 7500, 100)] }, even)).toEqual([
      says,
    ]);
  });

  it('a capped plan says it is the first part, and who stays over', () => {
    expect(
      planSummary(
        {
          moves: Array.from({ length: 10 }, () => move('drain')),
          deferred: 99,
          minimalMoves: 109,
          load: [load('im-north', 0, 99), load('im-east', 7500, 8200), load('im-west', 7500, 2010)],
        },
        false,
      ),
    ).toEqual([
      '10 moves (10 drain): the first 10 of the 109 that bring every home server within capacity; after them im-north (99 users), im-east (109%) are still over.',
      '--max-moves held back 99 moves: run again after this window to finish.',
    ]);
  });
});
