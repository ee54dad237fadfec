/**
 * `imctl wizard`: the Exchange Task Wizard at a console, for the admin who does this twice a
 * month and does not remember the flags. Pick a task; find users as a person would (search as
 * you type, or a typed or pasted list); pick the home server from a list that shows each one's
 * load and room, and the IM domain from those in use — the two questions the original wizard
 * asked; review exactly what will change; confirm; apply through the one write path; read the
 * result, the journal and the equivalent scripted command.
 *
 * It has no logic of its own for what a task writes: the plans come from services/plans.ts and
 * services/rebalance-plan.ts, the writes from executeTargets, `show` is the show command — the
 * same code the scripted commands run. Nothing is written before the admin confirms; Esc or
 * Ctrl-C at any prompt rejects it with AbortPromptError / ExitPromptError (exit 130).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Context } from '../cli/context.js';
import { ExitCode, ImctlError, Interrupted, PartialFailure, UsageError } from '../core/errors.js';
import { dnsNameProblem, fqdnProblem, isImEnabled, type ImServer } from '../core/im-model.js';
import { placeByMostRoom } from '../core/placement.js';
import { serversByDn } from '../core/server-ref.js';
import type { UserRecord } from '../core/user-record.js';
import type { Directory } from '../directory/connection.js';
import { discoverServers } from '../directory/servers.js';
import { resolveUsers } from '../directory/users.js';
import { equivalentCommand, shellQuote, type WizardTask } from '../services/equivalent-command.js';
import { imDomainOptions, sampleImDomains } from '../services/im-domains.js';
import { takeInventory, type Inventory, type ServerLoad } from '../services/inventory.js';
import { splitNames } from '../services/name-list.js';
import { disableTargets, enableTargets, moveTargets } from '../services/plans.js';
import { infeasibleMessage, planRebalanceRun, renderRebalancePlan } from '../services/rebalance-plan.js';
import { countPlans, countsLine, reviewLines } from '../services/review.js';
import type { Named } from '../services/targets.js';
import { searchUsers, SEARCH_LIMIT, userDetails, userLabel } from '../services/user-search.js';
import { executeTargets, type Target } from '../services/write-run.js';
import { createPrompts, isPromptCancel, Separator, type Choice, type Prompts } from '../ui/prompts.js';
import { renderTable, utilisation } from '../ui/table.js';
import { showCommand } from './show.js';

export interface WizardOptions {
  /** The prompts to ask with (tests inject their own); default: @inquirer/prompts on the terminal. */
  prompts?: Prompts;
  /** Wait this long after a keystroke before searching (default 200 ms). */
  debounceMs?: number;
}

type Task = 'enable' | 'disable' | 'move' | 'show' | 'rebalance';
type UserTask = 'enable' | 'disable' | 'move' | 'show';
type Pick = { kind: 'user'; user: UserRecord } | { kind: 'done' };

const VERB: Record<UserTask, string> = { enable: 'enable', disable: 'disable', move: 'move', show: 'show' };
const AUTO = Symbol('most room');
const OTHER_DOMAIN = '\0other';
/** Shorter terms match most of a directory (AD honours the search's size limit; Samba does not). */
const MIN_TERM = 2;
const fmt = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

export async function wizardCommand(context: Context, options: WizardOptions = {}): Promise<void> {
  const { out } = context;
  const { stdin, stdout } = out.streams;
  if (out.json) {
    throw new UsageError('imctl wizard is interactive and has no --json output: use the scripted commands (enable, disable, move, show, rebalance) with --json.', 'wizard-json');
  }
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new UsageError(
      'imctl wizard needs a terminal (stdin and stdout). In scripts use the commands it stands for: imctl enable|disable|move USER… (--server, --to, --im-domain, --yes), imctl show USER, imctl rebalance --apply; see imctl --help.',
      'not-a-tty',
    );
  }
  const prompts = options.prompts ?? createPrompts({ input: stdin, output: stdout, signal: context.signal });
  try {
    await new Wizard(context, prompts, options.debounceMs ?? 200).run();
  } catch (error) {
    throw explain(error);
  }
}

/** Our own errors and prompt cancels pass through to the entry module; anything else becomes one plain sentence, not a stack. */
function explain(error: unknown): unknown {
  if (error instanceof ImctlError || isPromptCancel(error)) return error;
  const message = (error as Error | undefined)?.message?.split('\n')[0] ?? String(error);
  return new ImctlError(
    `The wizard stopped: ${message}. Nothing was written after the last result shown. Run it again, or run the equivalent command with --verbose to see more.`,
    ExitCode.cannotRun,
    'wizard-failed',
  );
}

