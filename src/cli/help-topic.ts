/**
 * `imctl help NAME` for a NAME that is no command: commander then prints the whole help and exits
 * 0, which reads as if the command existed. Say that it does not, which one was probably meant,
 * and what the commands are (exit 2).
 */
import type { Command } from 'commander';
import { quoted, UsageError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';

export function checkHelpTopic(program: Command, argv: readonly string[]): void {
  const [first, topic] = argv.slice(2);
  if (first !== 'help' || topic === undefined || topic.startsWith('-')) return;
  const names = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
  if (names.includes(topic)) return;
  throw new UsageError(
    `There is no command ${quoted(topic)}.${didYouMean(topic, names)} The commands are ${names.join(', ')}; "imctl --help" describes them.`,
    'unknown-command',
  );
}
