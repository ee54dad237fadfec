/**
 * `imctl --help`, written once at build time (scripts/build.mjs → dist/help.json) so that the
 * launcher can answer a lone `--help` without Node's module loader, commander and the program:
 * that is most of --help's start-up (docs/benchmarks.md). Help wraps to the terminal's width (80
 * when piped), so the file holds the text for every width from 80 columns up to the one where
 * nothing wraps any more. Narrower terminals, and anything but a lone --help or -h, go to the
 * program as before. bin/imctl reads the file with the same rule as pickHelp.
 */
import { Writable } from 'node:stream';
import { run } from './main.js';

/**
 * Every text `--help` prints from 80 columns up, with shared lines stored once: `texts[i]` lists
 * the indices of its lines in `lines`, and the text for a terminal `columns` wide is the one of
 * the last `widths` entry whose `from` is at most `columns` (the last one holds for any wider).
 */
export interface HelpTexts {
  lines: string[];
  texts: number[][];
  widths: { from: number; text: number }[];
}

/** Narrower terminals, rare, get the program's own help. */
const NARROWEST = 80;
/** Past this, nothing is looked for: the help is expected to have stopped wrapping. */
const WIDEST = 400;

/** What `imctl --help` (or `imctl COMMAND --help`) prints on a stdout `columns` wide (undefined: not a terminal, so 80). */
export async function helpAt(columns: number | undefined, command: string[] = []): Promise<string> {
  let text = '';
  const sink = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
    columns === undefined ? {} : { columns, isTTY: true },
  );
  const streams = { stdin: process.stdin, stdout: sink, stderr: sink } as unknown as Parameters<
    typeof run
  >[1]['streams'];
  const code = await run(['node', 'imctl', ...command, '--help'], { streams, env: {}, cwd: process.cwd() });
  if (code !== 0) throw new Error(`imctl --help exited ${code}: ${text}`);
  return text;
}

/** The text for a terminal `columns` wide, or undefined when the program must answer. */
export function pickHelp(help: HelpTexts, columns: number): string | undefined {
  let chosen: number | undefined;
  for (const width of help.widths) if (width.from <= columns) chosen = width.text;
  return chosen === undefined ? undefined : help.texts[chosen]!.map((i) => help.lines[i]).join('\n');
}

export async function helpTexts(): Promise<HelpTexts> {
  const widest = await helpAt(WIDEST);
  const lineIndex = new Map<string, number>();
  const help: HelpTexts = { lines: [], texts: [], widths: [] };
  let previous: string | undefined;
  for (let columns = NARROWEST; columns <= WIDEST; columns++) {
    const text = await helpAt(columns);
    if (text === previous) continue;
    previous = text;
    help.texts.push(
      text.split('\n').map((line) => {
        let i = lineIndex.get(line);
        if (i === undefined) lineIndex.set(line, (i = help.lines.push(line) - 1));
        return i;
      }),
    );
    help.widths.push({ from: columns, text: help.texts.length - 1 });
    if (text === widest) return help;
  }
  throw new Error(`imctl --help still changes at ${WIDEST} columns`);
}
