import type { AuditCommandOptions } from './audit.js';
import type { CommandDeclaration } from './declaration.js';

// Its --report means findings when only reading (each repair's outcome with a repair flag), so audit
// declares its own write flags.
export const auditDeclaration: CommandDeclaration<[], AuditCommandOptions> = {
  name: 'audit',
  description:
    'first contact with an existing directory: duplicates, partial state, values that disagree, orphans, over capacity, idle seats, _rvp SRV, changed aliases',
  options: [
    {
      flags: '--fix',
      description:
        "repair what is certain: partial state on a known home server, the private URL's host, orphans (placed as enable places)",
    },
    { flags: '--normalize-case', description: "rewrite values that differ from imctl's only in case to lower case" },
    {
      flags: '--disable-idle [days]',
      description:
        'clear IM on idle seats (disabled or expired accounts still homed); with DAYS, also on accounts with no logon for more than DAYS days',
    },
    { flags: '--no-dns', description: 'skip the _rvp._tcp SRV checks' },
    {
      flags: '--report <file>',
      description:
        'write every finding, one per line, to FILE (.csv or .json; "-" for CSV on stdout); with a repair flag, each repair and its outcome instead',
    },
    { flags: '-n, --dry-run', description: 'with a repair flag: show exactly what would change; write nothing' },
    { flags: '-y, --yes', description: 'with a repair flag: do not ask for confirmation' },
    {
      flags: '--ldif <file>',
      description:
        'with a repair flag: write the repairs as LDIF for ldapmodify ("-" for stdout) instead of applying them',
    },
  ],
  notes: [
    'Repairs go through the write path (journal, undo, compare-and-set). Duplicates are never changed.',
    'Exit codes: 0 clean, 3 findings remain (alias changes and case-only values are informational).',
  ],
  examples: [
    ['imctl audit', 'counts per finding, with examples'],
    ['imctl audit --report findings.csv --no-dns', 'every finding in a spreadsheet'],
    ['imctl audit --fix --dry-run', 'what --fix would write'],
    ['imctl audit --fix --normalize-case --yes', 'repair, and fix case-only values'],
    ['imctl audit --disable-idle --ldif idle.ldif', 'LDIF that clears IM on idle seats'],
    ['imctl audit --disable-idle 180 --dry-run', 'also accounts idle for 180 days'],
  ],
  run: async (context, { options }) => (await import('./audit.js')).auditCommand(context, options),
};
