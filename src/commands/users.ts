/** `imctl users`: IM-enabled users with their home server, paged and attribute-minimal. */
import { listUsers, type UserListOptions } from '../services/user-list.js';
import { renderTable } from '../ui/table.js';
import type { Context } from './context.js';

export type UsersOptions = UserListOptions;

export async function usersCommand(context: Context, options: UsersOptions): Promise<void> {
  const { out } = context;
  const { total, users: rows } = await listUsers(await context.directory(), options);
  if (out.json) {
    out.printJson({ total, shown: rows.length, users: rows });
    return;
  }
  const c = out.color;
  out.print(
    renderTable(
      c,
      ['sAMAccountName', 'Display name', 'IM address', 'Home server'],
      rows.map((r) => [
        r.sAMAccountName,
        r.displayName ?? '',
        r.imAddress ?? c.yellow('(none)'),
        r.orphaned === 'router' ? c.yellow(`${r.homeServer} (router!)`) : r.orphaned ? c.yellow('(missing server)') : r.homeServer!,
      ]),
    ),
  );
  out.print(rows.length < total ? `${rows.length} of ${total.toLocaleString('en-US')} users shown (--limit).` : `${total.toLocaleString('en-US')} users.`);
}
