/**
 * The two questions the original wizard asked: the home server — from a list with each one's
 * load and room; routers are not offered, full or unusable servers cannot be picked — and the
 * IM domain, from those in use, the configured default and im.<SMTP domain>, or one typed in.
 */
import { checkImDomain, fqdnProblem, isImEnabled } from '../../core/im-model.js';
import type { UserRecord } from '../../core/user-record.js';
import { imDomainOptions } from '../../services/im-domains.js';
import type { Inventory, LoadedServer } from '../../services/inventory.js';
import { previewPlacement } from '../../services/provisioning.js';
import { UsageError } from '../../core/errors.js';
import { isPromptBack, Separator, type Choice } from '../../ui/prompts.js';
import { fmt, plural, type WizardSession } from './session.js';

/** "The one with the most room": each user placed as `imctl enable` without --server places it. */
export const MOST_ROOM = Symbol('most room');
const OTHER_DOMAIN = '\0other';

export async function pickHomeServer(
  session: WizardSession,
  inventory: Inventory,
  task: 'enable' | 'move',
  users: UserRecord[],
  /** The answer given before (the step gone back to): where the cursor starts. */
  previous?: LoadedServer | typeof MOST_ROOM,
): Promise<LoadedServer | typeof MOST_ROOM> {
  const { c } = session;
  const home = inventory.servers.filter((s) => s.hostsUsers);
  if (home.length === 0)
    throw new UsageError(
      'There is no home server to put users on (only routers, or no IM servers at all, or none the bind account can read in the Exchange organisation).',
      'no-home-server',
    );
  const incoming = task === 'enable' ? users.filter((u) => !isImEnabled(u.im)).length : users.length;
  const nameWidth = Math.max(...home.map((s) => s.name.length));
  const hostWidth = Math.max(...home.map((s) => s.host.length));
  const byActive = inventory.loadKind === 'active';
  // Both figures; room, fullness and the percentage follow --load.
  const loadOf = (s: LoadedServer) => s.load ?? s.users;
  const loadWidth = Math.max(...home.map((s) => fmt(byActive ? (s.active ?? 0) : s.users).length));
  const otherWidth = Math.max(...home.map((s) => fmt(byActive ? s.users : (s.active ?? 0)).length));
  const capWidth = Math.max(...home.map((s) => fmt(s.capacity).length));
  const choices: (Choice<LoadedServer | typeof MOST_ROOM> | Separator)[] = [];
  if (task === 'enable' && home.some((s) => !fqdnProblem(s.host))) {
    const counts = new Map<string, number>();
    for (const name of previewPlacement(home, incoming)) counts.set(name, (counts.get(name) ?? 0) + 1);
    choices.push({
      value: MOST_ROOM,
      name: `The one with the most room (now: ${[...counts].map(([name, n]) => (counts.size > 1 ? `${name} ×${n}` : name)).join(', ')})`,
      description:
        'As "imctl enable" without --server: each user goes to the home server with the most room, counting this batch.',
    });
  }
  const alreadyOn = (s: LoadedServer) =>
    users.filter((u) => u.im.msExchIMVirtualServer?.toLowerCase() === s.dn.toLowerCase()).length;
  for (const s of home) {
    const room = s.capacity - loadOf(s);
    const here = alreadyOn(s);
    const hostProblem = fqdnProblem(s.host);
    const disabled = hostProblem
      ? `(host name unusable: ${hostProblem})`
      : room <= 0
        ? `(full: ${fmt(loadOf(s))} of ${fmt(s.capacity)}${byActive ? ' active' : ''} users)`
        : task === 'move' && here === users.length
          ? '(they are all on it already)'
          : false;
    const pct = s.capacity > 0 ? `${Math.round((loadOf(s) / s.capacity) * 100)}%` : '-';
    const figures = byActive
      ? `${fmt(s.active ?? 0).padStart(loadWidth)} / ${fmt(s.capacity).padStart(capWidth)} active users (${fmt(s.users).padStart(otherWidth)} homed)`
      : `${fmt(s.users).padStart(loadWidth)} / ${fmt(s.capacity).padStart(capWidth)} users (${fmt(s.active ?? 0).padStart(otherWidth)} active)`;
    const over =
      !disabled && incoming - here > room ? c.yellow(` ⚠ ${fmt(incoming - here)} more would put it over capacity`) : '';
    const note = task === 'move' && here > 0 && here < users.length ? c.dim(` (${fmt(here)} of them are on it)`) : '';
    choices.push({
      value: s,
      name: `${s.name.padEnd(nameWidth)}  ${s.host.padEnd(hostWidth)}  ${figures}  ${pct.padStart(4)}  ${fmt(Math.max(room, 0))} free${over}${note}`,
      short: s.name,
      description: s.dn,
      disabled,
    });
  }
  if (!choices.some((choice) => !(choice instanceof Separator) && !choice.disabled)) {
    throw new UsageError(
      `No home server can take these users: every one is full or unusable. Run "imctl rebalance", raise the capacity (--capacity, servers.<name>.capacity), or add a home server.`,
      'no-room',
    );
  }
  const routers = inventory.servers.filter((s) => !s.hostsUsers);
  if (routers.length > 0)
    choices.push(
      new Separator(
        c.dim(
          `(not listed: ${routers.map((s) => s.name).join(', ')} — router${routers.length > 1 ? 's' : ''}, cannot host users)`,
        ),
      ),
    );
  return session.prompts.select<LoadedServer | typeof MOST_ROOM>({
    default: previous ?? startingChoice(choices, (s) => s.capacity - loadOf(s) - (incoming - alreadyOn(s))),
    message:
      task === 'enable'
        ? `Home server for ${plural(incoming, 'user')} (load / capacity, room):`
        : `Move ${plural(users.length, 'user')} to which home server?`,
    choices,
    pageSize: 12,
  });
}

