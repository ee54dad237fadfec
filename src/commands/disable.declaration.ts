import { USERS_ARGUMENT, WRITE_OPTIONS, type CommandDeclaration } from './declaration.js';
import type { WriteFlags } from './write-command.js';

export const disableDeclaration: CommandDeclaration<[users: string[]], WriteFlags> = {
  name: 'disable',
  description: 'disable IM: clear the four IM attributes (msExchIMACL stays)',
  arguments: [USERS_ARGUMENT],
  options: WRITE_OPTIONS,
  examples: [['imctl disable jdoe'], ['imctl disable jdoe pobrien --yes --json']],
  run: async (context, { args: [users], options }) =>
    (await import('./disable.js')).disableCommand(context, users, options),
};
