/** `imctl completion SHELL`: print the completion script for SHELL, generated from the program's own declarations. */
import type { Command } from 'commander';
import { hostHome } from '../platform/paths.js';
import { bashScript } from './bash.js';
import { cacheLocation } from './cache-location.js';
import { fishScript } from './fish.js';
import { completionModel } from './model.js';
import { powershellScript } from './powershell.js';
import type { Shell } from './shells.js';
import { zshScript } from './zsh.js';

const generators = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
  powershell: powershellScript,
} satisfies Record<Shell, unknown>;

export function completionScript(program: Command, shell: Shell, env: NodeJS.ProcessEnv): string {
  return generators[shell](completionModel(program), cacheLocation(hostHome(env)));
}
