/**
 * The program: the global options from the option registry (src/config/option-registry.ts, through
 * global-options.ts), then every command of command-list.ts from its declaration. Declarations
 * import their command module lazily, so that `imctl --help` and `--version` load neither ldapts
 * nor inquirer.
 */
import { Argument, Command, Option } from 'commander';
import type { CommandDeclaration } from '../commands/declaration.js';
import { inertText } from '../core/inert-text.js';
import type { GlobalFlags } from '../config/option-registry.js';
import type { Streams } from '../ui/output.js';
import type { Context } from './composition-root.js';
import { COMMANDS } from './command-list.js';
import { addGlobalOptions } from './global-options.js';
import { HELP_COLUMNS, helpEpilogue } from './help-epilogue.js';
import { PROGRAM_HELP } from './program-help.js';
import { version } from './version.js';

export interface ProgramHooks {
  streams: Streams;
  execute(flags: GlobalFlags, action: (context: Context) => Promise<void>): Promise<void>;
}

/** "unknown option '--foo=VALUE'": the value may be a secret typed in the wrong place; never echo it. */
export function redactOptionValue(text: string): string {
  return text.replace(/(option '-{1,2}[^'=\s]+)=[^']*'/g, "$1=…'");
}

export function buildProgram(hooks: ProgramHooks): Command {
  const program = new Command('imctl');
  program
    .description('Administer Exchange 2000 Instant Messaging on Active Directory accounts.')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => hooks.streams.stdout.write(text),
      // Help wraps to the terminal it is written to (80 columns when piped), not to process.stdout.
      getOutHelpWidth: () => (hooks.streams.stdout as { columns?: number }).columns ?? HELP_COLUMNS,
      getErrHelpWidth: () => (hooks.streams.stderr as { columns?: number }).columns ?? HELP_COLUMNS,
      // commander quotes what was typed (an unknown option or command, a bad value): shown inert.
      writeErr: (text) => hooks.streams.stderr.write(redactOptionValue(text).split('\n').map(inertText).join('\n')),
    })
    .showHelpAfterError('(add --help for usage)');
  addGlobalOptions(program).addHelpText('after', helpEpilogue(PROGRAM_HELP));
  for (const declaration of COMMANDS) declareCommand(program, declaration, hooks);
  return program;
}

/** One command from its declaration; its action hands the parsed arguments and options to `run`. */
function declareCommand(program: Command, declaration: CommandDeclaration, hooks: ProgramHooks): void {
  const command = program.command(declaration.name).description(declaration.description);
  for (const { name, description, choices } of declaration.arguments ?? []) {
    const argument = new Argument(name, description);
    command.addArgument(choices ? argument.choices(choices) : argument);
  }
  for (const { flags, description, parse, required } of declaration.options ?? []) {
    const option = new Option(flags, description).makeOptionMandatory(required === true);
    command.addOption(parse ? option.argParser(parse) : option);
  }
  command.addHelpText('after', helpEpilogue(declaration));
  // commander calls the action with each argument, then the options, then the command itself.
  command.action(async (...parsed: unknown[]) => {
    const self = parsed.at(-1) as Command;
    const options = parsed.at(-2);
    const args = parsed.slice(0, -2);
    await hooks.execute(self.optsWithGlobals() as GlobalFlags, (context) =>
      declaration.run(context, { args, options, program }),
    );
  });
}
