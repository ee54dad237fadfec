import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { utilisationBar } from '../../src/ui/table.js';

const plain = new Chalk({ level: 0 });
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('utilisationBar', () => {
  it.each([
    [0, 7500, '················│····'],
    [3750, 7500, '████████········│····'],
    [7500, 7500, '████████████████│····'],
    [8200, 7500, '████████████████│█▌··'],
    [20000, 7500, '████████████████│████'],
    [0, 0, '················│····'],
    [3, 0, '████████████████│████'],
  ])('%i of %i users', (load, capacity, bar) => {
    expect(utilisationBar(plain, load, capacity)).toBe(bar);
  });

  it('paints past the capacity line red, and near-full yellow, when colour is on', () => {
    const colour = new Chalk({ level: 1 });
    const over = utilisationBar(colour, 8200, 7500);
    expect(over).toContain(colour.red('█'));
    expect(strip(over)).toBe('████████████████│█▌··');
    expect(utilisationBar(colour, 7000, 7500)).toContain(colour.yellow('█'));
    expect(utilisationBar(colour, 1000, 7500)).toContain(colour.green('█'));
  });
});
