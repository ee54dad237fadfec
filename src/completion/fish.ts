/** The fish completion script: one `complete` line per command, option and known value; generated from the completion model. */
import type { CompletionModel, CompletionOption, Values } from './model.js';
import { fishQuote } from './quote.js';
import type { CacheLocation } from './cache-location.js';

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

/** fish's own spelling of the cache path rules (src/platform/paths.ts). */
function fishCacheFile(cache: CacheLocation): string[] {
  if (cache.platform === 'darwin') return ['    set -l file "$HOME/Library/Caches/imctl/servers.json"'];
  if (cache.platform === 'win32') return [`    set -l file ${fishQuote(cache.path)}`];
  return [
    '    set -l dir "$XDG_CACHE_HOME"',
    '    string match -q -- \'/*\' "$dir"; or set dir "$HOME/.cache"',
    '    set -l file "$dir/imctl/servers.json"',
  ];
}

export function fishScript(model: CompletionModel, cache: CacheLocation): string {
  const p = model.program;
  const lines = [
    `# ${p} completion for fish. Load it with: ${p} completion fish | source`,
    `# (or save it as ~/.config/fish/completions/${p}.fish). Server names come from`,
    `# ${cache.described}, written by "${p} servers"; a Tab never connects.`,
    `# Only names of [A-Za-z0-9._-] are offered, checked again here.`,
    `function __${p}_servers`,
    ...fishCacheFile(cache),
    `    test -f "$file"; and test -r "$file"; and string replace -rf ${fishQuote(cache.linePattern)} '$1' < "$file"`,
    'end',
    `complete -c ${p} -f`,
    ...model.commands.map(
      (c) => `complete -c ${p} -n __fish_use_subcommand -a ${fishQuote(c.name)} -d ${fishQuote(c.description)}`,
    ),
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
