/** `imctl disable USER…`: clear the four IM attributes; msExchIMACL and everything else stay. */
import { planProvisioning, refuseBatch } from '../services/provisioning.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';

export async function disableCommand(context: Context, names: string[], options: WriteFlags): Promise<void> {
  checkWriteFlags(options, context.settings.json);
  const directory = await context.directory();
  const { targets, rejected } = await planProvisioning(
    directory,
    context.settings,
    names.map((user) => ({ user, action: 'disable' as const })),
    { allOrNothing: true },
  );
  if (rejected.length > 0) throw refuseBatch(rejected, names.length);
  await runWrite(context, directory, targets, { ...options, command: 'disable' });
}
