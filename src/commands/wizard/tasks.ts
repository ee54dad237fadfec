/**
 * The wizard's tasks, each a short script of questions over the same services the scripted
 * commands call: the plans come from the provisioning and rebalance services, the writes from
 * the one write path, `show` from the same user-state service as `imctl show`.
 */
import { UsageError } from '../../core/errors.js';
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
import { pickUsers, searchLoop } from './find-users.js';
import { MOST_ROOM, pickHomeServer, pickImDomain } from './pick-server.js';
import { fmt, plural, type WizardSession } from './session.js';

const nameOf = (user: UserRecord) => user.sAMAccountName || user.dn;

export async function enableTask(session: WizardSession): Promise<void> {
  const users = await pickUsers(session, 'enable');
  const inventory = await session.inventory();
  const newcomers = users.filter((u) => !isImEnabled(u.im)).length;
  const server = newcomers > 0 ? await pickHomeServer(session, inventory, 'enable', users) : undefined;
  const imDomain = await pickImDomain(session, users);
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
    servers: inventory.servers,
    equivalent: { task: 'enable', users: users.map(nameOf), server: chosen?.name, imDomain },
  });
}

export async function disableTask(session: WizardSession): Promise<void> {
  const users = await pickUsers(session, 'disable');
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
}

export async function moveTask(session: WizardSession): Promise<void> {
  const users = await pickUsers(session, 'move');
  const inventory = await session.inventory();
  const server = (await pickHomeServer(session, inventory, 'move', users)) as LoadedServer;
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
    servers: inventory.servers,
    equivalent: { task: 'move', users: users.map(nameOf), to: server.name },
  });
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
  const { out, c, prompts, context } = session;
  const inventory = await session.inventory();
  const home = inventory.servers.filter((s) => s.hostsUsers);
  if (home.length === 0)
    throw new UsageError(
      'There are no home servers to rebalance (only routers, or no IM servers at all).',
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
    out.print(
      c.yellow(
        `${plural(inventory.orphaned, 'user')} homed on a router or a missing server (orphaned): the plan places them too.`,
      ),
    );
  const goal = await prompts.select<'fit' | 'even' | 'drain'>({
    message: 'What should the rebalance achieve?',
    choices: [
      { value: 'fit', name: 'Bring every home server within capacity, moving as few users as possible' },
      { value: 'even', name: 'Spread users evenly (each server within one user of its fair share by capacity)' },
      { value: 'drain', name: 'Empty one or more servers (before decommissioning them)' },
    ],
  });
  let drain: LoadedServer[] = [];
  if (goal === 'drain') {
    drain = await prompts.checkbox<LoadedServer>({
      message: 'Which servers should be emptied? (space to tick, enter to go on)',
      choices: home.map((s) => ({ value: s, name: `${s.name} (${s.host}) — ${plural(s.users, 'user')}` })),
      required: true,
    });
  }
  const even = goal === 'even';
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
    out.print('Every home server is within capacity: nothing to do, nothing was written.');
    return;
  }
  const capacity = context.settings.sources.capacity === 'flag' ? context.settings.capacity : undefined;
  await reviewAndApply(session, {
    command: 'rebalance',
    heading: `The ${plural(run.plan.moves.length, 'move')}:`,
    targets: run.targets(),
    users: [...run.usersByDn.values()],
    servers: inventory.servers,
    detailLimit: 10,
    equivalent: { task: 'rebalance', even, drain: drain.map((s) => s.name), capacity },
  });
}
