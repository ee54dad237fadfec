/** `imctl show USER`: one user's IM state, account state, and drift from what imctl would write. */
import { userState } from '../services/user-state.js';
import { renderUserState } from '../ui/user-state-view.js';
import type { Context } from './command-context.js';

export async function showCommand(context: Context, name: string): Promise<void> {
  const directory = await context.directory();
  renderUserState(context.out, await userState(directory, name));
}
