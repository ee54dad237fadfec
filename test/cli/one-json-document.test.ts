/**
 * Issue 21: with --json, stdout holds exactly one JSON document in every case — usage errors
 * that commander finds included — and two outputs that both want stdout (`--ldif - --json`) are a
 * usage error before anything is read or written (bug 6 and its siblings in every writing command).
 */
import { describe, expect, it } from 'vitest';
import { imctlInProcess as imctl } from '../support/in-process.js';

// Nothing listens on port 1: a test that got past the checks would fail to connect (exit 1), not 2.
const NOWHERE = ['--url', 'ldaps://127.0.0.1:1', '--bind-dn', 'a@b.c'];

describe('usage errors under --json print one JSON document', () => {
  it.each([
    { argv: ['servers', '--bogus', '--json'], reason: 'unknown-option', says: /unknown option '--bogus'/ },
    {
      argv: ['servers', '--capacity', 'abc', '--json'],
      reason: 'invalid-argument',
      says: /--capacity <n>' argument 'abc' is invalid/,
    },
    { argv: ['--json', 'show'], reason: 'missing-argument', says: /missing required argument 'user'/ },
    {
      argv: ['--json', 'move', 'jdoe'],
      reason: 'missing-mandatory-option-value',
      says: /imctl move needs --to SERVER/,
    },
    { argv: ['--json', 'frobnicate'], reason: 'unknown-command', says: /unknown command 'frobnicate'/ },
  ])('$argv', async ({ argv, reason, says }) => {
    const { code, stdout, stderr } = await imctl([...NOWHERE, ...argv]);
    expect(code).toBe(2);
    const doc = JSON.parse(stdout);
    expect(doc.error).toMatchObject({ reason, exitCode: 2 });
    expect(doc.error.message).toMatch(says);
    expect(stderr).toMatch(says);
  });

  it('a value typed after = in an unknown option never reaches stdout', async () => {
    const { code, stdout } = await imctl(['servers', '--pasword=Hunter2!', '--json']);
    expect(code).toBe(2);
    expect(stdout).not.toContain('Hunter2');
    expect(JSON.parse(stdout).error.message).toContain("'--pasword=…'");
  });

  it('without --json, stdout stays empty', async () => {
    const { code, stdout } = await imctl(['servers', '--bogus']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('--json after "--" is an argument, not the flag', async () => {
    const { code, stdout } = await imctl(['show', '--bogus', '--', '--json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});

describe('bug 6: two outputs for one stdout are refused, exit 2, before connecting', () => {
  it.each([
    ['enable', 'jdoe', '--ldif', '-', '--json'],
    ['disable', 'jdoe', '--ldif', '-', '--json'],
    ['move', 'jdoe', '--to', 'im-west', '--ldif', '-', '--json'],
    ['import', 'staff.csv', '--ldif', '-', '--json'],
    ['rebalance', '--ldif', '-', '--json'],
    ['audit', '--fix', '--ldif', '-', '--json'],
    ['--json', 'enable', 'jdoe', '--dry-run', '--ldif', '-'],
  ])('%s …', async (...argv) => {
    const { code, stdout, stderr } = await imctl([...NOWHERE, '--im-domain', 'im.example', ...argv]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error).toMatchObject({ reason: 'two-stdout-outputs', exitCode: 2 });
    expect(stderr).toMatch(/--ldif - and --json would both print on stdout/);
  });
});