/** The IM domain chosen, and the one typed for "Another IM domain…": kept when going back. */
export interface DomainAnswer {
  picked?: string;
  typed?: string;
}

/** The IM domain; `resumed` (back from the review) on "Another IM domain…" opens its input again. */
export async function pickImDomain(
  session: WizardSession,
  users: UserRecord[],
  answer: DomainAnswer,
  resumed: boolean,
): Promise<string> {
  const { counts, sampled } = await session.imDomainsInUse();
  const options = imDomainOptions(session.context.settings.imDomain, counts, users);
  const choices: Choice<string>[] = options.map((o) => {
    const notes = [
      o.configured ? 'your default' : '',
      o.ofSelected > 0
        ? `${plural(o.ofSelected, 'selected user')} already ${o.ofSelected === 1 ? 'has' : 'have'} it`
        : '',
      o.inUse > 0 ? `in use: ${fmt(o.inUse)} of ${fmt(sampled)} addresses sampled` : '',
      o.recommended ? 'Microsoft recommends im. + the SMTP domain' : '',
    ].filter(Boolean);
    return {
      value: o.domain,
      name: `${o.domain}${notes.length ? session.c.dim(`  (${notes.join('; ')})`) : ''}`,
      short: o.domain,
    };
  });
  // The answer line shows `short`: not the bare word "another", but what happens next.
  choices.push({ value: OTHER_DOMAIN, name: 'Another IM domain…', short: 'another one, typed next' });
  let typing = resumed && answer.picked === OTHER_DOMAIN;
  for (;;) {
    if (!typing) {
      answer.picked = await session.prompts.select<string>({
        message: 'IM domain (the part after @ in the IM address):',
        ...(answer.picked !== undefined ? { default: answer.picked } : {}),
        choices,
      });
      if (answer.picked !== OTHER_DOMAIN) return answer.picked;
    }
    try {
      answer.typed = await session.prompts.input({
        message: 'IM domain (e.g. im.corp.example.com):',
        ...(answer.typed ? { default: answer.typed, prefill: 'editable' as const } : {}),
        validate: (value) => {
          const checked = checkImDomain(value);
          return 'reason' in checked ? `Not a DNS name: ${checked.reason}.` : true;
        },
      });
      return (checkImDomain(answer.typed) as { name: string }).name;
    } catch (error) {
      // Esc while typing one: back to the list.
      if (!isPromptBack(error)) throw error;
      typing = false;
    }
  }
}

/**
 * Where the cursor starts: "the one with the most room" when offered, else the server with the
 * most room left once this batch is on it. A server this batch would push over capacity stays
 * selectable (its ⚠ says by how much: the admin may mean it, e.g. before a rebalance), but a
 * reflexive Enter must never put users there; full servers cannot be picked at all.
 */
function startingChoice(
  choices: ReadonlyArray<Choice<LoadedServer | typeof MOST_ROOM> | Separator>,
  roomAfter: (server: LoadedServer) => number,
): LoadedServer | typeof MOST_ROOM | undefined {
  let best: { server: LoadedServer; room: number } | undefined;
  for (const choice of choices) {
    if (choice instanceof Separator || choice.disabled) continue;
    if (choice.value === MOST_ROOM) return MOST_ROOM;
    const room = roomAfter(choice.value);
    if (!best || room > best.room) best = { server: choice.value, room };
  }
  return best?.server;
}
