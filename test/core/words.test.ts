/** Numbers as people read them (issue 30, "words and numbers"). */
import { describe, expect, it } from 'vitest';
import { count, duration, percent, plural, rate } from '../../src/core/words.js';

describe('words', () => {
  it.each([
    [0, 'move', '0 moves'],
    [1, 'move', '1 move'],
    [2800, 'user', '2,800 users'],
    [11325, 'change', '11,325 changes'],
  ])('plural(%i, %s) → %s', (n, word, says) => expect(plural(n, word)).toBe(says));

  it('irregular plurals and bare counts', () => {
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(count(8200)).toBe('8,200');
  });

  it.each([
    [0.04, 'under 0.1 s'],
    [0.4, '0.4 s'],
    [9.96, '10.0 s'],
    [41.2, '41 s'],
    [75, '1 min 15 s'],
    [120, '2 min'],
    [3725, '1 h 2 min'],
  ])('duration(%f) → %s', (seconds, says) => expect(duration(seconds)).toBe(says));

  it.each([
    [22, 0.04, undefined], // under a second a rate is start-up and latency: not "512/s"
    [715, 1.1, '650 a second'],
    [3, 90, '2 a minute'],
    [0, 5, undefined],
  ])('rate(%i, %f) → %s', (items, seconds, says) => expect(rate(items, seconds)).toBe(says));

  it.each([
    [8200, 7500, '109%'],
    [0, 7500, '0%'],
    [5, 0, '-'],
  ])('percent(%i, %i) → %s', (part, whole, says) => expect(percent(part, whole)).toBe(says));
});
