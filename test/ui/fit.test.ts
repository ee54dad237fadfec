/** Text that fits a terminal: fitLine (wizard choices) and renderTable's width (every table). */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { fitLine } from '../../src/ui/prompts.js';
import { renderTable, textWidth } from '../../src/ui/table.js';

const plain = new Chalk({ level: 0 });

describe('fitLine', () => {
  it('leaves a line that fits, and any line when there is no terminal width', () => {
    expect(fitLine('im-west  exch2  1 free', 40)).toBe('im-west  exch2  1 free');
    expect(fitLine('x'.repeat(300), undefined)).toBe('x'.repeat(300));
  });

  it('cuts at the last space with "…", never mid-word, within the width', () => {
    const line =
      'im-west  exch2.lab.imctl.test  1 / 2 users (0 active)  50%  1 free ⚠ 2 more would put it over capacity';
    const cut = fitLine(line, 60);
    expect(textWidth(cut)).toBeLessThanOrEqual(60);
    expect(cut).toBe('im-west  exch2.lab.imctl.test  1 / 2 users (0 active)  50%…');
  });

  it('keeps colour codes out of the count and resets colour after the cut', () => {
    const colour = new Chalk({ level: 1 });
    const cut = fitLine(`abc def ${colour.yellow('ghi jkl mno pqr')}`, 12);
    expect(cut.replace(/\x1b\[[0-9;]*m/g, '')).toBe('abc def ghi…');
    expect(cut.endsWith('\x1b[0m')).toBe(true);
  });

  it('a single long word is cut where it must be', () => {
    expect(fitLine('CN=IM-Virtual-Server,CN=im-west,CN=Servers', 10)).toBe('CN=IM-Vir…');
  });
});

describe('renderTable with a width', () => {
  const rows = [['im-east', 'exchange-east-01.im.example.com', '8,200', '████████████████│█▌··']];
  it('drops the given columns first, then cuts the shrinkable ones; never wider than the width', () => {
    const table = renderTable(plain, ['Server', 'Host', 'Users', 'Load'], rows, [], {
      width: 40,
      drop: [3],
      shrink: [{ column: 1, min: 8, mode: 'truncate' }],
    });
    expect(Math.max(...table.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(40);
    expect(table).not.toContain('Load');
    expect(table).toContain('…');
  });

  it('with no width (piped) the table is whole', () => {
    const table = renderTable(plain, ['Server', 'Host', 'Users', 'Load'], rows, [], {
      width: undefined,
      drop: [3],
      shrink: [{ column: 1, min: 8, mode: 'truncate' }],
    });
    expect(table).toContain('exchange-east-01.im.example.com');
    expect(table).toContain('Load');
  });
});
