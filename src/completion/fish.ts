/** The fish completion script: one `complete` line per command, option and known value; generated from the completion model. */
import type { CompletionModel, CompletionOption, Values } from './model.js';
import { fishQuote } from './quote.js';

function valueFlags(values: Values, program: string): string {
  switch (values.kind) {
    case 'none':
      return '';
    case 'servers':
      return ` -x -a ${fishQuote(`(__${program}_servers)`)}`;
    case 'files':
      return ' -r -F';
    case 'choices':
      return ` -x -a ${fishQuote(values.choices.join(' '))}`;
    default:
      return ' -x';
  }
}

function optionLine(p: string, o: CompletionOption, condition: string): string {
  const names = o.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(' ');
  return `complete -c ${p}${condition} ${names}${valueFlags(o.values, p)} -d ${fishQuote(o.description)}`;
}

export function fishScript(model: CompletionModel, cachePath: string): string {
  const p = model.program;
  const lines = [
    `# ${p} completion for fish. Load it with: ${p} completion fish | source`,
    `# (or save it as ~/.config/fish/completions/${p}.fish). Server names come from`,
    `# ${cachePath}, written by "${p} servers"; a Tab never connects.`,
    `function __${p}_servers`,
    `    test -r ${fishQuote(cachePath)}; and string replace -rf '^    "([^"\\\\\\\\]*)",?$' '$1' < ${fishQuote(cachePath)}`,
    'end',
    `complete -c ${p} -f`,
    ...model.commands.map((c) => `complete -c ${p} -n __fish_use_subcommand -a ${fishQuote(c.name)} -d ${fishQuote(c.description)}`),
    ...model.globalOptions.map((o) => optionLine(p, o, '')),
  ];
  for (const c of model.commands) {
    const condition = ` -n ${fishQuote(`__fish_seen_subcommand_from ${c.name}`)}`;
    lines.push(...c.options.map((o) => optionLine(p, o, condition)));
    const first = c.arguments.find((a) => a.values.kind !== 'text');
    if (first) lines.push(`complete -c ${p}${condition}${valueFlags(first.values, p)}`);
  }
  return `${lines.join('\n')}\n`;
}
