import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../src/ui/table.js';
import { wrapToWidth } from '../../src/ui/wrap.js';

const URL_EAST = 'http://exch1.lab.imctl.test/instmsg/local/im.lab.imctl.test/instmsg/aliases/wz-cokafor';
const URL_WEST = URL_EAST.replace('exch1', 'exch2');

describe('wrapToWidth', () => {
  it('breaks at the last space that fits, continuation under the text after the marker', () => {
    expect(
      wrapToWidth(
        '⚠ The account "dee" is disabled: IM gives it a seat nobody can use; enable it in AD first, or leave it out.',
        80,
      ).split('\n'),
    ).toEqual([
      // 80 columns exactly: a line may reach the last column.
      '⚠ The account "dee" is disabled: IM gives it a seat nobody can use; enable it in',
      '  AD first, or leave it out.',
    ]);
  });

  it('a value longer than the room hangs under the value and breaks after a "/"', () => {
    expect(wrapToWidth(`      msExchIMPhysicalURL      ${URL_WEST}`, 80).split('\n')).toEqual([
      '      msExchIMPhysicalURL      http://exch2.lab.imctl.test/instmsg/local/',
      '                               im.lab.imctl.test/instmsg/aliases/wz-cokafor',
    ]);
    expect(wrapToWidth(`                           was ${URL_EAST}`, 80).split('\n')).toEqual([
      '                           was http://exch1.lab.imctl.test/instmsg/local/',
      '                               im.lab.imctl.test/instmsg/aliases/wz-cokafor',
    ]);
  });

  it('colour is carried across a break and reset at each line end; the visible text is the same', () => {
    const c = new Chalk({ level: 1 });
    const line = `  ${c.green('●')} ${c.bold('Chidi Okafor (wz-cokafor)')}${c.dim(' — move im-east (exch1.lab.imctl.test) → im-west (over capacity, inactive)')}`;
    const wrapped = wrapToWidth(line, 80).split('\n');
    expect(wrapped).toHaveLength(2);
    for (const part of wrapped) expect(textWidth(part)).toBeLessThanOrEqual(80);
    expect(wrapped[0]!.endsWith('\x1b[0m')).toBe(true);
    // The second line starts dim again (the codes seen so far, in order).
    expect(wrapped[1]).toMatch(/^ {4}(\x1b\[[0-9;]*m)*\x1b\[2m(\x1b\[[0-9;]*m)*\S/);
    const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain(wrapped.join(' ')).replace(/ +/g, ' ')).toBe(plain(line).replace(/ +/g, ' '));
  });

  it('lines that fit, and any text off a terminal (no width), are left as they are', () => {
    expect(wrapToWidth('short\nlines', 80)).toBe('short\nlines');
    const long = 'x '.repeat(100);
    expect(wrapToWidth(long, undefined)).toBe(long);
  });

  it('at 80 and 200 columns every line fits and no word is cut', () => {
    const text = `Found 12 users: ${Array.from({ length: 12 }, (_, i) => `Person Number${i} (wz-p${i})`).join(', ')}.`;
    for (const width of [80, 200]) {
      const lines = wrapToWidth(text, width).split('\n');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      expect(lines.join(' ')).toBe(text);
    }
  });
});
