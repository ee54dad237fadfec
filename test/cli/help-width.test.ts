/**
 * Issue 30, bug 10: help fits 80 columns. Commander wraps its own sections to the terminal; the
 * notes and examples after them are laid out by help-epilogue.ts. At 80 columns (and piped) no
 * line of any help is wider, no word is broken across lines, and each block of examples starts
 * its descriptions in one column.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.js';
import { helpEpilogue } from '../../src/cli/help-epilogue.js';
import { PROGRAM_HELP } from '../../src/cli/program-help.js';
import { helpAt } from '../../src/cli/help-text.js';

const HELPS = [
  { name: 'imctl --help', path: [] as string[], epilogue: PROGRAM_HELP },
  ...COMMANDS.map((declaration) => ({
    name: `imctl ${declaration.name} --help`,
    path: [declaration.name],
    epilogue: declaration,
  })),
];

/** The words of a text, without the shell continuations the examples may need. */
const words = (text: string) => text.split(/\s+/).filter((word) => word && word !== '\\');

/** The lines of the examples block that begin an example (an example's own lines start at column 2). */
function exampleLines(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Examples:');
  const block = lines.slice(start + 1);
  const end = block.findIndex((line) => !line.startsWith('  '));
  return block.slice(0, end === -1 ? undefined : end).filter((line) => /^ {2}\S/.test(line));
}

describe.each(HELPS)('$name', ({ path, epilogue }) => {
  it('has no line wider than 80 columns, on an 80-column terminal and piped', async () => {
    for (const columns of [80, undefined]) {
      const help = await helpAt(columns, path);
      const wide = help.split('\n').filter((line) => [...line].length > 80);
      expect(wide, `${columns ?? 'piped'}`).toEqual([]);
    }
  });

  it('breaks no word across lines', async () => {
    // Commander's sections: at 80 columns the same words as where nothing wraps.
    expect(words(await helpAt(80, path))).toEqual(words(await helpAt(400, path)));
    // The notes and examples: the declaration's words, whole.
    const declared = [...(epilogue.notes ?? []), 'Examples:', ...epilogue.examples.flat()].join(' ');
    expect(words(helpEpilogue(epilogue))).toEqual(words(declared));
  });

  it("starts every example's description in one column", async () => {
    const help = await helpAt(80, path);
    const columns = exampleLines(help).flatMap((line) => {
      const description = /^ {2}\S.*? {2,}(?=\S)/.exec(line);
      return description ? [description[0].length] : [];
    });
    expect(exampleLines(help).length).toBeGreaterThan(0);
    expect(new Set(columns).size).toBeLessThanOrEqual(1);
  });
});
