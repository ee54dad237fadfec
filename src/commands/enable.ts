/** `imctl enable USER…`: write the four IM attributes; with no --server, the home server with the most room. */
import { planProvisioning, refuseBatch, requireImDomain } from '../services/provisioning.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';

export interface EnableOptions extends WriteFlags {
  server?: string;
}

export async function enableCommand(context: Context, names: string[], options: EnableOptions): Promise<void> {
  checkWriteFlags(options, context.settings.json);
  const imDomain = requireImDomain(context.settings);
  const directory = await context.directory();
  const requests = names.map((user) => ({ user, action: 'enable' as const, server: options.server, imDomain }));
  const { targets, notices, rejected } = await planProvisioning(directory, context.settings, requests, {
    serverProblemIsUsageError: true,
    allOrNothing: true,
  });
  if (rejected.length > 0) throw refuseBatch(rejected, requests.length);
  for (const notice of notices) context.out.warn(notice);
  await runWrite(context, directory, targets, { ...options, command: 'enable' });
}
