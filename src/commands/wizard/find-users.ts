/**
 * Finding users as a person would: search as you type (every word must match; picks accumulate
 * until Done), or a typed or pasted list resolved as the scripted commands resolve names, with a
 * question for each ambiguous name and suggestions for unknown ones.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isImEnabled } from '../../core/im-model.js';
import { serversByDn } from '../../core/server-ref.js';
import type { UserRecord } from '../../core/user-record.js';
import { splitNames } from '../../services/name-list.js';
import { searchUsers, SEARCH_LIMIT, userDetails, userLabel } from '../../services/user-search.js';
import { isPromptBack, Separator, type Choice } from '../../ui/prompts.js';
import { fmt, plural, say, type WizardSession } from './session.js';

export type UserTask = 'enable' | 'disable' | 'move' | 'show';
type SearchPick = { kind: 'user'; user: UserRecord } | { kind: 'done' };

/** Shorter terms match most of a directory (AD honours the search's size limit; Samba does not). */
const MIN_TERM = 2;

/** How the admin is finding the users of a task, and what each way has found so far: kept when going back. */
export interface UserFinder {
  how?: 'search' | 'type' | 'paste';
  /** Picked in the search (by lower-cased DN), until Done. */
  picked: Map<string, UserRecord>;
  typed?: string;
  pasted?: string;
}

export const newFinder = (): UserFinder => ({ picked: new Map() });

/**
 * The users of a task: how to find them, then that way's page. Esc on that page goes back to
 * "How do you want to find…" (what it found stays); `resumed` (back from a later step) opens on it.
 */
export async function pickUsers(
  session: WizardSession,
  task: Exclude<UserTask, 'show'>,
  finder: UserFinder,
  resumed: boolean,
): Promise<UserRecord[]> {
  let onWayPage = resumed && finder.how !== undefined;
  for (;;) {
    try {
      if (!onWayPage) {
        finder.how = await askHow(session, task, finder);
        onWayPage = true;
      }
      const users = await findBy(session, task, finder);
      if (users.length > 0) return users;
      say(session.out, session.c.yellow('No users to work on yet: find them another way, or press Esc to go back.'));
    } catch (error) {
      if (!isPromptBack(error) || !onWayPage) throw error;
    }
    onWayPage = false;
  }
}

function askHow(session: WizardSession, task: UserTask, finder: UserFinder): Promise<'search' | 'type' | 'paste'> {
  const editor = session.context.env.VISUAL || session.context.env.EDITOR || 'your editor';
  const picked = finder.picked.size;
  return session.prompts.select<'search' | 'type' | 'paste'>({
    message: `How do you want to find the users to ${task}?`,
    ...(finder.how ? { default: finder.how } : {}),
    choices: [
      {
        value: 'search',
        name: `Search by name, account or mail${picked > 0 ? ` (${plural(picked, 'user')} picked so far)` : ''}`,
        description:
          'Type part of a name, sAMAccountName or mail and pick from the matches; repeat for more users, then choose Done.',
      },
      {
        value: 'type',
        name: 'Type their names',
        description: 'sAMAccountNames, mail addresses, UPNs or DNs, separated by spaces or commas.',
      },
      {
        value: 'paste',
        name: 'Paste a list',
        description: `Opens ${editor}: paste the names (one per line; a spreadsheet column will do), save and close.`,
      },
    ],
  });
}

/** The page of the way chosen, opened with what it had (the picks, the names typed or pasted). */
async function findBy(session: WizardSession, task: UserTask, finder: UserFinder): Promise<UserRecord[]> {
  if (finder.how === 'search') return searchLoop(session, task, false, finder.picked);
  const typed = finder.how === 'type';
  // Esc at a question about the list (which of two users, go on without the ones not found) goes back to the list.
  for (;;) {
    const list = typed
      ? (finder.typed = await session.prompts.input({
          message: 'Names (sAMAccountName, mail, UPN or DN), separated by spaces or commas:',
          ...(finder.typed ? { default: finder.typed, prefill: 'editable' as const } : {}),
          validate: (value) => splitNames(value).length > 0 || 'Type at least one name.',
        }))
      : (finder.pasted = await session.prompts.editor({
          message: 'Paste the names in the editor, one per line, then save and close it.',
          default:
            finder.pasted ??
            '# One user per line: sAMAccountName, mail, UPN or DN. Lines starting with # are ignored.\n',
          postfix: '.txt',
          validate: (value) => splitNames(value).length > 0 || 'The list is empty: paste at least one name.',
        }));
    try {
      return await fromList(session, list);
    } catch (error) {
      if (!isPromptBack(error)) throw error;
    }
  }
}

/**
 * Search as you type; with `single`, the first pick is the answer, else picks accumulate in
 * `picked` until Done (they stay there when Esc leaves the search, for the way back to it).
 */
