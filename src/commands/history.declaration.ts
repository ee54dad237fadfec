import { wholeNumber } from '../cli/option-parsers.js';
import type { CommandDeclaration } from './declaration.js';
import type { HistoryOptions } from './history.js';

// history: the admin's recent runs from their journal folder (issue 31).
export const historyDeclaration: CommandDeclaration<[], HistoryOptions> = {
  name: 'history',
  description: 'your recent runs, newest first: time, command, changed/unchanged/failed, how it ended, journal',
  options: [{ flags: '--limit <n>', description: 'at most N runs (default 20)', parse: wholeNumber(1) }],
  examples: [['imctl history'], ['imctl history --limit 1 --json', "what last night's run did"]],
  run: async (context, { options }) => (await import('./history.js')).historyCommand(context, options),
};
