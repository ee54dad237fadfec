import type { CommandDeclaration } from './declaration.js';

export const wizardDeclaration: CommandDeclaration<[]> = {
  name: 'wizard',
  description:
    'the Exchange Task Wizard at a console: pick a task, find users, pick a home server and IM domain, review, confirm, apply',
  notes: [
    'Needs a terminal; Esc or Ctrl-C cancels at any step, and nothing is written before you confirm. ' +
      'In scripts use the commands it stands for: enable, disable, move, show, rebalance.',
  ],
  examples: [['imctl wizard'], ['imctl --config corp.json wizard']],
  run: async (context) => (await import('./wizard/index.js')).wizardCommand(context),
};
