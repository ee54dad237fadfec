/**
 * What shell completion offers, read from the commander program itself (buildProgram) so that
 * commands, options and their known values have one source: the declarations in
 * src/cli/program.ts, and for the global options the option registry (src/config/option-registry.ts),
 * whose fixed choices setting-values.ts checks rather than commander. Hidden commands and options are
 * left out, as in --help.
 */
import type { Argument, Command, Option } from 'commander';
import { optionByFlag } from '../config/option-registry.js';

/** What may follow an option or stand in an argument's place. */
export type Values =
  | { kind: 'none' } // a flag: nothing follows
  | { kind: 'text' } // a free value (a URL, a number, a user name): nothing to offer
  | { kind: 'choices'; choices: string[] } // commander's .choices(), or the registry's fixed choices
  | { kind: 'servers' } // home server names, from the cache `imctl servers` writes
  | { kind: 'files' };

export interface CompletionOption {
  /** Every spelling: `-n`, `--dry-run`. */
  names: string[];
  description: string;
  values: Values;
}

export interface CompletionArgument {
  name: string;
  variadic: boolean;
  values: Values;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  arguments: CompletionArgument[];
}

export interface CompletionModel {
  program: string;
  globalOptions: CompletionOption[];
  commands: CompletionCommand[];
}

/** Options whose value names a home server (`--drain`/`--exclude` also take several, comma-separated). */
const SERVER_OPTIONS = new Set(['--server', '--to', '--drain', '--exclude']);
/** Placeholders and argument names that stand for a path. */
const FILE_PLACEHOLDERS = new Set(['file', 'pem', 'journal']);

function valuesOf(choices: readonly string[] | undefined, placeholder: string | undefined, servers: boolean): Values {
  if (choices && choices.length > 0) return { kind: 'choices', choices: [...choices] };
  if (servers) return { kind: 'servers' };
  if (placeholder && FILE_PLACEHOLDERS.has(placeholder)) return { kind: 'files' };
  return { kind: 'text' };
}

function option(o: Option): CompletionOption {
  const names = [o.short, o.long].filter((n): n is string => typeof n === 'string');
  const takesValue = o.required || o.optional;
  const placeholder = /[<[]([\w-]+)/.exec(o.flags)?.[1];
  const choices = o.argChoices ?? (o.long ? optionByFlag(o.long)?.choices : undefined);
  return {
    names,
    description: o.description,
    values: takesValue ? valuesOf(choices, placeholder, SERVER_OPTIONS.has(o.long ?? '')) : { kind: 'none' },
  };
}

function argument(a: Argument): CompletionArgument {
  return { name: a.name(), variadic: a.variadic, values: valuesOf(a.argChoices, a.name(), false) };
}

export function completionModel(program: Command): CompletionModel {
  const help = program.createHelp();
  return {
    program: program.name(),
    globalOptions: help.visibleOptions(program).map(option),
    commands: help.visibleCommands(program).map((c) => ({
      name: c.name(),
      description: c.description(),
      options: help.visibleOptions(c).map(option),
      arguments: c.registeredArguments.map(argument),
    })),
  };
}

/** Every spelling of every option that takes a value, anywhere: a shell skips the word after it. */
export function valueOptionNames(model: CompletionModel): string[] {
  const all = [...model.globalOptions, ...model.commands.flatMap((c) => c.options)];
  return [...new Set(all.filter((o) => o.values.kind !== 'none').flatMap((o) => o.names))].sort();
}
