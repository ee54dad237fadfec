/**
 * Every option with fixed values (the option registry's choices) completes them in every shell's
 * script. bash runs in bash-completion.test.ts, fish in other-shells.lab.test.ts; here the scripts
 * are read for what each shell is handed, with no shell needed.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { completionScript } from '../../src/completion/command.js';
import { completionModel } from '../../src/completion/model.js';
import { OPTIONS, type OptionEntry } from '../../src/config/option-registry.js';

const program = () =>
  buildProgram({
    streams: { stdout: process.stdout, stderr: process.stderr } as never,
    execute: async () => undefined,
  });
const env = { HOME: '/home/someone', XDG_CACHE_HOME: '/home/someone/.cache' };
const fixed = (OPTIONS as readonly OptionEntry[]).filter((e) => e.choices);

describe('options with fixed values', () => {
  it('are choices in the completion model', () => {
    const model = completionModel(program());
    expect(fixed.length).toBeGreaterThanOrEqual(3);
    for (const entry of fixed) {
      const option = model.globalOptions.find((o) => o.names.includes(entry.flag!.long));
      expect(option?.values, entry.key).toEqual({ kind: 'choices', choices: [...entry.choices!] });
    }
  });

  it.each(fixed.map((e) => [e.flag!.long, e] as const))(
    '%s: zsh, fish and PowerShell offer its values',
    (long, entry) => {
      const name = long.slice(2);
      expect(completionScript(program(), 'zsh', env)).toContain(`${long}=[`);
      expect(completionScript(program(), 'zsh', env)).toMatch(
        new RegExp(`'${long}=\\[[^\\n]*\\]:value:\\(${entry.choices!.join(' ')}\\)'`),
      );
      expect(completionScript(program(), 'fish', env)).toMatch(
        new RegExp(`^complete -c imctl -l ${name} -x -a '${entry.choices!.join(' ')}'`, 'm'),
      );
      const carried = /ConvertFrom-Json '(.*)'\n/
        .exec(completionScript(program(), 'powershell', env))![1]!
        .replaceAll("''", "'");
      const model = JSON.parse(carried) as { globalOptions: { names: string[]; values: unknown }[] };
      expect(model.globalOptions.find((o) => o.names.includes(long))?.values).toEqual({
        kind: 'choices',
        choices: [...entry.choices!],
      });
    },
  );
});