export async function searchLoop(
  session: WizardSession,
  task: UserTask,
  single: boolean,
  picked = new Map<string, UserRecord>(),
): Promise<UserRecord[]> {
  const { c } = session;
  const byDn = serversByDn(await session.servers);
  for (;;) {
    const count = picked.size;
    const done: Choice<SearchPick>[] =
      count > 0
        ? [
            {
              value: { kind: 'done' },
              name: `✔ Done — go on with ${plural(count, 'user')}`,
              description: [...picked.values()].map(userLabel).join(', '),
            },
          ]
        : [];
    const pick = await session.prompts.search<SearchPick>({
      message:
        count === 0
          ? `Find the user to ${task} — type part of a name, account or mail:`
          : `Add another user, or choose Done (${count} picked):`,
      pageSize: 12,
      source: async (term, { signal }) => {
        const text = term?.trim() ?? '';
        if (text.length < MIN_TERM) {
          return [
            ...done,
            new Separator(
              c.dim(
                count === 0
                  ? '(type at least two letters to search)'
                  : '(type at least two letters to search for another user)',
              ),
            ),
          ];
        }
        // The prompt aborts the previous source call on every keystroke: this is the debounce.
        await delay(session.debounceMs, undefined, { signal });
        const { users, more } = await searchUsers(session.directory, text);
        const choices: Choice<SearchPick>[] = users.map((user) => ({
          value: { kind: 'user', user },
          name: `${userLabel(user)}  ·  ${userDetails(user, byDn)}`,
          short: userLabel(user),
          description: user.dn,
          disabled: picked.has(user.dn.toLowerCase()) ? '(picked already)' : unfitFor(task, user),
        }));
        if (users.length === 0) return [new Separator(c.yellow(`No user matches "${text}".`)), ...done];
        // Nothing to pick: inquirer then shows a single line of the list (its pager follows the cursor,
        // and there is none), so the whole answer goes in one separator of several lines.
        if (done.length === 0 && choices.every((choice) => choice.disabled))
          return [new Separator(noneToPick(session, task, text, choices, more))];
        const narrow = more
          ? [new Separator(c.dim(`More than ${SEARCH_LIMIT} users match: type more to narrow it down.`))]
          : [];
        return [...choices, ...narrow, ...done];
      },
    });
    if (pick.kind === 'done') return [...picked.values()];
    picked.set(pick.user.dn.toLowerCase(), pick.user);
    if (single) return [pick.user];
  }
}

/** Lines of the list shown when no match can be picked: what the prompt's pager can show at once, less the heading. */
const UNPICKABLE_SHOWN = 8;

/**
 * When every match is unfit for the task: how many match (or that more than SEARCH_LIMIT do),
 * that none can be picked, and the first of them with the reason beside each.
 */
function noneToPick(
  session: WizardSession,
  task: UserTask,
  text: string,
  choices: readonly Choice<SearchPick>[],
  more: boolean,
): string {
  const { c } = session;
  const matching = more
    ? `More than ${SEARCH_LIMIT} users match "${text}"; none of the first ${SEARCH_LIMIT} can be picked to ${task}: type more to narrow it down.`
    : `${plural(choices.length, 'user')} ${choices.length === 1 ? 'matches' : 'match'} "${text}", and ${choices.length === 1 ? 'it cannot' : 'none can'} be picked to ${task}:`;
  const listed = choices.slice(0, UNPICKABLE_SHOWN).map((choice) => c.dim(`  - ${choice.short} ${choice.disabled}`));
  const rest = (more ? SEARCH_LIMIT : choices.length) - listed.length;
  if (rest > 0) listed.push(c.dim(`  … and ${fmt(rest)} more that cannot be picked either`));
  return [c.yellow(matching), ...listed].join('\n');
}

/** Resolve a typed or pasted list as the scripted commands do; ask about ambiguous names, suggest matches for unknown ones. */
async function fromList(session: WizardSession, text: string): Promise<UserRecord[]> {
  const { out, c, prompts, directory } = session;
  const names = splitNames(text);
  const byDn = serversByDn(await session.servers);
  const resolved = await directory.resolveUsers(names);
  const unknown = names.filter((name) => {
    const resolution = resolved.get(name);
    return resolution !== undefined && 'problem' in resolution && resolution.problem === 'unknown';
  });
  const suggest = unknown.length <= 5;
  const picked = new Map<string, UserRecord>();
  const skipped: string[] = [];
  const keep = (name: string, user: UserRecord) => {
    const key = user.dn.toLowerCase();
    if (picked.has(key)) say(out, c.dim(`  = ${name}: the same user as another name in the list`));
    else picked.set(key, user);
  };
  const choose = async (message: string, name: string, candidates: UserRecord[]) => {
    const choice = await prompts.select<UserRecord | null>({
      message,
      choices: [
        ...candidates.map((user) => ({
          value: user,
          name: `${userLabel(user)}  ·  ${userDetails(user, byDn)}`,
          short: userLabel(user),
          description: user.dn,
        })),
        { value: null, name: `Skip "${name}"` },
      ],
    });
    if (choice) keep(name, choice);
    else skipped.push(name);
  };
  for (const name of names) {
    const resolution = resolved.get(name)!;
    if ('user' in resolution) {
      keep(name, resolution.user);
    } else if (resolution.problem === 'ambiguous') {
      await choose(`"${name}" names ${resolution.candidates.length} users. Which one?`, name, resolution.candidates);
    } else if (suggest) {
      const { users } = await searchUsers(directory, name, 10);
      if (users.length > 0) await choose(`No user is named "${name}". Did you mean one of these?`, name, users);
      else skipped.push(name);
    } else {
      skipped.push(name);
    }
  }
  const users = [...picked.values()];
  say(out, `Found ${plural(users.length, 'user')}: ${users.map(userLabel).join(', ') || 'none'}.`);
  if (skipped.length > 0) {
    say(out, c.yellow(`Not found, left out (${skipped.length}): ${skipped.join(', ')}`));
    if (
      users.length > 0 &&
      !(await prompts.confirm({ message: `Go on with the ${plural(users.length, 'user')} found?`, default: true }))
    )
      return [];
  }
  return users;
}

/** Why a search match cannot take part in this task (shown beside it), or false. */
function unfitFor(task: UserTask, user: UserRecord): string | false {
  const enabled = isImEnabled(user.im);
  if (task === 'enable' && enabled) return '(IM is on already; Move re-homes)';
  if ((task === 'disable' || task === 'move') && !enabled) return '(IM is off)';
  return false;
}
