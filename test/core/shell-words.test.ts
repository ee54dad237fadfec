/**
 * Command lines imctl prints for pasting: each argument must reach imctl as one literal argument
 * in the shell it is pasted into. PowerShell's rules are simulated here by a small reader of
 * single-quoted strings and bare words (nothing here runs PowerShell): whatever a hostile name
 * holds, the printed word reads back as exactly that name, and nothing outside quotes is special.
 */
import { describe, expect, it } from 'vitest';
import { pasteShellFor, powershellQuote, shellWord } from '../../src/core/shell-words.js';

/** PowerShell's single quotes: ' and ‘ ’ ‚ ‛ open and close a single-quoted string there. */
const QUOTE = /['\u2018\u2019\u201a\u201b]/;

/**
 * One PowerShell argument-mode word read back, as PowerShell's tokenizer reads it: a quoted string
 * (a doubled quote of any kind is one quote), or a bare word of characters with no meaning there.
 * Throws where PowerShell would see something other than one literal string.
 */
function readPowershellWord(word: string): string {
  if (!QUOTE.test(word[0] ?? '')) {
    if (/[\s'"`$&|;,(){}@<>#\u2018-\u201e]/.test(word) || word === '--' || word.startsWith('-'))
      if (!/^--[a-z]+(-[a-z]+)*$/.test(word)) throw new Error(`not literal in PowerShell: ${word}`);
    return word;
  }
  let value = '';
  for (let i = 1; i < word.length; i++) {
    if (QUOTE.test(word[i]!)) {
      if (i + 1 < word.length && QUOTE.test(word[i + 1]!)) {
        value += word[i];
        i++;
        continue;
      }
      if (i !== word.length - 1) throw new Error(`the quoting ends early in ${word}`);
      return value;
    }
    value += word[i];
  }
  throw new Error(`unterminated: ${word}`);
}

const HOSTILE = [
  'a&b',
  'a|b',
  'a;b',
  '$env:USERNAME',
  '$(Remove-Item C:\\)',
  'a`b',
  "O'Brien",
  "''",
  'a"b',
  'a\u2019b', // ’ ends a PowerShell single-quoted string too
  '\u2018x\u2019; calc',
  '@splat',
  '--',
  '-y',
  'a b',
  '#comment',
  '',
  'a,b',
  '(x)',
  '{x}',
  'a>b',
  'C:\\Users\\ann\\AppData\\Local\\imctl\\journal\\2026.jsonl',
  'Ünïcødé',
];

describe('shellWord', () => {
  it.each(HOSTILE)('PowerShell reads %j back as itself', (name) => {
    expect(readPowershellWord(shellWord(name, 'powershell'))).toBe(name);
  });

  it.each([
    ['jdoe', 'jdoe'],
    ['im-east', 'im-east'],
    ['--yes', '--yes'],
    ['--', "'--'"],
    ['-y', "'-y'"],
    ['--server=im east', "'--server=im east'"],
    ["O'Brien", "'O''Brien'"],
    ['a\u2019b', "'a\u2019\u2019b'"],
    ['a&b', "'a&b'"],
    ['$x', "'$x'"],
    ['a`b', "'a`b'"],
    ['jdoe@lab.imctl.test', "'jdoe@lab.imctl.test'"],
  ])('PowerShell: %j → %s', (arg, word) => {
    expect(shellWord(arg, 'powershell')).toBe(word);
  });

  it('keeps POSIX quoting for a POSIX shell', () => {
    expect(shellWord("O'Brien", 'posix')).toBe("'O'\\''Brien'");
    expect(shellWord('--', 'posix')).toBe('--');
    expect(shellWord('a\u2019b', 'posix')).toBe("'a\u2019b'");
  });

  it('powershellQuote doubles every kind of single quote', () => {
    expect(powershellQuote("'\u2018\u2019\u201a\u201b")).toBe("'''\u2018\u2018\u2019\u2019\u201a\u201a\u201b\u201b'");
  });
});

describe('pasteShellFor', () => {
  it.each([
    ['win32', 'powershell'],
    ['linux', 'posix'],
    ['darwin', 'posix'],
  ] as const)('%s → %s', (os, shell) => {
    expect(pasteShellFor(os)).toBe(shell);
  });
});