class Wizard {
  private directory!: Directory;
  private servers!: Promise<ImServer[]>;
  private inventoryPromise: Promise<Inventory> | undefined;
  private domainsPromise: ReturnType<typeof sampleImDomains> | undefined;

  constructor(
    private readonly context: Context,
    private readonly prompts: Prompts,
    private readonly debounceMs: number,
  ) {}

  private get out() {
    return this.context.out;
  }

  private get c() {
    return this.context.out.color;
  }

  async run(): Promise<void> {
    const { out, c } = this;
    out.print(`${c.bold('imctl wizard')} — Exchange Instant Messaging tasks. ${c.dim('Esc or Ctrl-C cancels; nothing is written before you confirm.')}`);
    this.directory = await this.context.directory();
    this.servers = discoverServers(this.directory);
    this.servers.catch(() => undefined);
    out.print(c.dim(`Connected to ${this.directory.label} as ${this.directory.boundAs ?? '?'}; users under ${this.directory.baseDn}.`)); // issue 15: as <principal>

    const task = await this.prompts.select<Task>({
      message: 'What do you want to do?',
      choices: [
        { value: 'enable', name: 'Enable Instant Messaging for users', description: 'Give users an IM address on a home server, as the Exchange Task Wizard did.' },
        { value: 'disable', name: 'Disable Instant Messaging for users', description: 'Clear their IM address, URLs and home server (their privacy lists, msExchIMACL, stay).' },
        { value: 'move', name: 'Move users to another home server', description: 'Change the home server; the IM address and the public URL stay, so their contacts change nothing.' },
        { value: 'show', name: "Show a user's IM settings", description: 'IM address, URLs, home server, account state, and any drift from what imctl would write.' },
        { value: 'rebalance', name: 'Rebalance the home servers', description: 'Move the fewest users that bring every home server within capacity, spread them evenly, or empty a server.' },
      ],
    });
    // Server loads take a paged count of every homed user: start it while the admin picks users.
    // So does the sample of IM domains in use (AD stops at its size limit; Samba reads them all).
    if (task === 'enable' || task === 'move' || task === 'rebalance') {
      this.inventoryPromise = takeInventory(this.directory, this.context.settings);
      this.inventoryPromise.catch(() => undefined);
    }
    if (task === 'enable') {
      this.domainsPromise = sampleImDomains(this.directory);
      this.domainsPromise.catch(() => undefined);
    }
    switch (task) {
      case 'enable':
        return this.enable();
      case 'disable':
        return this.disable();
      case 'move':
        return this.move();
      case 'show':
        return this.show();
      case 'rebalance':
        return this.rebalance();
    }
  }

  private inventory(): Promise<Inventory> {
    this.inventoryPromise ??= takeInventory(this.directory, this.context.settings);
    return this.inventoryPromise;
  }

  // ---- tasks ------------------------------------------------------------------------------

  private async enable(): Promise<void> {
    const users = await this.pickUsers('enable');
    const inventory = await this.inventory();
    const newcomers = users.filter((u) => !isImEnabled(u.im)).length;
    const server = newcomers > 0 ? await this.pickHomeServer(inventory, 'enable', users) : undefined;
    const imDomain = await this.pickImDomain(users);
    const targets = enableTargets(named(users), inventory.servers, { server: server === AUTO ? undefined : server, imDomain });
    const where = server === undefined ? 'their current home servers' : server === AUTO ? 'the home servers with the most room' : server.name;
    await this.reviewAndApply({
      command: 'enable',
      heading: `Enable IM for ${plural(users.length, 'user')} on ${where}, IM domain ${imDomain}:`,
      targets,
      users,
      servers: inventory.servers,
      equivalent: { task: 'enable', users: users.map(nameOf), server: server && server !== AUTO ? server.name : undefined, imDomain },
    });
  }

  private async disable(): Promise<void> {
    const users = await this.pickUsers('disable');
    await this.reviewAndApply({
      command: 'disable',
      heading: `Disable IM for ${plural(users.length, 'user')} (msExchIMACL stays):`,
      targets: disableTargets(named(users)),
      users,
      servers: await this.servers,
      equivalent: { task: 'disable', users: users.map(nameOf) },
    });
  }

