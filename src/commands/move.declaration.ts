import { USERS_ARGUMENT, WRITE_OPTIONS, type CommandDeclaration } from './declaration.js';
import type { MoveOptions } from './move.js';

export const moveDeclaration: CommandDeclaration<[users: string[]], MoveOptions> = {
  name: 'move',
  description:
    're-home users on another home server (compare-and-set: a concurrent change is reported, not overwritten)',
  arguments: [USERS_ARGUMENT],
  // Not a mandatory option: commander checks those before unknown options, so "--too" was reported
  // as a missing --to; moveCommand asks for --to itself.
  options: [{ flags: '--to <server>', description: 'the new home server' }, ...WRITE_OPTIONS],
  examples: [['imctl move jdoe --to im-west'], ['imctl move jdoe pobrien --to exch2.corp.example.com --dry-run']],
  run: async (context, { args: [users], options }) => (await import('./move.js')).moveCommand(context, users, options),
};
