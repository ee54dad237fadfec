/**
 * The wizard's tasks, each a short script of questions over the same services the scripted
 * commands call: the plans come from the provisioning and rebalance services, the writes from
 * the one write path, `show` from the same user-state service as `imctl show`.
 */
import { UsageError } from '../../core/errors.js';
import { isPromptBack } from '../../ui/prompts.js';
import { isImEnabled } from '../../core/im-model.js';
import type { UserRecord } from '../../core/user-record.js';
import { pasteShellFor } from '../../core/shell-words.js';
import { equivalentCommand } from './equivalent-command.js';
import type { LoadedServer } from '../../services/inventory.js';
import { planProvisioning } from '../../services/provisioning.js';
import { infeasibleError, planRebalanceRun } from '../../services/rebalance-plan.js';
import { stateOf } from '../../services/user-state.js';
import { renderRebalancePlan } from '../../ui/rebalance-view.js';
import { withSpinner } from '../../ui/progress.js';
import { renderTable, utilisation } from '../../ui/table.js';
import { renderUserState } from '../../ui/user-state-view.js';
import { reviewAndApply } from './apply.js';
import { newFinder, pickUsers, searchLoop, type UserFinder } from './find-users.js';
import { MOST_ROOM, pickHomeServer, pickImDomain, type DomainAnswer } from './pick-server.js';
import { runSteps } from './steps.js';
import { fmt, plural, say, type WizardSession } from './session.js';

const nameOf = (user: UserRecord) => user.sAMAccountName || user.dn;

/** A task's answers, kept in the session while the wizard runs (see steps.ts). */
interface UserTaskMemory {
  finder: UserFinder;
  users: UserRecord[];
  server?: LoadedServer | typeof MOST_ROOM | undefined;
  domain: DomainAnswer;
}

const memoryOf = (session: WizardSession, task: string) =>
  session.memory<UserTaskMemory>(task, () => ({ finder: newFinder(), users: [], domain: {} }));

export async function enableTask(session: WizardSession): Promise<void> {
  const memory = memoryOf(session, 'enable');
  let imDomain = '';
  await runSteps([
    async (resumed) => {
      memory.users = await pickUsers(session, 'enable', memory.finder, resumed);
    },
    async () => {
      const newcomers = memory.users.filter((u) => !isImEnabled(u.im)).length;
      // Users all enabled already keep their home servers: nothing to ask.
      if (newcomers === 0) {
        memory.server = undefined;
        return 'skipped';
      }
      memory.server = await pickHomeServer(session, await session.inventory(), 'enable', memory.users, memory.server);
    },
    async (resumed) => {
      imDomain = await pickImDomain(session, memory.users, memory.domain, resumed);
    },
    async () => {
      const { users, server } = memory;
      const chosen = server === MOST_ROOM ? undefined : server;
      const { targets, notices } = await planProvisioning(
        session.directory,
        session.context.settings,
        users.map((user) => ({ user, action: 'enable' as const, server: chosen, imDomain })),
        { known: session },
      );
      const where =
        server === undefined
          ? 'their current home servers'
          : server === MOST_ROOM
            ? 'the home servers with the most room'
            : server.name;
      await reviewAndApply(session, {
        command: 'enable',
        heading: `Enable IM for ${plural(users.length, 'user')} on ${where}, IM domain ${imDomain}:`,
        targets,
        notices,
        users,
        servers: (await session.inventory()).servers,
        equivalent: { task: 'enable', users: users.map(nameOf), server: chosen?.name, imDomain },
      });
    },
  ]);
}

export async function disableTask(session: WizardSession): Promise<void> {
  const memory = memoryOf(session, 'disable');
  await runSteps([
    async (resumed) => {
      memory.users = await pickUsers(session, 'disable', memory.finder, resumed);
    },
    async () => {
      const { users } = memory;
      const { targets, servers, notices } = await planProvisioning(
        session.directory,
        session.context.settings,
        users.map((user) => ({ user, action: 'disable' as const })),
        { known: session },
      );
      await reviewAndApply(session, {
        command: 'disable',
        heading: `Disable IM for ${plural(users.length, 'user')} (msExchIMACL stays):`,
        targets,
        notices,
        users,
        servers,
        equivalent: { task: 'disable', users: users.map(nameOf) },
      });
    },
  ]);
}

export async function moveTask(session: WizardSession): Promise<void> {
  const memory = memoryOf(session, 'move');
  await runSteps([
    async (resumed) => {
      memory.users = await pickUsers(session, 'move', memory.finder, resumed);
    },
    async () => {
      memory.server = await pickHomeServer(session, await session.inventory(), 'move', memory.users, memory.server);
    },
    async () => {
      const { users } = memory;
      const server = memory.server as LoadedServer;
      const { targets, notices } = await planProvisioning(
        session.directory,
        session.context.settings,
        users.map((user) => ({ user, action: 'move' as const, server })),
        { known: session },
      );
      await reviewAndApply(session, {
        command: 'move',
        heading: `Move ${plural(users.length, 'user')} to ${server.name} (${server.host}):`,
        targets,
        notices,
        users,
        servers: (await session.inventory()).servers,
        equivalent: { task: 'move', users: users.map(nameOf), to: server.name },
      });
    },
  ]);
}

