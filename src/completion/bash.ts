/**
 * The bash completion script: a function over COMP_WORDS that finds the command, skips option
 * values, and offers options, known values, files, or the cached server names. Generated from the
 * completion model, so it changes when program.ts does.
 */
import type { CompletionCommand, CompletionModel, CompletionOption, Values } from './model.js';
import { valueOptionNames } from './model.js';
import { posixQuote } from './quote.js';
import { type CacheLocation, posixCacheFunction } from './cache-location.js';

/**
 * The COMPREPLY assignment for a set of values. Never `compgen -W` over data: it expands `$(…)`,
 * backquotes and globs in the words it is given. `_imctl_offer` compares each word with the
 * typed prefix and appends it as it is.
 */
function reply(values: Values, program: string): string {
  switch (values.kind) {
    case 'servers':
      return `local n; while IFS= read -r n; do _${program}_offer "$n"; done < <(_${program}_servers)`;
    case 'files':
      return 'compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") )';
    case 'choices':
      return `_${program}_offer ${values.choices.map(posixQuote).join(' ')}`;
    default:
      return 'COMPREPLY=()';
  }
}

/** `case "$cmd $prev"` branches: one per distinct reply, the command's own options before the global ones. */
function optionValueCases(model: CompletionModel): string[] {
  const p = model.program;
  const branches = (pairs: [string, CompletionOption][]) => {
    const byReply = new Map<string, string[]>();
    for (const [pattern, option] of pairs) {
      if (option.values.kind === 'none') continue;
      const r = reply(option.values, p);
      byReply.set(r, [...(byReply.get(r) ?? []), pattern]);
    }
    return [...byReply].map(([r, patterns]) => `    ${patterns.join('|')}) ${r}; return ;;`);
  };
  const own = model.commands.flatMap((c) =>
    c.options.flatMap((o) => o.names.map((n): [string, CompletionOption] => [`"${c.name} ${n}"`, o])),
  );
  const global = model.globalOptions.flatMap((o) => o.names.map((n): [string, CompletionOption] => [`*" ${n}"`, o]));
  return [...branches(own), ...branches(global)];
}

const spellings = (options: CompletionOption[]) => options.flatMap((o) => o.names).join(' ');

function argumentCases(command: CompletionCommand, program: string): string | undefined {
  const tests = command.arguments
    .map((a, index) =>
      a.values.kind === 'text'
        ? undefined
        : `{ (( npos ${a.variadic ? '>=' : '=='} ${index} )) && { ${reply(a.values, program)}; }; }`,
    )
    .filter((t): t is string => t !== undefined);
  return tests.length ? `    ${command.name}) ${tests.join('; ')} ;;` : undefined;
}

export function bashScript(model: CompletionModel, cache: CacheLocation): string {
  const name = model.program;
  // --help is both the program's and every command's: offer it once.
  const globalNames = new Set(model.globalOptions.flatMap((o) => o.names));
  return `# ${name} completion for bash. Load it with: eval "$(${name} completion bash)"
# Server names come from ${cache.described}, written by "${name} servers"; a Tab never connects.
${posixCacheFunction(name, cache)}
# The cached names, each checked again here: only [A-Za-z0-9._-] names are ever offered.
_${name}_servers() {
  local file line re
  file=$(_${name}_cache_file)
  re=${posixQuote(cache.linePattern)}
  [[ -f "$file" && -r "$file" ]] || return 0
  while IFS= read -r line; do
    [[ "$line" =~ $re ]] && printf '%s\\n' "\${BASH_REMATCH[1]}"
  done < "$file"
}

# Append each argument that starts with what is typed ($cur, compared as text, not as a pattern).
_${name}_offer() {
  local w
  for w in "$@"; do [[ "$w" == "$cur"* ]] && COMPREPLY+=("$w"); done
}

_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" npos=0 i w
  COMPREPLY=()
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # --opt=value: bash splits at "=" (COMP_WORDBREAKS); complete the value of --opt.
  if [[ "$cur" == "=" ]]; then cur=""; elif [[ "$prev" == "=" ]] && (( COMP_CWORD > 1 )); then prev="\${COMP_WORDS[COMP_CWORD-2]}"; fi
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      ${valueOptionNames(model).join('|')}) (( i++ )); [[ "\${COMP_WORDS[i]}" == "=" ]] && (( i++ )) ;;
      -*|=) ;;
      *) if [[ -z "$cmd" ]]; then cmd="$w"; else (( npos++ )); fi ;;
    esac
  done
  (( i > COMP_CWORD )) && npos=-1

  case "$cmd $prev" in
${optionValueCases(model).join('\n')}
  esac

  if [[ "$cur" == -* ]]; then
    local opts=""
    case "$cmd" in
${model.commands.map((c) => `      ${c.name}) opts=${posixQuote(spellings(c.options.filter((o) => !globalNames.has(o.names.at(-1)!))))} ;;`).join('\n')}
    esac
    _${name}_offer $opts ${spellings(model.globalOptions)}
    return
  fi

  case "$cmd" in
    "") _${name}_offer ${model.commands.map((c) => c.name).join(' ')} ;;
${model.commands
  .map((c) => argumentCases(c, name))
  .filter(Boolean)
  .join('\n')}
  esac
}

complete -F _${name} ${name}
`;
}
