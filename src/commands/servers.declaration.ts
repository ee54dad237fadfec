import type { CommandDeclaration } from './declaration.js';

export const serversDeclaration: CommandDeclaration<[]> = {
  name: 'servers',
  description: 'IM virtual servers: host, role, users, capacity, utilisation, state, failure headroom',
  examples: [['imctl servers'], ['imctl servers --json | jq \'.servers[] | select(.state=="over")\'']],
  run: async (context) => (await import('./servers.js')).serversCommand(context),
};
