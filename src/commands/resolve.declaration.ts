import type { CommandDeclaration } from './declaration.js';
import type { ResolveOptions } from './resolve.js';

export const resolveDeclaration: CommandDeclaration<[address: string], ResolveOptions> = {
  name: 'resolve',
  description:
    'how an RVP client reaches user@domain: SRV _rvp._tcp.<domain>, else http://<domain>/instmsg/aliases/<user>',
  arguments: [{ name: '<address>', description: 'an IM address, user@domain' }],
  options: [{ flags: '--check', description: 'also check the address and the SRV targets against the directory' }],
  examples: [
    ['imctl resolve paul@im.corp.example.com'],
    ['imctl resolve paul@im.corp.example.com --dns-server 10.0.0.53 --check --json'],
  ],
  run: async (context, { args: [address], options }) =>
    (await import('./resolve.js')).resolveCommand(context, address, options),
};
