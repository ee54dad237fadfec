/**
 * The zsh, fish and PowerShell scripts: zsh and fish check their syntax and load them (fish also
 * completes through its own machinery, `complete -C`); PowerShell is not on this machine, so its
 * script is checked for what it carries. No LDAP here: the file is a lab test because the lab's
 * set-up (lab/lab.sh ensure_packages) is what installs zsh and fish on a fresh machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { completionScript } from '../../src/completion/command.js';
import { completionModel } from '../../src/completion/model.js';
import { rememberServerNames, serverCachePath } from '../../src/completion/server-cache.js';
import { hostHome } from '../../src/platform/paths.js';
import type { Shell } from '../../src/completion/shells.js';

const work = mkdtempSync(join(tmpdir(), 'imctl-completion-'));
const env = { ...process.env, HOME: join(work, 'home'), XDG_CACHE_HOME: join(work, 'cache') };
const program = () => buildProgram({ streams: { stdout: process.stdout, stderr: process.stderr } as never, execute: async () => undefined });
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
    expect(run('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -d ${join(work, 'zcompdump')}; source ${file}; print -r -- $_comps[imctl]`]).trim()).toBe('_imctl');
  });

  it('carries every command and option, the shells, and the server cache', () => {
    const text = completionScript(program(), 'zsh', env);
    for (const command of completionModel(program()).commands) expect(text).toContain(`'${command.name}:`);
    expect(text).toContain("'--drain=[empty these servers (decommissioning); repeatable or comma-separated]:value:_imctl_servers'");
    expect(text).toContain("'(-n --dry-run)'{-n,--dry-run}");
    expect(text).toContain('(bash zsh fish powershell)');
    expect(text).toContain(serverCachePath(hostHome(env)));
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
});

describe('PowerShell completion', () => {
  it('registers a native completer that carries the program\'s model and the cache path', () => {
    const text = completionScript(program(), 'powershell', env);
    expect(text).toContain("Register-ArgumentCompleter -Native -CommandName 'imctl', 'imctl.exe'");
    const json = /ConvertFrom-Json '(.*)'\n/.exec(text)?.[1]?.replaceAll("''", "'");
    expect(JSON.parse(json!)).toEqual(completionModel(program()));
    expect(text).toContain(`$cache = '${serverCachePath(hostHome(env))}'`);
    expect(text).toContain("'--to'");
  });
});
