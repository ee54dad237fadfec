/** `imctl disable USER…`: clear the four IM attributes; msExchIMACL and everything else stay. */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { disableTargets } from '../services/plans.js';
import { resolveNamed } from '../services/targets.js';
import { executeTargets } from '../services/write-run.js';

export async function disableCommand(context: Context, names: string[], options: WriteFlags): Promise<void> {
  const directory = await context.directory();
  const named = await resolveNamed(directory, names);
  const targets = disableTargets(named);
  await executeTargets(context, directory, targets, { ...options, command: 'disable' });
}