export async function showTask(session: WizardSession): Promise<void> {
  const [user] = await searchLoop(session, 'show', true);
  session.out.print();
  renderUserState(session.out, stateOf(user!, await session.servers));
  session.out.print();
  session.out.print(
    session.c.dim(
      `Next time, without the wizard: ${equivalentCommand({ task: 'show', user: nameOf(user!) }, pasteShellFor(session.context.os))}`,
    ),
  );
}

export async function rebalanceTask(session: WizardSession): Promise<void> {
  const { out, c } = session;
  const inventory = await session.inventory();
  const home = inventory.servers.filter((s) => s.hostsUsers);
  if (home.length === 0)
    throw new UsageError(
      'There are no home servers to rebalance (only routers, or no IM servers at all, or none the bind account can read in the Exchange organisation).',
      'no-home-server',
    );
  out.print(
    renderTable(
      c,
      ['Home server', 'Host', 'Users', 'Active', 'Capacity', 'Use'],
      home.map((s) => [
        s.name,
        s.host,
        fmt(s.users),
        fmt(s.active ?? 0),
        fmt(s.capacity),
        utilisation(c, s.load ?? s.users, s.capacity),
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right'],
      { width: out.columns, shrink: [{ column: 1, min: 8, mode: 'truncate' }] },
    ),
  );
  if (inventory.orphaned > 0)
    say(
      out,
      c.yellow(
        `${plural(inventory.orphaned, 'user')} homed on a router or a missing server (orphaned): the plan places them too.`,
      ),
    );
  const memory = session.memory<{ goal?: RebalanceGoal; drain: LoadedServer[] }>('rebalance', () => ({ drain: [] }));
  await runSteps([
    async (resumed) => {
      await askRebalanceGoal(session, home, memory, resumed);
    },
    () => planAndApplyRebalance(session, memory.goal === 'even', memory.goal === 'drain' ? memory.drain : []),
  ]);
}

type RebalanceGoal = 'fit' | 'even' | 'drain';

/** The goal; for a drain, which servers (Esc there goes back to the goal, the ticks kept). */
async function askRebalanceGoal(
  session: WizardSession,
  home: LoadedServer[],
  memory: { goal?: RebalanceGoal; drain: LoadedServer[] },
  resumed: boolean,
): Promise<void> {
  let ticking = resumed && memory.goal === 'drain';
  for (;;) {
    if (!ticking) {
      memory.goal = await session.prompts.select<RebalanceGoal>({
        message: 'What should the rebalance achieve?',
        ...(memory.goal ? { default: memory.goal } : {}),
        choices: [
          { value: 'fit', name: 'Bring every home server within capacity, moving as few users as possible' },
          { value: 'even', name: 'Spread users evenly (each server within one user of its fair share by capacity)' },
          { value: 'drain', name: 'Empty one or more servers (before decommissioning them)' },
        ],
      });
      if (memory.goal !== 'drain') return;
    }
    try {
      memory.drain = await session.prompts.checkbox<LoadedServer>({
        message: 'Which servers should be emptied? (space to tick, enter to go on)',
        choices: home.map((s) => ({
          value: s,
          name: `${s.name} (${s.host}) — ${plural(s.users, 'user')}`,
          checked: memory.drain.includes(s),
        })),
        required: true,
      });
      return;
    } catch (error) {
      if (!isPromptBack(error)) throw error;
      ticking = false;
    }
  }
}

async function planAndApplyRebalance(session: WizardSession, even: boolean, drain: LoadedServer[]): Promise<void> {
  const { out, context } = session;
  const inventory = await session.inventory();
  // Every homed user is read before the plan: seconds on a large directory, so say what is going on.
  const run = await withSpinner(
    out,
    'Reading every homed user to plan the moves',
    planRebalanceRun(session.directory, context.settings, { even, drain: drain.map((s) => s.dn) }),
  );
  if (!run.plan.feasible) throw infeasibleError(run.plan);
  out.print();
  renderRebalancePlan(out, run.plan, run.names, even);
  if (run.plan.moves.length === 0) {
    say(out, 'Every home server is within capacity: nothing to do, nothing was written.');
    return;
  }
  const capacity = context.settings.sources.capacity === 'flag' ? context.settings.capacity : undefined;
  const { targets, users } = await withSpinner(
    out,
    `Reading the ${plural(run.plan.moves.length, 'user')} to move`,
    run.moveTargets(),
  );
  await reviewAndApply(session, {
    command: 'rebalance',
    heading: `The ${plural(run.plan.moves.length, 'move')}:`,
    targets,
    users,
    servers: inventory.servers,
    detailLimit: 10,
    equivalent: { task: 'rebalance', even, drain: drain.map((s) => s.name), capacity },
  });
}
