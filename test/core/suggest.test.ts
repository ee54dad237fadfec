/** "Did you mean …?" (issue 30, errors). */
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/core/suggest.js';

describe('suggest', () => {
  it.each([
    ['im-sout', 'im-south', 1],
    ['rebalnce', 'rebalance', 1],
    ['rebalacne', 'rebalance', 1], // a swap is one edit
    ['', 'abc', 3],
  ])('editDistance(%s, %s) = %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it('the closest within a third of the length, case-insensitively; nothing when nothing is close', () => {
    expect(closest('bindDN', ['url', 'bindDn', 'baseDn'])).toEqual(['bindDn']);
    expect(closest('im-sout', ['im-east', 'im-west', 'im-south', 'im-north'])).toEqual(['im-south']);
    expect(closest('payroll', ['im-east', 'im-west'])).toEqual([]);
    expect(didYouMean('im-wast', ['im-east', 'im-west'])).toBe(' Did you mean im-east or im-west?');
    expect(didYouMean('x', ['im-east'])).toBe('');
  });
});
