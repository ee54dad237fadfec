import { collect, repeat, wholeNumber } from '../cli/option-parsers.js';
import { WRITE_OPTIONS, type CommandDeclaration } from './declaration.js';
import type { SyncOptions } from './sync.js';

// sync: IM follows group membership (issue 31); RULE names an entry of the config file's "sync".
export const syncDeclaration: CommandDeclaration<[rule: string | undefined], SyncOptions> = {
  name: 'sync',
  description:
    'IM follows group membership: enable the members of groups (nested, primary), and with --remove disable the rest of an OU',
  arguments: [
    { name: '[rule]', description: 'a rule of the config file\'s "sync" object (flags given beside it win)' },
  ],
  options: [
    {
      flags: '--group <name>',
      description:
        'a group (DN, sAMAccountName or cn) whose members should have IM; repeatable (a DN is one value, commas and all)',
      parse: repeat,
    },
    { flags: '--ou <dn>', description: 'only users under this OU (default: the base DN); needed by --remove' },
    { flags: '--remove', description: 'also disable IM on users under --ou who are not members' },
    { flags: '--no-remove', description: 'do not disable anyone, whatever the rule says' },
    {
      flags: '--max-removals <n>',
      description: 'refuse a plan that disables more than N users (default 100; config "sync.maxRemovals")',
      parse: wholeNumber(0),
    },
    { flags: '--include-disabled', description: 'also give IM to disabled accounts that are members' },
    {
      flags: '--server <names>',
      description: 'place newcomers only on these home servers; repeatable or comma-separated',
      parse: collect,
    },
    ...WRITE_OPTIONS,
  ],
  examples: [
    ['imctl sync --group "IM Users" --dry-run'],
    ['imctl sync --group "IM Users" --ou OU=Staff,DC=corp,DC=example,DC=com --remove --yes'],
    ['imctl sync staff --yes', 'the config rule "staff" (cron)'],
    ['KRB5_CLIENT_KTNAME=/etc/imctl/imop.keytab imctl --auth kerberos sync staff --yes'],
  ],
  run: async (context, { args: [rule], options }) => (await import('./sync.js')).syncCommand(context, rule, options),
};
