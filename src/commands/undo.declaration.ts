import { WRITE_OPTIONS, type CommandDeclaration } from './declaration.js';
import type { UndoOptions } from './undo.js';

export const undoDeclaration: CommandDeclaration<[journal: string | undefined], UndoOptions> = {
  name: 'undo',
  description:
    'put back what a recorded run changed (compare-and-set: entries changed since are reported, not overwritten)',
  arguments: [
    { name: '[journal]', description: 'a journal file printed by a writing run ($XDG_STATE_HOME/imctl/journal/…)' },
  ],
  options: [
    { flags: '--last', description: 'the newest of your own journals ("imctl history" lists them)' },
    ...WRITE_OPTIONS,
  ],
  examples: [
    ['imctl undo ~/.local/state/imctl/journal/2026-11-25T20-11-00-000Z-import-4242.jsonl --dry-run'],
    ['imctl undo JOURNAL --yes'],
    ['imctl undo --last --dry-run', 'what undoing your newest run would write'],
  ],
  run: async (context, { args: [journal], options }) =>
    (await import('./undo.js')).undoCommand(context, journal, options),
};
