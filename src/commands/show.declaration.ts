import type { CommandDeclaration } from './declaration.js';

export const showDeclaration: CommandDeclaration<[user: string]> = {
  name: 'show',
  description: "one user's IM state, account state, and any drift from what imctl would write",
  arguments: [{ name: '<user>', description: 'DN, UPN, mail, IM address or sAMAccountName' }],
  examples: [['imctl show jdoe'], ['imctl show "CN=Doe\\, John,OU=Staff,DC=corp,DC=example,DC=com" --json']],
  run: async (context, { args: [user] }) => (await import('./show.js')).showCommand(context, user),
};
