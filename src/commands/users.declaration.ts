import { wholeNumber } from '../cli/option-parsers.js';
import type { CommandDeclaration } from './declaration.js';
import type { UsersOptions } from './users.js';

export const usersDeclaration: CommandDeclaration<[], UsersOptions> = {
  name: 'users',
  description: 'IM-enabled users: sAMAccountName, display name, IM address, home server',
  options: [
    { flags: '--server <name>', description: 'only users homed on this server' },
    { flags: '--orphaned', description: 'only users whose home server is missing or a router' },
    { flags: '--active', description: 'only active users: enabled, unexpired, logged on within --active-days' },
    { flags: '--inactive', description: 'only users that are not active' },
    { flags: '--limit <n>', description: 'at most N users', parse: wholeNumber(1) },
  ],
  examples: [
    ['imctl users --server im-east --limit 20'],
    ['imctl users --orphaned --json'],
    ['imctl users --server im-east --inactive --active-days 90'],
  ],
  run: async (context, { options }) => (await import('./users.js')).usersCommand(context, options),
};
