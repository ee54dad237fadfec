/**
 * The help after a command's options — notes, then examples — laid out for 80 columns, the width
 * of a piped help and of the narrowest terminal the help is written for (help-text.ts). Commander
 * wraps its own sections to the terminal; text added after them it prints as given, so a line
 * longer than the terminal would wrap mid-word there.
 */
import type { Example, HelpEpilogue } from '../commands/declaration.js';

export const HELP_COLUMNS = 80;
const INDENT = '  ';
/** How far the lines of a wrapped example command go in after its first. */
const CONTINUATION = '    ';
/** Descriptions start at most this far in; a longer command puts its description on the next line. */
const WIDEST_DESCRIPTION_COLUMN = 50;

/** Words of `text` in lines of at most `width` (a word longer than that has a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A command line too long for `width`, broken between words with shell continuations (` \`). */
function commandLines(command: string, width: number): string[] {
  if (command.length <= width) return [command];
  const lines = wrapWords(command, width - CONTINUATION.length - ' \\'.length);
  return lines.map((line, i) => (i > 0 ? CONTINUATION : '') + line + (i < lines.length - 1 ? ' \\' : ''));
}

function exampleLines(examples: readonly Example[], width: number): string[] {
  const fitting = examples
    .map(([command]) => command.length)
    .filter((n) => INDENT.length + n + 2 <= WIDEST_DESCRIPTION_COLUMN);
  const column = INDENT.length + Math.max(0, ...fitting) + 2;
  const lines: string[] = [];
  for (const [command, what] of examples) {
    const commandPart = commandLines(command, width - INDENT.length).map((line) => INDENT + line);
    if (!what) {
      lines.push(...commandPart);
      continue;
    }
    const described = wrapWords(what, width - column).map((line) => ' '.repeat(column) + line);
    const last = commandPart.at(-1)!;
    // The description's first line beside the command when there is room, else under it.
    if (commandPart.length === 1 && last.length + 2 <= column) {
      lines.push(last.padEnd(column) + described[0]!.trimStart(), ...described.slice(1));
    } else lines.push(...commandPart, ...described);
  }
  return lines;
}

/** The text commander prints after the options (`addHelpText('after', …)`). */
export function helpEpilogue(epilogue: HelpEpilogue, width = HELP_COLUMNS): string {
  const sections = (epilogue.notes ?? []).map((note) => wrapWords(note, width).join('\n'));
  if (epilogue.examples.length > 0) sections.push(['Examples:', ...exampleLines(epilogue.examples, width)].join('\n'));
  return `\n${sections.join('\n\n')}`;
}
