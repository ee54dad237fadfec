/** `imctl disable USER…`: clear the four IM attributes; msExchIMACL and everything else stay. */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { planUser } from '../core/provision.js';
import { resolveNamed } from '../services/targets.js';
import { executeTargets, type Target } from '../services/write-run.js';

export async function disableCommand(context: Context, names: string[], options: WriteFlags): Promise<void> {
  const directory = await context.directory();
  const named = await resolveNamed(directory, names);
  const targets: Target[] = named.map((n) =>
    'user' in n
      ? { name: n.name, dn: n.user.dn, guid: n.user.guid, action: 'disable', plan: planUser(n.user, { action: 'disable' }, new Map()) }
      : { name: n.name, action: 'disable', plan: { kind: 'failed', reason: n.problem } },
  );
  await executeTargets(context, directory, targets, { ...options, command: 'disable' });
}
