/**
 * Issue 33, item 3: the bench shows the digits its verdict turns on — 1.102× beside "≤ 1.10×" and
 * a MISS is not written "1.10×", and a peak of 149.6 MB beside "< 150 MB" is not written "150 MB".
 */
import { describe, expect, it } from 'vitest';
import { fmt, ratioText } from '../../scripts/bench-lib/table.mjs';

describe("the bench report's figures", () => {
  it.each([
    [1.1017, '≤ 1.10×', '1.102×'],
    [1.0951, '≤ 1.10×', '1.095×'],
    [1.1, '≤ 1.10×', '1.10×'],
    [1.153, '≤ 1.00×', '1.15×'],
    [0.97, 'info', '0.97×'],
  ])('ratio %s against %s reads %s', (ratio, target, text) => {
    expect(ratioText(ratio, target)).toBe(text);
  });

  it('a peak in MB keeps one decimal', () => {
    expect(fmt(149.6, 'MB')).toBe('149.6 MB');
    expect(fmt(150.4, 'MB')).toBe('150.4 MB');
  });
});
