/**
 * A command as data: what `imctl NAME --help` shows and what commander parses, beside the module
 * that runs it. src/cli/program.ts declares every entry of src/cli/command-list.ts from this, so a
 * new command is one `NAME.declaration.ts` (and its module) plus one line in that list.
 *
 * A declaration stays light: `run` imports its command module lazily, so that `imctl --help` and
 * `--version` load neither ldapts nor inquirer.
 */
import type { Command } from 'commander';
import type { Context } from './command-context.js';

/** A positional argument, as commander spells it: `<user>`, `<users...>`. */
export interface ArgumentDeclaration {
  name: string;
  description: string;
  choices?: readonly string[];
}

/** An option, as commander spells it: `-n, --dry-run`, `--limit <n>`, `--disable-idle [days]`. */
export interface OptionDeclaration {
  flags: string;
  description: string;
  /** Parses (and checks) the value; throw commander's InvalidArgumentError for a usage error. */
  parse?: (value: string, previous: any) => unknown;
  required?: boolean;
}

/** An example line of the help: the command line, and what it does (optional). */
export type Example = readonly [command: string, what?: string];

/** The help after the options: paragraphs (wrapped at 80 columns), then the examples. */
export interface HelpEpilogue {
  notes?: readonly string[];
  examples: readonly Example[];
}

/** What the command's module is called with: its arguments in order, its options, the whole program. */
export interface Invocation<Args extends unknown[], Options> {
  args: Args;
  options: Options;
  /** The root program (shell completion reads the declarations from it). */
  program: Command;
}

export interface CommandDeclaration<Args extends unknown[] = any[], Options = any> extends HelpEpilogue {
  name: string;
  description: string;
  arguments?: readonly ArgumentDeclaration[];
  options?: readonly OptionDeclaration[];
  run(context: Context, invocation: Invocation<Args, Options>): Promise<void>;
}

/** The flags every writing command shares (src/commands/write-command.ts reads them as WriteFlags). */
export const WRITE_OPTIONS: readonly OptionDeclaration[] = [
  { flags: '-n, --dry-run', description: 'show exactly what would change; write nothing' },
  { flags: '-y, --yes', description: 'do not ask for confirmation' },
  {
    flags: '--ldif <file>',
    description: 'write the planned changes as LDIF for ldapmodify ("-" for stdout) instead of applying them',
  },
  {
    flags: '--report <file>',
    description: 'write every target\'s outcome to FILE (.csv, .json or .jsonl; "-" for CSV on stdout)',
  },
];

/** Names a user on the command line (enable, disable, move). */
export const USERS_ARGUMENT: ArgumentDeclaration = {
  name: '<users...>',
  description: 'DN, UPN, mail, IM address or sAMAccountName',
};
