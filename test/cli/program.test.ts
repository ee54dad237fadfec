/**
 * The command-line wiring, table-driven: for each argv, the command module is called with exactly
 * these arguments and options, and the global flags arrive parsed. Command modules are replaced by
 * recorders here; what they do is tested in test/services and against the lab.
 */
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { GlobalFlags } from '../../src/config/settings.js';
import { imctlInProcess } from '../support/in-process.js';

const calls: { fn: string; args: unknown[] }[] = [];
const recorder = (fn: string) => vi.fn(async (_context: unknown, ...args: unknown[]) => void calls.push({ fn, args }));

vi.mock('../../src/commands/servers.js', () => ({ serversCommand: recorder('servers') }));
vi.mock('../../src/commands/users.js', () => ({ usersCommand: recorder('users') }));
vi.mock('../../src/commands/show.js', () => ({ showCommand: recorder('show') }));
vi.mock('../../src/commands/enable.js', () => ({ enableCommand: recorder('enable') }));
vi.mock('../../src/commands/disable.js', () => ({ disableCommand: recorder('disable') }));
vi.mock('../../src/commands/move.js', () => ({ moveCommand: recorder('move') }));
vi.mock('../../src/commands/import.js', () => ({ importCommand: recorder('import') }));
vi.mock('../../src/commands/rebalance.js', () => ({ rebalanceCommand: recorder('rebalance') }));
vi.mock('../../src/commands/undo.js', () => ({ undoCommand: recorder('undo') }));
vi.mock('../../src/commands/resolve.js', () => ({ resolveCommand: recorder('resolve') }));
vi.mock('../../src/commands/audit.js', () => ({ auditCommand: recorder('audit') }));
vi.mock('../../src/commands/wizard/index.js', () => ({ wizardCommand: recorder('wizard') }));

function parse(argv: string[]) {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
  let flags: GlobalFlags | undefined;
  const program = buildProgram({
    streams,
    async execute(globalFlags, action) {
      flags = globalFlags;
      await action({} as never);
    },
  });
  return program.parseAsync(['node', 'imctl', ...argv]).then(() => ({ flags: flags!, call: calls.at(-1)! }));
}

beforeEach(() => void (calls.length = 0));

describe('each argv reaches its command with exactly these options', () => {
  it.each<[string[], string, unknown[]]>([
    [['servers'], 'servers', []],
    [['users', '--server', 'im-east', '--limit', '20'], 'users', [{ server: 'im-east', limit: 20 }]],
    [['users', '--orphaned'], 'users', [{ orphaned: true }]],
    [['show', 'CN=Doe\\, John,OU=Staff,DC=x'], 'show', ['CN=Doe\\, John,OU=Staff,DC=x']],
    [['enable', 'jdoe', 'pobrien', '--server', 'im-west'], 'enable', [['jdoe', 'pobrien'], { server: 'im-west' }]],
    [['enable', 'jdoe', '-n', '--ldif', '-'], 'enable', [['jdoe'], { dryRun: true, ldif: '-' }]],
    [['disable', 'jdoe', '--yes', '--report', 'out.csv'], 'disable', [['jdoe'], { yes: true, report: 'out.csv' }]],
    [['move', 'jdoe', '--to', 'im-west', '--dry-run'], 'move', [['jdoe'], { to: 'im-west', dryRun: true }]],
    [['import', 'staff.csv', '--skip-invalid', '-y'], 'import', ['staff.csv', { skipInvalid: true, yes: true }]],
    [
      ['rebalance', '--drain', 'a,b', '--drain', 'c', '--exclude', 'd', '--max-moves', '500', '--even', '--apply'],
      'rebalance',
      [{ drain: ['a', 'b', 'c'], exclude: ['d'], maxMoves: 500, even: true, apply: true }],
    ],
    [['undo', 'j.jsonl', '--dry-run'], 'undo', ['j.jsonl', { dryRun: true }]],
    [['resolve', 'paul@im.example.com', '--check'], 'resolve', ['paul@im.example.com', { check: true }]],
    [['wizard'], 'wizard', []],
    [['audit'], 'audit', [{ dns: true }]],
    [
      ['audit', '--fix', '--normalize-case', '--disable-idle', '--no-dns', '--report', 'f.csv', '--dry-run'],
      'audit',
      [{ fix: true, normalizeCase: true, disableIdle: true, dns: false, report: 'f.csv', dryRun: true }],
    ],
  ])('%j', async (argv, fn, args) => {
    const { call } = await parse(argv);
    expect(call).toEqual({ fn, args });
  });
});

describe('global flags are parsed before any command runs', () => {
  it('values, numbers and switches', async () => {
    const { flags } = await parse([
      '--url',
      'ldaps://a,ldaps://b',
      '--bind-dn',
      'LAB\\admin',
      '--password-file',
      'pw',
      '--capacity',
      '7500',
      '--concurrency',
      '32',
      '--timeout',
      '5',
      '--starttls',
      '--json',
      '--no-color',
      '-v',
      'servers',
    ]);
    expect(flags).toMatchObject({
      url: 'ldaps://a,ldaps://b',
      bindDn: 'LAB\\admin',
      passwordFile: 'pw',
      capacity: 7500,
      concurrency: 32,
      timeout: 5,
      starttls: true,
      json: true,
      color: false,
      verbose: true,
    });
  });

  it('global flags may follow the command', async () => {
    const { flags } = await parse(['servers', '--capacity', '100', '--json']);
    expect(flags).toMatchObject({ capacity: 100, json: true });
  });

  it.each([
    [['--capacity', '20000000', 'servers'], /--capacity.*expected a number from 0 to 10000000/],
    [['--capacity', '-1', 'servers'], /--capacity.*expected a whole number/],
    [['--concurrency', '0', 'servers'], /--concurrency.*expected a number from 1 to 256/],
    [['--timeout', '99999', 'servers'], /--timeout.*from 1 to 3600/],
    [['users', '--limit', 'ten'], /--limit.*expected a whole number/],
  ])('%j is refused where it is parsed', async (argv, message) => {
    await expect(parse(argv)).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });
});

describe("commander's messages quote what was typed", () => {
  it.each([
    { argv: ['--x\x1b]0;pwned\x07'] },
    { argv: ['\x1b[2J\x9b2J\u202e'] },
    { argv: ['users', '--concurrency', '\x1b]52;c;eA==\x07'] },
  ])('$argv: shown inert on stderr', async ({ argv }) => {
    const r = await imctlInProcess(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\\x1b|\\x9b/);
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  });
});

describe('--help', () => {
  const help = async (argv: string[]) => {
    const streams = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
    let text = '';
    streams.stdout.on('data', (chunk) => (text += chunk));
    const program = buildProgram({ streams, execute: async () => undefined });
    await program.parseAsync(['node', 'imctl', ...argv]).catch(() => undefined);
    return text;
  };

  it('imctl --help', async () => {
    expect(await help(['--help'])).toMatchSnapshot();
  });

  it.each([
    'servers',
    'users',
    'show',
    'enable',
    'disable',
    'move',
    'import',
    'rebalance',
    'undo',
    'resolve',
    'wizard',
    'completion',
    'audit',
    'sync',
    'history',
  ])('imctl %s --help', async (command) => {
    const text = await help([command, '--help']);
    expect(text).toContain(`Usage: imctl ${command}`);
    expect(text).toContain('Examples:');
    expect(text).toMatchSnapshot();
  });
});
