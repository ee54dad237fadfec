/** `imctl users`: IM-enabled users with their home server, paged and attribute-minimal. */
import { LOGON_LAG_NOTE } from '../core/activity.js';
import { UsageError } from '../core/errors.js';
import { count, plural } from '../core/words.js';
import { listUsers, streamUsers, type UserListOptions } from '../services/user-list.js';
import { renderTable } from '../ui/table.js';
import type { Context } from './command-context.js';

export type UsersOptions = UserListOptions & { active?: boolean; inactive?: boolean };

export async function usersCommand(context: Context, options: UsersOptions): Promise<void> {
  const { out } = context;
  if (options.active && options.inactive)
    throw new UsageError('--active and --inactive exclude each other: give one (or neither for every user).', 'usage');
  const side = options.active ? true : options.inactive ? false : undefined;
  const activity =
    side === undefined ? undefined : { active: side, now: Date.now(), activeDays: context.settings.activeDays };
  const directory = await context.directory();
  if (out.json && options.limit === undefined) {
    // Written as read, in the directory's order: a large domain's listing is never held whole.
    const document = out.jsonList('users');
    const total = await streamUsers(directory, { ...options, activity }, (rows) => document.write(rows));
    document.close({ total, shown: total });
    return;
  }
  const { total, users: rows, cutAt } = await listUsers(directory, { ...options, activity });
  if (out.json) {
    // cutAt only when there were more than --limit: `total` is then unknown (the rest was not read).
    out.printJson({ total: total ?? null, shown: rows.length, ...(cutAt ? { cutAt } : {}), users: rows });
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
        r.orphaned === 'router'
          ? c.yellow(`${r.homeServer} (router!)`)
          : r.orphaned
            ? c.yellow('(missing server)')
            : r.homeServer!,
      ]),
      [],
      // A narrow terminal: the display name gives way first, then the address (both whole in --json).
      {
        width: out.columns,
        shrink: [
          { column: 1, min: 10, mode: 'truncate' },
          { column: 2, min: 16, mode: 'truncate' },
        ],
      },
    ),
  );
  const which = side === undefined ? '' : side ? ' active' : ' inactive';
  const users = plural(rows.length, `${which.trim()} user`.trim());
  // "Cut" only when the DC had more: a --limit above the count lists everything, and says so.
  out.print(cutAt ? `${users} shown: the list was cut at --limit ${count(cutAt)}; there are more.` : `${users}.`);
  if (activity)
    out.print(c.dim(`${side ? 'Active' : 'Inactive'} as of the last ${activity.activeDays} days. ${LOGON_LAG_NOTE}`));
}
