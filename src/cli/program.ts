/**
 * Every command and its options, declared once; the global options come from the option registry
 * (src/config/options.ts, through global-options.ts). Actions import their command module lazily so
 * that `imctl --help` and `--version` load neither ldapts nor inquirer.
 */
import { Argument, Command } from 'commander';
import { SHELLS, type Shell } from '../completion/shells.js';
import { inertText } from '../core/inert-text.js';
import type { GlobalFlags } from '../config/options.js';
import type { Streams } from '../ui/output.js';
import type { Context } from './composition-root.js';
import { addGlobalOptions } from './global-options.js';
import { collect, delimiter, repeat, wholeNumber } from './options.js';
import { version } from './version.js';

export interface ProgramHooks {
  streams: Streams;
  execute(flags: GlobalFlags, action: (context: Context) => Promise<void>): Promise<void>;
}

/** "unknown option '--foo=VALUE'": the value may be a secret typed in the wrong place; never echo it. */
export function redactOptionValue(text: string): string {
  return text.replace(/(option '-{1,2}[^'=\s]+)=[^']*'/g, "$1=…'");
}

function writeOptions(command: Command): Command {
  return command
    .option('-n, --dry-run', 'show exactly what would change; write nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option(
      '--ldif <file>',
      'write the planned changes as LDIF for ldapmodify ("-" for stdout) instead of applying them',
    )
    .option('--report <file>', 'write every target\'s outcome to FILE (.csv, .json or .jsonl; "-" for CSV on stdout)');
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
      getOutHelpWidth: () => (hooks.streams.stdout as { columns?: number }).columns ?? 80,
      getErrHelpWidth: () => (hooks.streams.stderr as { columns?: number }).columns ?? 80,
      // commander quotes what was typed (an unknown option or command, a bad value): shown inert.
      writeErr: (text) => hooks.streams.stderr.write(redactOptionValue(text).split('\n').map(inertText).join('\n')),
    })
    .showHelpAfterError('(add --help for usage)');
  addGlobalOptions(program).addHelpText(
    'after',
    `
Examples:
  imctl servers                                  home servers, load and headroom
  imctl enable sstar htag --server im-east       enable IM on two users (by sAMAccountName)
  imctl move jdoe --to im-west --dry-run          show what a move would write
  imctl import staff.csv --report out.csv         bulk provisioning from CSV
  imctl rebalance --apply                         bring every server under 7,500 users
  IMCTL_PASSWORD_FILE=~/.imctl-pw imctl --url ldaps://dc1.corp.example.com --bind-dn admin@corp.example.com users

Exit codes: 0 done, 1 could not run (connection/TLS/bind), 2 usage or validation error (nothing written),
3 some targets failed, 130 interrupted. Docs: README.md.`,
  );

  const globals = (command: Command): GlobalFlags => command.optsWithGlobals() as GlobalFlags;

  program
    .command('servers')
    .description('IM virtual servers: host, role, users, capacity, utilisation, state, failure headroom')
    .addHelpText(
      'after',
      '\nExamples:\n  imctl servers\n  imctl servers --json | jq \'.servers[] | select(.state=="over")\'',
    )
    .action(async (_options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/servers.js')).serversCommand(context),
      ),
    );

  program
    .command('users')
    .description('IM-enabled users: sAMAccountName, display name, IM address, home server')
    .option('--server <name>', 'only users homed on this server')
    .option('--orphaned', 'only users whose home server is missing or a router')
    .option('--active', 'only active users: enabled, unexpired, logged on within --active-days')
    .option('--inactive', 'only users that are not active')
    .option('--limit <n>', 'at most N users', wholeNumber(1))
    .addHelpText(
      'after',
      '\nExamples:\n  imctl users --server im-east --limit 20\n  imctl users --orphaned --json\n  imctl users --server im-east --inactive --active-days 90',
    )
    .action(
      async (
        options: { server?: string; orphaned?: boolean; active?: boolean; inactive?: boolean; limit?: number },
        command: Command,
      ) =>
        hooks.execute(globals(command), async (context) =>
          (await import('../commands/users.js')).usersCommand(context, options),
        ),
    );

  program
    .command('show')
    .description("one user's IM state, account state, and any drift from what imctl would write")
    .argument('<user>', 'DN, user@domain, mail or sAMAccountName')
    .addHelpText(
      'after',
      '\nExamples:\n  imctl show jdoe\n  imctl show "CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com" --json',
    )
    .action(async (user: string, _options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/show.js')).showCommand(context, user),
      ),
    );

  writeOptions(
    program
      .command('enable')
      .description('enable IM: write the four IM attributes from the alias, IM domain and home server')
      .argument('<users...>', 'DN, user@domain, mail or sAMAccountName')
      .option('--server <name>', 'home server (default: the one with the most room, counting this batch)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  imctl enable sstar htag --server im-west --im-domain im.corp.example.com\n  imctl enable jdoe --dry-run --ldif -',
    )
    .action(async (users: string[], options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/enable.js')).enableCommand(context, users, options),
      ),
    );

  writeOptions(
    program
      .command('disable')
      .description('disable IM: clear the four IM attributes (msExchIMACL stays)')
      .argument('<users...>', 'DN, user@domain, mail or sAMAccountName'),
  )
    .addHelpText('after', '\nExamples:\n  imctl disable jdoe\n  imctl disable jdoe pobrien --yes --json')
    .action(async (users: string[], options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/disable.js')).disableCommand(context, users, options),
      ),
    );

  writeOptions(
    program
      .command('move')
      .description(
        're-home users on another home server (compare-and-set: a concurrent change is reported, not overwritten)',
      )
      .argument('<users...>', 'DN, user@domain, mail or sAMAccountName')
      .requiredOption('--to <server>', 'the new home server'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  imctl move jdoe --to im-west\n  imctl move jdoe pobrien --to exch2.corp.example.com --dry-run',
    )
    .action(async (users: string[], options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/move.js')).moveCommand(context, users, options),
      ),
    );

  writeOptions(
    program
      .command('import')
      .description('bulk provisioning from CSV: columns user, action (enable|disable|move), server, im_domain')
      .argument('<file>', 'the CSV file (UTF-8, header row); "-" reads standard input')
      .option('--skip-invalid', 'import the valid rows even if some are invalid (they are reported as failed)')
      .option(
        '--delimiter <char>',
        'the field separator, e.g. ";" (Excel in many European locales) or tab (default ",")',
        delimiter,
      )
      .option('--strict', 'refuse columns imctl does not know (by default they are read past, with a notice)'),
  )
    .addHelpText(
      'after',
      `
CSV: a header row; columns (any case): user (required), action (enable|disable|move; default enable),
server (required for move; for enable default: the home server with the most room), im_domain.
Other columns (an HR export's) are read past, with a notice; --strict refuses them.
The whole file is checked — every user and server resolved — before anything is written; checking
stops at the first 1,000 problems.

Examples:
  imctl import staff.csv --dry-run                  check the file and show the plan
  imctl import staff.csv --yes --report result.csv  apply, with one report line per row
  imctl import staff.csv --ldif staff.ldif          LDIF for ldapmodify instead of writing`,
    )
    .action(async (file: string, options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/import.js')).importCommand(context, file, options),
      ),
    );

  writeOptions(
    program
      .command('rebalance')
      .description('plan (and with --apply carry out) the fewest moves that bring every home server within capacity')
      .option('--even', "also spread users to within one user of each server's fair share by capacity")
      .option('--drain <names>', 'empty these servers (decommissioning); repeatable or comma-separated', collect)
      .option('--exclude <names>', 'never move users onto these servers; repeatable or comma-separated', collect)
      .option('--max-moves <n>', 'at most N moves (a change window); the rest wait for the next run', wholeNumber(0))
      .option('--apply', 'carry out the plan (default: only show it)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  imctl rebalance                           show the plan\n  imctl rebalance --apply --max-moves 500   carry out up to 500 moves\n  imctl rebalance --drain im-north --apply  empty im-north before decommissioning it\n  imctl rebalance --even --json             the full plan for even load\n  imctl rebalance --load active             count only active users (enabled, logged on within --active-days)',
    )
    .action(async (options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/rebalance.js')).rebalanceCommand(context, options),
      ),
    );

  writeOptions(
    program
      .command('undo')
      .description(
        'put back what a recorded run changed (compare-and-set: entries changed since are reported, not overwritten)',
      )
      .argument('[journal]', 'a journal file printed by a writing run ($XDG_STATE_HOME/imctl/journal/…)')
      .option('--last', 'the newest of your own journals ("imctl history" lists them)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  imctl undo ~/.local/state/imctl/journal/2026-11-25T20-11-00-000Z-import-4242.jsonl --dry-run\n  imctl undo JOURNAL --yes\n  imctl undo --last --dry-run                 what undoing your newest run would write',
    )
    .action(async (journal: string | undefined, options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/undo.js')).undoCommand(context, journal, options),
      ),
    );

  // sync: IM follows group membership (issue 31); RULE names an entry of the config file's "sync".
  writeOptions(
    program
      .command('sync')
      .description(
        'IM follows group membership: enable the members of groups (nested, primary), and with --remove disable the rest of an OU',
      )
      .argument('[rule]', 'a rule of the config file\'s "sync" object (flags given beside it win)')
      .option(
        '--group <name>',
        'a group (DN, sAMAccountName or cn) whose members should have IM; repeatable (a DN is one value, commas and all)',
        repeat,
      )
      .option('--ou <dn>', 'only users under this OU (default: the base DN); needed by --remove')
      .option('--remove', 'also disable IM on users under --ou who are not members')
      .option('--no-remove', 'do not disable anyone, whatever the rule says')
      .option(
        '--max-removals <n>',
        'refuse a plan that disables more than N users (default 100; config "sync.maxRemovals")',
        wholeNumber(0),
      )
      .option('--include-disabled', 'also give IM to disabled accounts that are members')
      .option('--server <names>', 'place newcomers only on these home servers; repeatable or comma-separated', collect),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  imctl sync --group "IM Users" --dry-run\n  imctl sync --group "IM Users" --ou OU=Staff,DC=corp,DC=example,DC=com --remove --yes\n  imctl sync staff --yes                   the rule "staff" of the config file (cron)\n  KRB5_CLIENT_KTNAME=/etc/imctl/imop.keytab imctl --auth kerberos sync staff --yes',
    )
    .action(async (rule: string | undefined, options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/sync.js')).syncCommand(context, rule, options),
      ),
    );

  // history: the admin's recent runs from their journal folder (issue 31).
  program
    .command('history')
    .description('your recent runs, newest first: time, command, changed/unchanged/failed, how it ended, journal')
    .option('--limit <n>', 'at most N runs (default 20)', wholeNumber(1))
    .addHelpText(
      'after',
      "\nExamples:\n  imctl history\n  imctl history --limit 1 --json      what last night's run did",
    )
    .action(async (options: { limit?: number }, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/history.js')).historyCommand(context, options),
      ),
    );

  program
    .command('resolve')
    .description(
      'how an RVP client reaches user@domain: SRV _rvp._tcp.<domain>, else http://<domain>/instmsg/aliases/<user>',
    )
    .argument('<address>', 'an IM address, user@domain')
    .option('--check', 'also check the address and the SRV targets against the directory')
    .addHelpText(
      'after',
      '\nExamples:\n  imctl resolve paul@im.corp.example.com\n  imctl resolve paul@im.corp.example.com --dns-server 10.0.0.53 --check --json',
    )
    .action(async (address: string, options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/resolve.js')).resolveCommand(context, address, options),
      ),
    );

  // audit: its --report means findings, not a write run's outcomes, so it declares its own write flags
  program
    .command('audit')
    .description(
      'first contact with an existing directory: duplicates, partial state, values that disagree, orphans, over capacity, idle seats, _rvp SRV, changed aliases',
    )
    .option(
      '--fix',
      "repair what is certain: partial state on a known home server, the private URL's host, orphans (placed as enable places)",
    )
    .option('--normalize-case', "rewrite values that differ from imctl's only in case to lower case")
    .option(
      '--disable-idle [days]',
      'clear IM on idle seats (disabled or expired accounts still homed); with DAYS, also on accounts with no logon for more than DAYS days',
    )
    .option('--no-dns', 'skip the _rvp._tcp SRV checks')
    .option('--report <file>', 'write every finding, one per line, to FILE (.csv or .json; "-" for CSV on stdout)')
    .option('-n, --dry-run', 'with a repair flag: show exactly what would change; write nothing')
    .option('-y, --yes', 'with a repair flag: do not ask for confirmation')
    .option(
      '--ldif <file>',
      'with a repair flag: write the repairs as LDIF for ldapmodify ("-" for stdout) instead of applying them',
    )
    .addHelpText(
      'after',
      `
Repairs go through the write path (journal, undo, compare-and-set). Duplicates are never changed.
Exit codes: 0 clean, 3 findings remain (alias changes and case-only values are informational).

Examples:
  imctl audit                                   summary per finding, with examples
  imctl audit --report findings.csv --no-dns    every finding in a spreadsheet
  imctl audit --fix --dry-run                   what --fix would write
  imctl audit --fix --normalize-case --yes      repair, and lower-case equivalent values
  imctl audit --disable-idle --ldif idle.ldif   LDIF that clears IM on idle seats
  imctl audit --disable-idle 180 --dry-run      also accounts with no logon for 180 days`,
    )
    .action(async (options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/audit.js')).auditCommand(context, options),
      ),
    );

  program
    .command('wizard')
    .description(
      'the Exchange Task Wizard at a console: pick a task, find users, pick a home server and IM domain, review, confirm, apply',
    )
    .addHelpText(
      'after',
      '\nNeeds a terminal; Esc or Ctrl-C cancels at any step, and nothing is written before you confirm.\nIn scripts use the commands it stands for: enable, disable, move, show, rebalance.\n\nExamples:\n  imctl wizard\n  imctl --config corp.json wizard',
    )
    .action(async (_options, command: Command) =>
      hooks.execute(globals(command), async (context) =>
        (await import('../commands/wizard/index.js')).wizardCommand(context),
      ),
    );

  // Shell completion: the script is generated from the declarations above.
  program
    .command('completion')
    .description(
      'print a shell completion script: commands, options, known values, and home server names cached by "imctl servers" (a Tab never connects)',
    )
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .addHelpText(
      'after',
      '\nExamples:\n  eval "$(imctl completion bash)"                      in ~/.bashrc\n  source <(imctl completion zsh)                       in ~/.zshrc, after compinit\n  imctl completion fish > ~/.config/fish/completions/imctl.fish\n  imctl completion powershell | Out-String | Invoke-Expression   in $PROFILE',
    )
    .action(async (shell: Shell, _options, command: Command) =>
      hooks.execute(globals(command), async (context) => {
        const { completionScript } = await import('../completion/command.js');
        hooks.streams.stdout.write(completionScript(program, shell, context.env));
      }),
    );

  return program;
}
