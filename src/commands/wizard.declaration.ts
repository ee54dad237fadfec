import type { CommandDeclaration } from './declaration.js';

export const wizardDeclaration: CommandDeclaration<[]> = {
  name: 'wizard',
  description:
    'the Exchange Task Wizard at a console: pick a task, find users, pick a home server and IM domain, review, confirm, apply',
  notes: [
    'Needs a terminal; Esc goes back a step (at the first, it quits), Ctrl-C quits at once, and nothing is written before you confirm. ' +
      'In scripts use the commands it stands for: enable, disable, move, show, rebalance.',
  ],
  examples: [['imctl wizard'], ['imctl --config corp.json wizard']],
  run: async (context) => (await import('./wizard/index.js')).wizardCommand(context),
};
