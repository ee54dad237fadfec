/**
 * The bash script, exercised by bash itself: source it, look up the function that `complete -p`
 * registered, set COMP_WORDS/COMP_CWORD as readline would, call it, read COMPREPLY. No LDAP: the
 * server names come from a cache file written here with the real writer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { completionScript } from '../../src/completion/command.js';
import { completionModel } from '../../src/completion/model.js';
import { OPTIONS } from '../../src/config/option-registry.js';
import { rememberServerNames, serverCachePath } from '../../src/completion/server-cache.js';
import { hostHome } from '../../src/platform/paths.js';

const work = mkdtempSync(join(tmpdir(), 'imctl-completion-'));
const env = { ...process.env, HOME: join(work, 'home'), XDG_CACHE_HOME: join(work, 'cache') };
const program = () =>
  buildProgram({
    streams: { stdout: process.stdout, stderr: process.stderr } as never,
    execute: async () => undefined,
  });
const script = join(work, 'imctl.bash');
writeFileSync(script, completionScript(program(), 'bash', env));

/** What bash offers for the command line `line` (a trailing space: completing a new word). */
function complete(line: string, cacheEnv: NodeJS.ProcessEnv = env, scriptFile = script): string[] {
  const words = line.split(' ');
  const driver = [
    `source ${JSON.stringify(scriptFile)}`,
    'spec=$(complete -p imctl) || exit 90',
    'fn=${spec#*-F }; fn=${fn%% *}',
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}`,
    `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}`,
    '"$fn" imctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', driver], {
    env: cacheEnv,
    cwd: work,
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean).sort();
}

describe('bash completion, run by bash', () => {
  it("completes commands, from the program's own list", () => {
    const names = completionModel(program()).commands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['servers', 'enable', 'rebalance', 'undo', 'completion']));
    expect(complete('imctl ')).toEqual([...names].sort());
    expect(complete('imctl re')).toEqual(['rebalance', 'resolve']);
    expect(complete('imctl --config x.json en')).toEqual(['enable']);
  });

  it("completes each command's options and the global ones, exactly as declared", () => {
    const model = completionModel(program());
    const globals = model.globalOptions.flatMap((o) => o.names);
    for (const command of model.commands) {
      const wanted = [...new Set([...command.options.flatMap((o) => o.names), ...globals])]
        .filter((n) => n.startsWith('--'))
        .sort();
      expect(complete(`imctl ${command.name} --`), command.name).toEqual(wanted);
    }
    expect(complete('imctl rebalance --dr')).toEqual(['--drain', '--dry-run']);
    expect(complete('imctl --ins')).toEqual(['--insecure-tls']);
  });

  it('completes a known set of values: the shells of `completion`', () => {
    expect(complete('imctl completion ')).toEqual(['bash', 'fish', 'powershell', 'zsh']);
    expect(complete('imctl completion z')).toEqual(['zsh']);
    expect(complete('imctl completion bash ')).toEqual([]);
  });

  it('completes every option with fixed values (the registry\'s choices), with or without "="', () => {
    const fixed = OPTIONS.filter((e): e is Extract<(typeof OPTIONS)[number], { choices: object }> => 'choices' in e);
    expect(fixed.map((e) => e.flag.long)).toEqual(['--auth', '--sasl-layer', '--load']);
    for (const entry of fixed) {
      expect(complete(`imctl ${entry.flag.long} `), entry.flag.long).toEqual([...entry.choices].sort());
      expect(complete(`imctl servers ${entry.flag.long} = `), entry.flag.long).toEqual([...entry.choices].sort());
    }
    expect(complete('imctl --auth k')).toEqual(['kerberos']);
    expect(complete('imctl rebalance --load a')).toEqual(['active']);
    expect(complete('imctl --sasl-layer si')).toEqual(['sign']);
  });

  it('completes home server names from the cache for --server, --to, --drain and --exclude', () => {
    rememberServerNames(['im-west', 'im-east', 'im-north'], hostHome(env));
    expect(complete('imctl move jdoe --to ')).toEqual(['im-east', 'im-north', 'im-west']);
    expect(complete('imctl enable jdoe --server im-e')).toEqual(['im-east']);
    expect(complete('imctl users --server=im-n'.replace('=', ' = '))).toEqual(['im-north']);
    expect(complete('imctl --json rebalance --drain im-w')).toEqual(['im-west']);
    expect(complete('imctl rebalance --exclude ')).toEqual(['im-east', 'im-north', 'im-west']);
  });

  it('offers no server names, and no error, when there is no cache yet', () => {
    const empty = { ...env, XDG_CACHE_HOME: join(work, 'no-cache-here') };
    writeFileSync(join(work, 'empty.bash'), completionScript(program(), 'bash', empty));
    expect(complete('imctl move jdoe --to ', empty, join(work, 'empty.bash'))).toEqual([]);
  });

  it('skips option values when counting arguments, and completes paths where a file is wanted', () => {
    mkdirSync(join(work, 'in'), { recursive: true });
    writeFileSync(join(work, 'in', 'staff.csv'), 'user\n');
    expect(complete('imctl import in/st')).toEqual(['in/staff.csv']);
    expect(complete('imctl --config in/st')).toEqual(['in/staff.csv']);
    expect(complete('imctl --url ldaps://dc1 import --report r.csv in/st')).toEqual(['in/staff.csv']);
    // A free value (a URL, a number): nothing is guessed.
    expect(complete('imctl --timeout ')).toEqual([]);
  });

  it('never runs what a hostile server name holds: a planted cache offers only plain names, and nothing is expanded', () => {
    const marker = join(work, 'PWNED');
    const hostile = { ...env, XDG_CACHE_HOME: join(work, 'hostile-cache') };
    mkdirSync(join(work, 'hostile-cache', 'imctl'), { recursive: true });
    // Written by hand, as an older imctl or another program could have left it: the script must not trust it.
    const names = [
      `evil$(touch \${IFS}${marker})`,
      `tick\`touch ${marker}\``,
      'glob*',
      'im-east',
      '-rf',
      'a b',
      'im-west',
    ];
    writeFileSync(
      join(work, 'hostile-cache', 'imctl', 'servers.json'),
      `${JSON.stringify({ servers: names }, null, 2)}\n`,
    );
    writeFileSync(join(work, 'hostile.bash'), completionScript(program(), 'bash', hostile));
    expect(complete('imctl move jdoe --to ', hostile, join(work, 'hostile.bash'))).toEqual(['im-east', 'im-west']);
    expect(complete('imctl move jdoe --to e', hostile, join(work, 'hostile.bash'))).toEqual([]);
    expect(complete('imctl rebalance --drain ', hostile, join(work, 'hostile.bash'))).toEqual(['im-east', 'im-west']);
    expect(existsSync(marker)).toBe(false);
  });

  it('compares what is typed as text, not as a pattern', () => {
    rememberServerNames(['im-east', 'im-west'], hostHome(env));
    expect(complete('imctl move jdoe --to im-*')).toEqual([]);
    expect(complete('imctl move jdoe --to im-[e]')).toEqual([]);
  });

  it('keeps unsafe names out of the cache, says which, and writes it owner-only by rename (a planted symlink is replaced, its target untouched)', () => {
    const home = { ...env, XDG_CACHE_HOME: join(work, 'cache-write') };
    const path = serverCachePath(hostHome(home));
    mkdirSync(join(path, '..'), { recursive: true });
    const target = join(work, 'victim.txt');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, path);
    const refused = rememberServerNames(
      ['im-east', 'evil$(id)', 'x;y', 'im-west', `${'a'.repeat(65)}`],
      hostHome(home),
    );
    expect(refused.sort()).toEqual(['a'.repeat(65), 'evil$(id)', 'x;y'].sort());
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((JSON.parse(readFileSync(path, 'utf8')) as { servers: string[] }).servers).toEqual(['im-east', 'im-west']);
  });

  it("finds each user's own cache when the Tab is pressed, not the generating user's", () => {
    rememberServerNames(['im-only-theirs'], hostHome({ ...env, XDG_CACHE_HOME: join(work, 'other-user-cache') }));
    const other = { ...env, XDG_CACHE_HOME: join(work, 'other-user-cache') };
    // The script generated with `env` (a different cache folder) still reads the cache of the shell that runs it.
    expect(complete('imctl move jdoe --to ', other)).toEqual(['im-only-theirs']);
    expect(completionScript(program(), 'bash', env)).not.toContain(join(work, 'cache'));
  });
});
