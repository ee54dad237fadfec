/** `imctl move USER… --to SERVER`: re-home users; only the home and the private URL change. */
import { planProvisioning, refuseBatch } from '../services/provisioning.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';

export interface MoveOptions extends WriteFlags {
  to: string;
}

export async function moveCommand(context: Context, names: string[], options: MoveOptions): Promise<void> {
  checkWriteFlags(options, context.settings.json);
  const directory = await context.directory();
  const requests = names.map((user) => ({ user, action: 'move' as const, server: options.to }));
  const { targets, rejected, notices } = await planProvisioning(directory, context.settings, requests, {
    serverProblemIsUsageError: true,
    allOrNothing: true,
  });
  if (rejected.length > 0) throw refuseBatch(rejected, requests.length);
  for (const notice of notices) context.out.warn(notice);
  await runWrite(context, directory, targets, { ...options, command: 'move' });
}
