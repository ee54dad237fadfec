/**
 * The entry module end to end, without a directory: usage errors exit 2 in one sentence, and
 * `-v` says where every setting came from before anything is sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imctlInProcess } from '../support/in-process.js';

const imctl = imctlInProcess;

describe('a bad flag value is a usage error: one sentence, exit 2', () => {
  it.each([
    ['--capacity', '20000000'],
    ['--capacity', '1.5'],
    ['--concurrency', '100000'],
  ])('%s %s', async (flag, value) => {
    const { code, stdout, stderr } = await imctl(['servers', flag, value, '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ error: { reason: 'invalid-argument', exitCode: 2 } });
    expect(stderr).toMatch(
      new RegExp(`^error: option '${flag} <[a-z]+>' argument '${value.replace('.', '\\.')}' is invalid\\. expected a`),
    );
    expect(stderr).not.toMatch(/unexpected failure|\n\s+at /);
  });

  it('a capacity in the config file is held to the same bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imctl-conf-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ url: 'ldaps://127.0.0.1:1', capacity: 20_000_000 }));
    const { code, stderr } = await imctl(['--config', join(dir, 'c.json'), 'servers']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/The config file .*c\.json: "capacity" must be a whole number from 0 to 10000000\./);
  });
});

describe('-v says where each setting came from', () => {
  it('flags, environment and defaults, and the password source — never the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imctl-pw-'));
    writeFileSync(join(dir, 'pw'), 'Fl4g-File-Pw', { mode: 0o600 });
    // Nothing listens on port 1: the run fails to connect after printing its settings.
    const { code, stderr } = await imctl(
      ['-v', '--url', 'ldaps://127.0.0.1:1', '--password-file', join(dir, 'pw'), 'servers'],
      {
        IMCTL_BIND_DN: 'admin@corp.example.com',
        IMCTL_PASSWORD: 'Env-Pw-Loses',
        IMCTL_TIMEOUT: 'ignored',
      },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('imctl: url: ldaps://127.0.0.1:1 (flag)');
    expect(stderr).toContain('imctl: bind as: admin@corp.example.com (environment)');
    expect(stderr).toContain(`imctl: password from: file ${join(dir, 'pw')} (flag)`);
    expect(stderr).toContain('imctl: capacity: 7500 (default)');
    expect(stderr).not.toMatch(/Fl4g-File-Pw|Env-Pw-Loses/);
  });
});

describe('--json --version (issue 30, bug 9)', () => {
  it.each([[['--json', '--version']], [['-V', '--json']]])(
    '%j prints one JSON document with the version',
    async (argv) => {
      const { code, stdout } = await imctl(argv);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    },
  );
});
