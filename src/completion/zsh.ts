/**
 * The zsh completion script: _arguments specs for the global options, a _describe of the
 * commands, and per command its options and arguments; generated from the completion model.
 */
import type { CompletionArgument, CompletionModel, CompletionOption, Values } from './model.js';
import { posixQuote } from './quote.js';
import { type CacheLocation, posixCacheFunction } from './cache-location.js';

/** _arguments treats [ ] : and \ in a description as syntax. */
const describe = (text: string) => text.replace(/[[\]:\\]/g, (c) => `\\${c}`);

function action(values: Values, name: string, program: string): string {
  switch (values.kind) {
    case 'servers':
      return `_${program}_servers`;
    case 'files':
      return '_files';
    case 'choices':
      return `(${values.choices.join(' ')})`;
    default:
      return ' ';
  }
}

function optionSpec(o: CompletionOption, program: string): string {
  const takes = o.values.kind !== 'none';
  const tail = `[${describe(o.description)}]${takes ? `:value:${action(o.values, 'value', program)}` : ''}`;
  if (o.names.length === 1) return posixQuote(`${o.names[0]}${takes ? '=' : ''}${tail}`);
  // '(-n --dry-run)'{-n,--dry-run}'[…]': either spelling, and not both.
  return `${posixQuote(`(${o.names.join(' ')})`)}{${o.names.map((n) => `${n}${takes ? '=' : ''}`).join(',')}}${posixQuote(tail)}`;
}

function argumentSpec(a: CompletionArgument, index: number, program: string): string {
  return posixQuote(`${a.variadic ? '*' : index + 1}:${describe(a.name)}:${action(a.values, a.name, program)}`);
}

export function zshScript(model: CompletionModel, cache: CacheLocation): string {
  const p = model.program;
  const globals = model.globalOptions.map((o) => `    ${optionSpec(o, p)}`).join('\n');
  return `#compdef ${p}
# ${p} completion for zsh. Load it (after compinit) with: source <(${p} completion zsh)
# Server names come from ${cache.described}, written by "${p} servers"; a Tab never connects.
${posixCacheFunction(p, cache)}
# The cached names, each checked again here: only [A-Za-z0-9._-] names are ever offered
# (_describe would also read a ':' as the start of a description).
_${p}_servers() {
  local -a names match mbegin mend
  local file line
  file=$(_${p}_cache_file)
  if [[ -f "$file" && -r "$file" ]]; then
    while IFS= read -r line; do
      [[ "$line" =~ ${posixQuote(cache.linePattern)} ]] && names+=("$match[1]")
    done < "$file"
  fi
  _describe -t servers 'home server' names
}

_${p}() {
  local curcontext="$curcontext" state line
  local -a globals commands
  globals=(
${globals}
  )
  commands=(
${model.commands.map((c) => `    ${posixQuote(`${c.name}:${c.description}`)}`).join('\n')}
  )
  _arguments -C $globals '1: :->command' '*:: :->argument' && return
  case $state in
    command) _describe -t commands command commands ;;
    argument)
      case $words[1] in
${model.commands
  .map(
    (c) =>
      `        ${c.name}) _arguments $globals ${[...c.options.map((o) => optionSpec(o, p)), ...c.arguments.map((a, i) => argumentSpec(a, i, p))].join(' ')} ;;`,
  )
  .join('\n')}
      esac ;;
  esac
}

compdef _${p} ${p}
`;
}