  private async move(): Promise<void> {
    const users = await this.pickUsers('move');
    const inventory = await this.inventory();
    const server = (await this.pickHomeServer(inventory, 'move', users)) as ServerLoad;
    await this.reviewAndApply({
      command: 'move',
      heading: `Move ${plural(users.length, 'user')} to ${server.name} (${server.host}):`,
      targets: moveTargets(named(users), server, inventory.servers),
      users,
      servers: inventory.servers,
      equivalent: { task: 'move', users: users.map(nameOf), to: server.name },
    });
  }

  private async show(): Promise<void> {
    const [user] = await this.searchLoop('show', true);
    this.out.print();
    await showCommand(this.context, user!.dn);
    this.out.print();
    this.out.print(this.c.dim(`Next time, without the wizard: ${equivalentCommand({ task: 'show', user: nameOf(user!) })}`));
  }

  private async rebalance(): Promise<void> {
    const { out, c } = this;
    const inventory = await this.inventory();
    const home = inventory.servers.filter((s) => s.hostsUsers);
    if (home.length === 0) throw new UsageError('There are no home servers to rebalance (only routers, or no IM servers at all).', 'no-home-server');
    out.print(
      renderTable(
        c,
        ['Home server', 'Host', 'Users', 'Capacity', 'Use'],
        home.map((s) => [s.name, s.host, fmt(s.users), fmt(s.capacity), utilisation(c, s.users, s.capacity)]),
        ['left', 'left', 'right', 'right', 'right'],
      ),
    );
    if (inventory.orphaned > 0) out.print(c.yellow(`${plural(inventory.orphaned, 'user')} homed on a router or a missing server (orphaned): the plan places them too.`));
    const goal = await this.prompts.select<'fit' | 'even' | 'drain'>({
      message: 'What should the rebalance achieve?',
      choices: [
        { value: 'fit', name: 'Bring every home server within capacity, moving as few users as possible' },
        { value: 'even', name: 'Spread users evenly (each server within one user of its fair share by capacity)' },
        { value: 'drain', name: 'Empty one or more servers (before decommissioning them)' },
      ],
    });
    let drain: ServerLoad[] = [];
    if (goal === 'drain') {
      drain = await this.prompts.checkbox<ServerLoad>({
        message: 'Which servers should be emptied? (space to tick, enter to go on)',
        choices: home.map((s) => ({ value: s, name: `${s.name} (${s.host}) — ${plural(s.users, 'user')}` })),
        required: true,
      });
    }
    const even = goal === 'even';
    const run = await planRebalanceRun(this.directory, this.context.settings, { even, drain: drain.map((s) => s.dn) });
    if (!run.plan.feasible) throw new UsageError(infeasibleMessage(run.plan), 'infeasible');
    out.print();
    renderRebalancePlan(out, run.plan, run.names, even);
    if (run.plan.moves.length === 0) {
      out.print('Every home server is within capacity: nothing to do, nothing was written.');
      return;
    }
    const capacity = this.context.settings.sources.capacity === 'flag' ? this.context.settings.capacity : undefined;
    await this.reviewAndApply({
      command: 'rebalance',
      heading: `The ${plural(run.plan.moves.length, 'move')}:`,
      targets: run.targets(),
      users: [...run.usersByDn.values()],
      servers: inventory.servers,
      detailLimit: 10,
      equivalent: { task: 'rebalance', even, drain: drain.map((s) => s.name), capacity },
    });
  }

  // ---- finding users ----------------------------------------------------------------------

