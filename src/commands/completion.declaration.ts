import { SHELLS, type Shell } from '../completion/shells.js';
import type { CommandDeclaration } from './declaration.js';

// The script is generated from the program's own declarations, so it completes exactly these.
export const completionDeclaration: CommandDeclaration<[shell: Shell]> = {
  name: 'completion',
  description:
    'print a shell completion script: commands, options, known values, and home server names cached by "imctl servers" (a Tab never connects)',
  arguments: [{ name: '<shell>', description: 'the shell to complete in', choices: SHELLS }],
  examples: [
    ['eval "$(imctl completion bash)"', 'in ~/.bashrc'],
    ['source <(imctl completion zsh)', 'in ~/.zshrc, after compinit'],
    ['imctl completion fish > ~/.config/fish/completions/imctl.fish'],
    ['imctl completion powershell | Out-String | Invoke-Expression', 'in $PROFILE'],
  ],
  run: async (context, { args: [shell], program }) => {
    const { completionScript } = await import('../completion/command.js');
    context.out.streams.stdout.write(completionScript(program, shell, context.env));
  },
};
