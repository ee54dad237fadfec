/**
 * Errors that say what to do (issue 30, "Errors"): the option, server, config key or command that
 * was probably meant; the file or output a suggestion names is the one in play; numbers out of
 * range in plain words. In-process, against the in-memory directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPasswordFile } from '../../src/io/password-file.js';
import { imctlOnMemory } from '../support/run-imctl.js';

describe('errors that say what was meant', () => {
  it('--too is an unknown option (did you mean --to), not a missing --to', async () => {
    const run = await imctlOnMemory(['move', 'ann', '--too', 'im-west']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--too'");
    expect(run.stderr).toContain('Did you mean --to?');
    expect(run.stderr).not.toContain('not specified');
  });

  it('move without --to says what it needs (exit 2, nothing read)', async () => {
    const run = await imctlOnMemory(['move', 'ann']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: imctl move needs --to SERVER, the home server to move the users to');
  });

  it('a server name one letter off: did you mean', async () => {
    const run = await imctlOnMemory(['enable', 'dee', '--server', 'im-wset']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No IM server is named "im-wset". Did you mean im-west?');
  });

  it('a config key in the wrong case: did you mean', async () => {
    const home = join(await import('node:os').then((os) => os.tmpdir()), `imctl-key-${process.pid}`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, 'config', 'imctl'), { recursive: true });
    writeFileSync(join(home, 'config', 'imctl', 'config.json'), JSON.stringify({ bindDN: 'admin@memory.test' }));
    const run = await imctlOnMemory(['servers'], { home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has an unknown key "bindDN"\. Did you mean bindDn\? Known: /);
  });

  it.each([
    [
      'nosuch',
      /error: There is no command "nosuch"\. The commands are servers, users, .*; "imctl --help" describes them\./,
    ],
    ['rebalnce', /error: There is no command "rebalnce"\. Did you mean rebalance\?/],
  ])('help %s: says there is no such command (exit 2), not the whole help', async (topic, says) => {
    const run = await imctlOnMemory(['help', topic]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(run.stdout).toBe('');
  });

  it('help of a real command still prints its help', async () => {
    const run = await imctlOnMemory(['help', 'move']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--to <server>');
  });

  it.each([
    ['0', 'expected a whole number 1 or more, got 0'],
    ['-5', 'expected a whole number 1 or more, got -5'],
    ['ten', 'expected a whole number 1 or more, got "ten"'],
  ])('users --limit %s: %s', async (value, says) => {
    const run = await imctlOnMemory(['users', '--limit', value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
  });

  it('--report - with --json suggests a report file, not an LDIF one', async () => {
    const run = await imctlOnMemory(['rebalance', '--apply', '--report', '-', '--json']);
    expect(run.code).toBe(2);
    expect(run.json().error.message).toContain('(e.g. --report report.csv)');
  });

  it('import - names standard input, not "-"', async () => {
    const run = await imctlOnMemory(['import', '-'], {
      onStart: (stdin) => stdin.end('user,action\nann,frobnicate\n'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('standard input: 1 invalid row; nothing was written');
    expect(run.stderr).not.toMatch(/(^|\s)-: /m);
  });
});

describe('a path that is wrong is one sentence naming it, never a bare ENOENT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imctl-paths-'));
  it('the password file', () => {
    const path = join(dir, 'no-such-folder', 'password');
    expect(() => readPasswordFile(path)).toThrow(`Cannot read the password file ${path}: it does not exist.`);
  });
});