  private async pickUsers(task: Exclude<UserTask, 'show'>): Promise<UserRecord[]> {
    const editor = this.context.env.VISUAL || this.context.env.EDITOR || 'your editor';
    for (;;) {
      const how = await this.prompts.select<'search' | 'type' | 'paste'>({
        message: `How do you want to find the users to ${VERB[task]}?`,
        choices: [
          { value: 'search', name: 'Search by name, account or mail', description: 'Type part of a name, sAMAccountName or mail and pick from the matches; repeat for more users, then choose Done.' },
          { value: 'type', name: 'Type their names', description: 'sAMAccountNames, mail addresses, UPNs or DNs, separated by spaces or commas.' },
          { value: 'paste', name: 'Paste a list', description: `Opens ${editor}: paste the names (one per line; a spreadsheet column will do), save and close.` },
        ],
      });
      const users =
        how === 'search'
          ? await this.searchLoop(task, false)
          : await this.fromList(
              how === 'type'
                ? await this.prompts.input({
                    message: 'Names (sAMAccountName, mail, UPN or DN), separated by spaces or commas:',
                    validate: (value) => splitNames(value).length > 0 || 'Type at least one name.',
                  })
                : await this.prompts.editor({
                    message: 'Paste the names in the editor, one per line, then save and close it.',
                    default: '# One user per line: sAMAccountName, mail, UPN or DN. Lines starting with # are ignored.\n',
                    postfix: '.txt',
                    validate: (value) => splitNames(value).length > 0 || 'The list is empty: paste at least one name.',
                  }),
            );
      if (users.length > 0) return users;
      this.out.print(this.c.yellow('No users to work on yet: find them another way, or press Esc to stop.'));
    }
  }

  /** Search as you type; with `single`, the first pick is the answer, else picks accumulate until Done. */
  private async searchLoop(task: UserTask, single: boolean): Promise<UserRecord[]> {
    const byDn = serversByDn(await this.servers);
    const picked = new Map<string, UserRecord>();
    for (;;) {
      const count = picked.size;
      const done: Choice<Pick>[] =
        count > 0 ? [{ value: { kind: 'done' }, name: `✔ Done — go on with ${plural(count, 'user')}`, description: [...picked.values()].map(userLabel).join(', ') }] : [];
      const pick = await this.prompts.search<Pick>({
        message: count === 0 ? `Find the user to ${VERB[task]} — type part of a name, account or mail:` : `Add another user, or choose Done (${count} picked):`,
        pageSize: 12,
        source: async (term, { signal }) => {
          const text = term?.trim() ?? '';
          if (text.length < MIN_TERM) {
            return [...done, new Separator(this.c.dim(count === 0 ? '(type at least two letters to search)' : '(type at least two letters to search for another user)'))];
          }
          // The prompt aborts the previous source call on every keystroke: this is the debounce.
          await delay(this.debounceMs, undefined, { signal });
          const { users, more } = await searchUsers(this.directory, text);
          const choices: (Choice<Pick> | Separator)[] = users.map((user) => ({
            value: { kind: 'user', user },
            name: `${userLabel(user)}  ·  ${userDetails(user, byDn)}`,
            short: userLabel(user),
            description: user.dn,
            disabled: picked.has(user.dn.toLowerCase()) ? '(picked already)' : unfitFor(task, user),
          }));
          if (users.length === 0) choices.push(new Separator(this.c.yellow(`No user matches "${text}".`)));
          if (more) choices.push(new Separator(this.c.dim(`More than ${SEARCH_LIMIT} users match: type more to narrow it down.`)));
          return [...choices, ...done];
        },
      });
      if (pick.kind === 'done') return [...picked.values()];
      picked.set(pick.user.dn.toLowerCase(), pick.user);
      if (single) return [pick.user];
    }
  }

