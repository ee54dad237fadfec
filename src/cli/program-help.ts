/** What `imctl --help` shows after the commands. */
import type { HelpEpilogue } from '../commands/declaration.js';

export const PROGRAM_HELP: HelpEpilogue = {
  notes: [
    'Exit codes: 0 done, 1 could not run (connection/TLS/bind), 2 usage or validation error ' +
      '(nothing written), 3 some targets failed, 130 interrupted. Docs: README.md.',
  ],
  examples: [
    ['imctl servers', 'home servers, load and headroom'],
    ['imctl enable sstar htag --server im-east', 'enable two users (sAMAccountNames)'],
    ['imctl move jdoe --to im-west --dry-run', 'show what a move would write'],
    ['imctl import staff.csv --report out.csv', 'bulk provisioning from CSV'],
    ['imctl rebalance --apply', 'bring every server under 7,500 users'],
    ['IMCTL_PASSWORD_FILE=~/.imctl-pw imctl --url ldaps://dc1.corp.example.com --bind-dn admin@corp.example.com users'],
  ],
};
