/**
 * The scripted command that does what a wizard run did, for the admin's notes, a change ticket
 * or next time: `imctl enable jdoe 'o.brien' --server im-east --im-domain im.corp.example.com --yes`.
 * Arguments are quoted for a POSIX shell.
 */

/** Quote one argument for sh/bash: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  if (arg.length > 0 && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export type WizardTask =
  | { task: 'enable'; users: string[]; server?: string | undefined; imDomain: string }
  | { task: 'disable'; users: string[] }
  | { task: 'move'; users: string[]; to: string }
  | { task: 'show'; user: string }
  | { task: 'rebalance'; even?: boolean | undefined; drain?: string[] | undefined; capacity?: number | undefined };

export function equivalentCommand(task: WizardTask): string {
  const args: string[] = ['imctl'];
  switch (task.task) {
    case 'enable':
      args.push('enable', ...task.users);
      if (task.server) args.push('--server', task.server);
      args.push('--im-domain', task.imDomain, '--yes');
      break;
    case 'disable':
      args.push('disable', ...task.users, '--yes');
      break;
    case 'move':
      args.push('move', ...task.users, '--to', task.to, '--yes');
      break;
    case 'show':
      args.push('show', task.user);
      break;
    case 'rebalance':
      if (task.capacity !== undefined) args.push('--capacity', String(task.capacity));
      args.push('rebalance');
      if (task.even) args.push('--even');
      for (const server of task.drain ?? []) args.push('--drain', server);
      args.push('--apply', '--yes');
      break;
  }
  return args.map((arg, i) => (i === 0 ? arg : shellQuote(arg))).join(' ');
}