  /** Resolve a typed or pasted list as the scripted commands do; ask about ambiguous names, suggest matches for unknown ones. */
  private async fromList(text: string): Promise<UserRecord[]> {
    const { out, c } = this;
    const names = splitNames(text);
    const byDn = serversByDn(await this.servers);
    const resolved = await resolveUsers(this.directory, names);
    const unknown = names.filter((name) => {
      const resolution = resolved.get(name);
      return resolution !== undefined && 'problem' in resolution && resolution.problem === 'unknown';
    });
    const suggest = unknown.length <= 5;
    const picked = new Map<string, UserRecord>();
    const skipped: string[] = [];
    const keep = (name: string, user: UserRecord) => {
      const key = user.dn.toLowerCase();
      if (picked.has(key)) out.print(c.dim(`  = ${name}: the same user as another name in the list`));
      else picked.set(key, user);
    };
    const choose = async (message: string, name: string, candidates: UserRecord[]) => {
      const choice = await this.prompts.select<UserRecord | null>({
        message,
        choices: [
          ...candidates.map((user) => ({ value: user, name: `${userLabel(user)}  ·  ${userDetails(user, byDn)}`, short: userLabel(user), description: user.dn })),
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
        const { users } = await searchUsers(this.directory, name, 10);
        if (users.length > 0) await choose(`No user is named "${name}". Did you mean one of these?`, name, users);
        else skipped.push(name);
      } else {
        skipped.push(name);
      }
    }
    const users = [...picked.values()];
    out.print(`Found ${plural(users.length, 'user')}: ${users.map(userLabel).join(', ') || 'none'}.`);
    if (skipped.length > 0) {
      out.print(c.yellow(`Not found, left out (${skipped.length}): ${skipped.join(', ')}`));
      if (users.length > 0 && !(await this.prompts.confirm({ message: `Go on with the ${plural(users.length, 'user')} found?`, default: true }))) return [];
    }
    return users;
  }

  // ---- the two questions the original wizard asked -------------------------------------------

  /** A home server from a list with each one's load and room; routers are not offered, full servers cannot be picked. */
  private async pickHomeServer(inventory: Inventory, task: 'enable' | 'move', users: UserRecord[]): Promise<ServerLoad | typeof AUTO> {
    const { c } = this;
    const home = inventory.servers.filter((s) => s.hostsUsers);
    if (home.length === 0) throw new UsageError('There is no home server to put users on (only routers, or no IM servers at all).', 'no-home-server');
    const incoming = task === 'enable' ? users.filter((u) => !isImEnabled(u.im)).length : users.length;
    const nameWidth = Math.max(...home.map((s) => s.name.length));
    const hostWidth = Math.max(...home.map((s) => s.host.length));
    const loadWidth = Math.max(...home.map((s) => fmt(s.users).length));
    const capWidth = Math.max(...home.map((s) => fmt(s.capacity).length));
    const choices: (Choice<ServerLoad | typeof AUTO> | Separator)[] = [];
    const usable = home.filter((s) => !fqdnProblem(s.host));
    if (task === 'enable' && usable.length === home.length) {
      const placed = placeByMostRoom(usable.map((s) => ({ key: s.name, name: s.name, capacity: s.capacity, load: s.users })), incoming);
      const counts = new Map<string, number>();
      for (const name of placed) counts.set(name, (counts.get(name) ?? 0) + 1);
      choices.push({
        value: AUTO,
        name: `The one with the most room (now: ${[...counts].map(([name, n]) => (counts.size > 1 ? `${name} ×${n}` : name)).join(', ')})`,
        description: 'As "imctl enable" without --server: each user goes to the home server with the most room, counting this batch.',
      });
    }
    for (const s of home) {
      const room = s.capacity - s.users;
      const here = users.filter((u) => u.im.msExchIMVirtualServer?.toLowerCase() === s.dn.toLowerCase()).length;
      const hostProblem = fqdnProblem(s.host);
      const disabled = hostProblem
        ? `(host name unusable: ${hostProblem})`
        : room <= 0
          ? `(full: ${fmt(s.users)} of ${fmt(s.capacity)} users)`
          : task === 'move' && here === users.length
            ? '(they are all on it already)'
            : false;
      const pct = s.capacity > 0 ? `${Math.round((s.users / s.capacity) * 100)}%` : '-';
      const over = !disabled && incoming - here > room ? c.yellow(` ⚠ ${fmt(incoming - here)} more would put it over capacity`) : '';
      const note = task === 'move' && here > 0 && here < users.length ? c.dim(` (${fmt(here)} of them are on it)`) : '';
      choices.push({
        value: s,
        name: `${s.name.padEnd(nameWidth)}  ${s.host.padEnd(hostWidth)}  ${fmt(s.users).padStart(loadWidth)} / ${fmt(s.capacity).padStart(capWidth)} users  ${pct.padStart(4)}  ${fmt(Math.max(room, 0))} free${over}${note}`,
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
    if (routers.length > 0) choices.push(new Separator(c.dim(`(not listed: ${routers.map((s) => s.name).join(', ')} — router${routers.length > 1 ? 's' : ''}, cannot host users)`)));
    return this.prompts.select<ServerLoad | typeof AUTO>({
      message: task === 'enable' ? `Home server for ${plural(incoming, 'user')} (load / capacity, room):` : `Move ${plural(users.length, 'user')} to which home server?`,
      choices,
      pageSize: 12,
    });
  }

  /** The IM domain from those in use, the configured default, and im.<SMTP domain>; or another one typed in. */
  private async pickImDomain(users: UserRecord[]): Promise<string> {
    const { counts, sampled } = await (this.domainsPromise ??= sampleImDomains(this.directory));
    const options = imDomainOptions(this.context.settings.imDomain, counts, users);
    const choices: Choice<string>[] = options.map((o) => {
      const notes = [
        o.configured ? 'your default' : '',
        o.ofSelected > 0 ? `${plural(o.ofSelected, 'selected user')} already ${o.ofSelected === 1 ? 'has' : 'have'} it` : '',
        o.inUse > 0 ? `in use: ${fmt(o.inUse)} of ${fmt(sampled)} addresses sampled` : '',
        o.recommended ? 'Microsoft recommends im. + the SMTP domain' : '',
      ].filter(Boolean);
      return { value: o.domain, name: `${o.domain}${notes.length ? this.c.dim(`  (${notes.join('; ')})`) : ''}`, short: o.domain };
    });
    choices.push({ value: OTHER_DOMAIN, name: 'Another IM domain…', short: 'another' });
    const picked = await this.prompts.select<string>({ message: 'IM domain (the part after @ in the IM address):', choices });
    if (picked !== OTHER_DOMAIN) return picked;
    const typed = await this.prompts.input({
      message: 'IM domain (e.g. im.corp.example.com):',
      validate: (value) => {
        const problem = dnsNameProblem(value.trim());
        return problem ? `Not a DNS name: ${problem}.` : true;
      },
    });
    return typed.trim().toLowerCase().replace(/\.$/, '');
  }

  // ---- review, confirm, apply -------------------------------------------------------------------

  private async reviewAndApply(spec: {
    command: 'enable' | 'disable' | 'move' | 'rebalance';
    heading: string;
    targets: Target[];
    users: UserRecord[];
    servers: readonly ImServer[];
    equivalent: WizardTask;
    detailLimit?: number;
  }): Promise<void> {
    const { out, c } = this;
    const equivalent = equivalentCommand(spec.equivalent);
    out.print();
    out.print(c.bold(spec.heading));
    const lines = reviewLines(spec.targets, {
      color: c,
      users: new Map(spec.users.map((u) => [u.dn.toLowerCase(), u])),
      servers: serversByDn(spec.servers),
      ...(spec.detailLimit !== undefined ? { detailLimit: spec.detailLimit } : {}),
    });
    for (const line of lines) out.print(line);
    const counts = countPlans(spec.targets);
    out.print(countsLine(counts));

    if (counts.write > 0) {
      for (;;) {
        const answer = await this.prompts.select<'apply' | 'command' | 'cancel'>({
          message: `Apply ${plural(counts.write, 'change')} on ${this.directory.endpoint.host}?`,
          choices: [
            { value: 'apply', name: 'Yes, apply them' },
            { value: 'command', name: 'Show the equivalent imctl command first' },
            { value: 'cancel', name: 'No, cancel (nothing is written)' },
          ],
        });
        if (answer === 'apply') break;
        if (answer === 'cancel') throw new Interrupted('Cancelled at the review: nothing was written.');
        out.print(`  ${equivalent}`);
      }
    } else {
      out.print(c.dim('Nothing to write.'));
    }

    out.print();
    try {
      // Confirmed above: executeTargets must not ask again. It prints every outcome (failures with their reasons) and the summary.
      const { journal } = await executeTargets(this.context, this.directory, spec.targets, { command: spec.command, yes: true });
      // executeTargets named the journal on stderr as the run started.
      if (journal) out.print(c.dim(`To put it all back: imctl undo ${shellQuote(journal)}`));
      out.print(c.dim(`Next time, without the wizard: ${equivalent}`));
    } catch (error) {
      if (error instanceof PartialFailure) {
        out.print(c.yellow('What to do: fix what each failure above says, then run the wizard again (or the command below).'));
        out.print(c.yellow('Users already done show as "unchanged"; nothing is written twice. The journal named above records what changed.'));
        out.print(c.dim(`  ${equivalent}`));
      }
      throw error;
    }
  }
}

function nameOf(user: UserRecord): string {
  return user.sAMAccountName || user.dn;
}

function named(users: readonly UserRecord[]): Named[] {
  return users.map((user) => ({ name: nameOf(user), user }));
}

/** Why a search match cannot take part in this task (shown beside it), or false. */
function unfitFor(task: UserTask, user: UserRecord): string | false {
  const enabled = isImEnabled(user.im);
  if (task === 'enable' && enabled) return '(IM is on already; Move re-homes)';
  if ((task === 'disable' || task === 'move') && !enabled) return '(IM is off)';
  return false;
}
