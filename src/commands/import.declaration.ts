import { delimiter } from '../cli/option-parsers.js';
import { WRITE_OPTIONS, type CommandDeclaration } from './declaration.js';
import type { ImportOptions } from './import.js';

export const importDeclaration: CommandDeclaration<[file: string], ImportOptions> = {
  name: 'import',
  description: 'bulk provisioning from CSV: columns user, action (enable|disable|move), server, im_domain',
  arguments: [{ name: '<file>', description: 'the CSV file (UTF-8, header row); "-" reads standard input' }],
  options: [
    {
      flags: '--skip-invalid',
      description: 'import the valid rows even if some are invalid (they are reported as failed)',
    },
    {
      flags: '--delimiter <char>',
      description: 'the field separator, e.g. ";" (Excel in many European locales) or tab (default ",")',
      parse: delimiter,
    },
    {
      flags: '--strict',
      description: 'refuse columns imctl does not know (by default they are read past, with a notice)',
    },
    ...WRITE_OPTIONS,
  ],
  notes: [
    'CSV: a header row; columns (any case): user (required), action (enable|disable|move; default enable), ' +
      'server (required for move; for enable default: the home server with the most room), im_domain. ' +
      "Other columns (an HR export's) are read past, with a notice; --strict refuses them.",
    'The whole file is checked — every user and server resolved — before anything is written; checking ' +
      'stops at the first 1,000 problems.',
  ],
  examples: [
    ['imctl import staff.csv --dry-run', 'check the file, show the plan'],
    ['imctl import staff.csv --yes --report out.csv', 'apply, one report line per row'],
    ['imctl import staff.csv --ldif staff.ldif', 'LDIF for ldapmodify, no writes'],
  ],
  run: async (context, { args: [file], options }) =>
    (await import('./import.js')).importCommand(context, file, options),
};
