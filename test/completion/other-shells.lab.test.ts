/**
 * The zsh, fish and PowerShell scripts: zsh and fish check their syntax and load them (fish also
 * completes through its own machinery, `complete -C`); PowerShell is not on this machine, so its
 * script is checked for what it carries. No LDAP here: the file is a lab test because the lab's
 * set-up (lab/lab.sh ensure_packages) is what installs zsh and fish on a fresh machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { completionScript } from '../../src/completion/command.js';
import { completionModel } from '../../src/completion/model.js';
import { rememberServerNames } from '../../src/completion/server-cache.js';
import { hostHome } from '../../src/platform/paths.js';
import type { Shell } from '../../src/completion/shells.js';

const work = mkdtempSync(join(tmpdir(), 'imctl-completion-'));
const env = { ...process.env, HOME: join(work, 'home'), XDG_CACHE_HOME: join(work, 'cache') };
const program = () =>
  buildProgram({
    streams: { stdout: process.stdout, stderr: process.stderr } as never,
    execute: async () => undefined,
  });
rememberServerNames(['im-east', 'im-west'], hostHome(env));

function scriptFile(shell: Shell): string {
  const file = join(work, `imctl.${shell}`);
  writeFileSync(file, completionScript(program(), shell, env));
  return file;
}

const run = (command: string, args: string[]) => execFileSync(command, args, { env, cwd: work, encoding: 'utf8' });

describe('zsh completion', () => {
  it('is valid zsh, and registers _imctl with compinit', () => {
    const file = scriptFile('zsh');
    run('zsh', ['-n', file]);
    expect(
      run('zsh', [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -d ${join(work, 'zcompdump')}; source ${file}; print -r -- $_comps[imctl]`,
      ]).trim(),
    ).toBe('_imctl');
  });

  it('carries every command and option, the shells, and the server cache', () => {
    const text = completionScript(program(), 'zsh', env);
    for (const command of completionModel(program()).commands) expect(text).toContain(`'${command.name}:`);
    expect(text).toContain(
      "'--drain=[empty these servers (decommissioning); repeatable or comma-separated]:value:_imctl_servers'",
    );
    expect(text).toContain("'(-n --dry-run)'{-n,--dry-run}");
    expect(text).toContain('(bash zsh fish powershell)');
    expect(text).toContain('_imctl_cache_file');
    expect(text).toContain('${XDG_CACHE_HOME-}');
  });

  it('offers only plain names from a planted cache, and runs nothing they hold', () => {
    const marker = join(work, 'PWNED-zsh');
    const hostileEnv = { ...env, XDG_CACHE_HOME: join(work, 'hostile-zsh') };
    mkdirSync(join(work, 'hostile-zsh', 'imctl'), { recursive: true });
    const names = [`evil$(touch ${marker})`, `tick\`touch ${marker}\``, 'with:colon', 'im-east'];
    writeFileSync(
      join(work, 'hostile-zsh', 'imctl', 'servers.json'),
      `${JSON.stringify({ servers: names }, null, 2)}\n`,
    );
    const file = scriptFile('zsh');
    // _describe stubbed to print what it was handed (its 4th argument names the array).
    const out = execFileSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -d ${join(work, 'zcompdump')}; source ${file}; _describe() { print -rl -- "\${(@P)4}" }; _imctl_servers`,
      ],
      { env: hostileEnv, cwd: work, encoding: 'utf8' },
    );
    expect(out.split('\n').filter(Boolean)).toEqual(['im-east']);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('fish completion, run by fish', () => {
  const file = scriptFile('fish');
  const complete = (line: string) =>
    run('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!)
      .sort();

  it('is valid fish', () => {
    run('fish', ['--no-execute', file]);
  });

  it('completes commands, options, the shells and the cached server names', () => {
    expect(complete('imctl re')).toEqual(['rebalance', 'resolve']);
    expect(complete('imctl rebalance --dr')).toEqual(['--drain', '--dry-run']);
    expect(complete('imctl completion ')).toEqual(['bash', 'fish', 'powershell', 'zsh']);
    expect(complete('imctl move jdoe --to ')).toEqual(['im-east', 'im-west']);
  });

  it('completes every option with fixed values', () => {
    expect(complete('imctl --auth ')).toEqual(['kerberos', 'simple']);
    expect(complete('imctl --sasl-layer ')).toEqual(['seal', 'sign']);
    expect(complete('imctl rebalance --load ')).toEqual(['active', 'homed']);
  });

  it('offers only plain names from a planted cache, and runs nothing they hold', () => {
    const marker = join(work, 'PWNED-fish');
    const cacheHome = join(work, 'hostile-fish');
    mkdirSync(join(cacheHome, 'imctl'), { recursive: true });
    const names = [`evil(touch ${marker})`, `evil$(touch ${marker})`, 'tab\there', 'im-north'];
    writeFileSync(join(cacheHome, 'imctl', 'servers.json'), `${JSON.stringify({ servers: names }, null, 2)}\n`);
    const out = execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C 'imctl move jdoe --to '`], {
      env: { ...env, XDG_CACHE_HOME: cacheHome },
      cwd: work,
      encoding: 'utf8',
    });
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['im-north']);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('PowerShell completion', () => {
  it("registers a native completer that carries the program's model and the cache path", () => {
    const text = completionScript(program(), 'powershell', env);
    expect(text).toContain("Register-ArgumentCompleter -Native -CommandName 'imctl', 'imctl.exe'");
    const json = /ConvertFrom-Json '(.*)'\n/.exec(text)?.[1]?.replaceAll("''", "'");
    expect(JSON.parse(json!)).toEqual(completionModel(program()));
    expect(text).toContain('$cache = $(if ($env:XDG_CACHE_HOME');
    // Each cached name is matched against the plain-name pattern before it is offered; the prefix is compared as text.
    expect(text).toContain("-cmatch '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'");
    expect(text).toContain('.StartsWith($wordToComplete');
    expect(text).toContain("'--to'");
  });
});
