/** `imctl move USER… --to SERVER`: re-home users; only the home and the private URL change. */
import { UsageError } from '../core/errors.js';
import { planProvisioning, refuseBatch } from '../services/provisioning.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';

export interface MoveOptions extends WriteFlags {
  to?: string;
}

export async function moveCommand(context: Context, names: string[], options: MoveOptions): Promise<void> {
  const to = options.to;
  if (to === undefined)
    throw new UsageError(
      'imctl move needs --to SERVER, the home server to move the users to, e.g. imctl move jdoe --to im-west ("imctl servers" lists them).',
      'missing-mandatory-option-value',
    );
  checkWriteFlags(options, context.settings.json);
  const directory = await context.directory();
  const requests = names.map((user) => ({ user, action: 'move' as const, server: to }));
  const { targets, rejected, notices } = await planProvisioning(directory, context.settings, requests, {
    serverProblemIsUsageError: true,
    allOrNothing: true,
  });
  if (rejected.length > 0) throw refuseBatch(rejected, requests.length);
  for (const notice of notices) context.out.warn(notice);
  await runWrite(context, directory, targets, { ...options, command: 'move' });
}
