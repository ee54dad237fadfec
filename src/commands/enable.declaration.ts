import { USERS_ARGUMENT, WRITE_OPTIONS, type CommandDeclaration } from './declaration.js';
import type { EnableOptions } from './enable.js';

export const enableDeclaration: CommandDeclaration<[users: string[]], EnableOptions> = {
  name: 'enable',
  description: 'enable IM: write the four IM attributes from the alias, IM domain and home server',
  arguments: [USERS_ARGUMENT],
  options: [
    {
      flags: '--server <name>',
      description: 'home server (default: the one with the most room, counting this batch)',
    },
    ...WRITE_OPTIONS,
  ],
  examples: [
    ['imctl enable sstar htag --server im-west --im-domain im.corp.example.com'],
    ['imctl enable jdoe --dry-run --ldif -'],
  ],
  run: async (context, { args: [users], options }) =>
    (await import('./enable.js')).enableCommand(context, users, options),
};
