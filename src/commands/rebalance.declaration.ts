import { collect, wholeNumber } from '../cli/option-parsers.js';
import { WRITE_OPTIONS, type CommandDeclaration } from './declaration.js';
import type { RebalanceOptions } from './rebalance.js';

export const rebalanceDeclaration: CommandDeclaration<[], RebalanceOptions> = {
  name: 'rebalance',
  description: 'plan (and with --apply carry out) the fewest moves that bring every home server within capacity',
  options: [
    { flags: '--even', description: "also spread users to within one user of each server's fair share by capacity" },
    {
      flags: '--drain <names>',
      description: 'empty these servers (decommissioning); repeatable or comma-separated',
      parse: collect,
    },
    {
      flags: '--exclude <names>',
      description: 'never move users onto these servers; repeatable or comma-separated',
      parse: collect,
    },
    {
      flags: '--max-moves <n>',
      description: 'at most N moves (a change window); the rest wait for the next run',
      parse: wholeNumber(0),
    },
    { flags: '--apply', description: 'carry out the plan (default: only show it)' },
    ...WRITE_OPTIONS,
  ],
  examples: [
    ['imctl rebalance', 'show the plan'],
    ['imctl rebalance --apply --max-moves 500', 'carry out up to 500 moves'],
    ['imctl rebalance --drain im-north --apply', 'empty im-north (decommissioning)'],
    ['imctl rebalance --even --json', 'the full plan for even load'],
    ['imctl rebalance --load active', 'count only active users'],
  ],
  run: async (context, { options }) => (await import('./rebalance.js')).rebalanceCommand(context, options),
};
