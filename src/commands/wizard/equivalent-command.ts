/**
 * The scripted command that does what a wizard run did, for the admin's notes, a change ticket
 * or next time: `imctl enable jdoe 'o.brien' --server im-east --im-domain im.corp.example.com --yes`.
 * Arguments are quoted for the shell it will be pasted into (src/core/shell-words.ts): POSIX, or
 * PowerShell on Windows. Names come from the directory and from what was typed, so none may become
 * an option: values are joined to their option (`--to=NAME`), and user names follow `--` (a user
 * named `--insecure-tls` stays a user name).
 */
import { shellWord, type PasteShell } from '../../core/shell-words.js';

/** Quote one argument for sh/bash: bare when safe, else in single quotes. */
export const shellQuote = (arg: string): string => shellWord(arg, 'posix');

export type WizardTask =
  | { task: 'enable'; users: string[]; server?: string | undefined; imDomain: string }
  | { task: 'disable'; users: string[] }
  | { task: 'move'; users: string[]; to: string }
  | { task: 'show'; user: string }
  | { task: 'rebalance'; even?: boolean | undefined; drain?: string[] | undefined; capacity?: number | undefined };

export function equivalentCommand(task: WizardTask, shell: PasteShell = 'posix'): string {
  const args: string[] = ['imctl'];
  const option = (name: string, value: string) => `--${name}=${value}`;
  switch (task.task) {
    case 'enable':
      args.push(
        'enable',
        ...(task.server ? [option('server', task.server)] : []),
        option('im-domain', task.imDomain),
        '--yes',
        '--',
        ...task.users,
      );
      break;
    case 'disable':
      args.push('disable', '--yes', '--', ...task.users);
      break;
    case 'move':
      args.push('move', option('to', task.to), '--yes', '--', ...task.users);
      break;
    case 'show':
      args.push('show', '--', task.user);
      break;
    case 'rebalance':
      if (task.capacity !== undefined) args.push(option('capacity', String(task.capacity)));
      args.push('rebalance');
      if (task.even) args.push('--even');
      for (const server of task.drain ?? []) args.push(option('drain', server));
      args.push('--apply', '--yes');
      break;
  }
  return args.map((arg, i) => (i === 0 ? arg : shellWord(arg, shell))).join(' ');
}
