/**
 * `imctl sync`: IM follows group membership. The desired set is read from the directory (members
 * of the groups, nested and primary, under the OU, enabled accounts unless asked otherwise); the
 * difference with who has IM becomes provisioning requests — enables placed by planProvisioning
 * as `enable` places them, removals planned as `disable` plans them — and the removal guard
 * refuses a plan that would strip more users than allowed, before anything is written.
 */
import type { Settings } from '../config/settings.js';
import { UsageError } from '../core/errors.js';
import { canonicalDn, dnIsWithin } from '../core/escape.js';
import { describeGroupProblem, type GroupRecord } from '../core/group-record.js';
import { isImEnabled, type ImServer } from '../core/im-model.js';
import { serversByDn } from '../core/server-ref.js';
import { assertServerNamesReadable } from './organisation.js';
import type { UserRecord } from '../core/user-record.js';
import { count, plural } from '../core/words.js';
import type { DirectoryPort } from './directory-port.js';
import { homeServer, planProvisioning, type ProvisionRequest } from './provisioning.js';
import type { Target } from './write-run.js';

/** The guard when neither --max-removals nor the config sets one. */
export const DEFAULT_MAX_REMOVALS = 100;

export interface SyncRequest {
  groups: readonly string[];
  /** Desired users and removals are looked for under it; undefined: the base DN. */
  ou?: string | undefined;
  remove: boolean;
  maxRemovals: number;
  includeDisabled: boolean;
  /** The pool newcomers are placed on (default: every home server with room). */
  servers?: readonly string[] | undefined;
  imDomain: string;
}

export interface SkippedUser {
  user: string;
  dn: string;
  reason: string;
}

export interface SyncPlan {
  targets: Target[];
  groups: GroupRecord[];
  ou: string;
  /** Newcomers per home server name. */
  adds: Map<string, number>;
  removals: number;
  /** Desired users that have IM already: no write. */
  unchanged: number;
  skipped: SkippedUser[];
  notices: string[];
}

const DISABLED_REASON = 'account disabled: IM would be a seat nobody can use (--include-disabled gives it one)';
/** Why a member that has IM but no usable home is left alone: sync enables and disables, it never moves or repairs. */
function notHomedReason(user: UserRecord, byDn: ReadonlyMap<string, ImServer>): string | undefined {
  const home = user.im.msExchIMVirtualServer;
  if (!home) return 'an IM address but no home server (half-enabled): "imctl audit --fix" repairs it';
  const server = byDn.get(home.toLowerCase());
  if (!server) return 'homed on a server that no longer exists: "imctl rebalance" re-homes it';
  return server.hostsUsers ? undefined : `homed on the router ${server.name}: "imctl rebalance" re-homes it`;
}

export async function planSync(directory: DirectoryPort, settings: Settings, request: SyncRequest): Promise<SyncPlan> {
  if (request.remove && request.ou === undefined)
    throw new UsageError(
      '--remove needs --ou: removal is scoped to an OU you name, never the whole base DN.',
      'remove-without-ou',
    );
  const ou = request.ou ?? directory.baseDn;
  const [groups, servers] = await Promise.all([resolveGroupNames(directory, request.groups), directory.servers()]);
  await assertServerNamesReadable(directory, servers, request.servers ?? []);
  const pool = request.servers?.map((name) => homeServer(servers, name));
  const [members, imUsers] = await Promise.all([
    directory.groupMembers(groups, ou),
    request.remove ? directory.imUsersUnder(ou) : Promise.resolve([]),
  ]);
  const byDn = serversByDn(servers);

  const desired = new Set<string>();
  const skipped: SkippedUser[] = [];
  const targets: Target[] = [];
  const requests: ProvisionRequest[] = [];
  const skip = (user: UserRecord, reason: string) => skipped.push({ user: user.sAMAccountName, dn: user.dn, reason });
  for (const user of sortedByName(members)) {
    // The DC scopes the search; a member outside the OU is never desired, whatever answered.
    if (!dnIsWithin(user.dn, ou)) continue;
    if (user.accountDisabled && !request.includeDisabled) {
      // A disabled member that has IM is a removal (with --remove), not a skip.
      if (!(request.remove && isImEnabled(user.im))) skip(user, DISABLED_REASON);
      continue;
    }
    desired.add(canonicalDn(user.dn));
    if (!isImEnabled(user.im)) {
      // A pool of one is the placement: no load of every server to count.
      requests.push({
        user,
        action: 'enable',
        imDomain: request.imDomain,
        server: pool?.length === 1 ? pool[0] : undefined,
      });
      continue;
    }
    const notHomed = notHomedReason(user, byDn);
    if (notHomed) skip(user, notHomed);
    // Has IM on a home server: right already, whatever its values (that is "imctl audit"'s business).
    else targets.push(unchangedTarget(user));
  }
  const removals = sortedByName(imUsers).filter((user) => !desired.has(canonicalDn(user.dn)));
  for (const user of removals) requests.push({ user, action: 'disable' });

  const plan = await planProvisioning(directory, settings, requests, {
    known: { servers: Promise.resolve(servers) },
    ...(pool ? { pool } : {}),
  });
  const adds = new Map<string, number>();
  let removing = 0;
  for (const target of plan.targets) {
    if (target.plan.kind === 'write' && target.action === 'enable') {
      const name = target.summary?.replace(/^on /, '') ?? '?';
      adds.set(name, (adds.get(name) ?? 0) + 1);
    }
    if (target.plan.kind === 'write' && target.action === 'disable') removing++;
  }
  const result: SyncPlan = {
    targets: [...targets, ...plan.targets],
    groups,
    ou,
    adds,
    removals: removing,
    unchanged: targets.length,
    skipped,
    notices: plan.notices,
  };
  if (removing > request.maxRemovals) throw guardRefusal(result, request.maxRemovals);
  return result;
}

/** The guard: an emptied or renamed group must never strip a whole OU of IM. */
export function guardRefusal(plan: SyncPlan, maxRemovals: number): UsageError {
  const desired = plan.unchanged + [...plan.adds.values()].reduce((a, b) => a + b, 0);
  return new UsageError(
    `The plan would disable IM on ${plural(plan.removals, 'user')} under ${plan.ou}, more than the ${count(maxRemovals)} allowed (--max-removals, config "sync.maxRemovals"); nothing was written. ` +
      `The groups give ${plural(desired, 'user')} IM there: if a group was emptied, renamed or mistyped, fix that; if the removals are meant, run again with --max-removals ${plan.removals}.`,
    'too-many-removals',
    { sync: syncPlanJson(plan) },
  );
}

async function resolveGroupNames(directory: DirectoryPort, names: readonly string[]): Promise<GroupRecord[]> {
  if (names.length === 0)
    throw new UsageError(
      'Name at least one group: --group G (or a rule from the config file: imctl sync RULE).',
      'no-group',
    );
  const resolved = await directory.resolveGroups(names);
  const problems: { user: string; reason: string }[] = [];
  const groups = new Map<string, GroupRecord>();
  for (const name of names) {
    const resolution = resolved.get(name)!;
    if ('group' in resolution) groups.set(canonicalDn(resolution.group.dn), resolution.group);
    else problems.push({ user: name, reason: describeGroupProblem(name, resolution) });
  }
  if (problems.length > 0)
    throw new UsageError(
      `Cannot sync: ${problems.map((p) => p.reason).join('; ')}. Nothing was written.`,
      'bad-group',
      { problems },
    );
  return [...groups.values()];
}

function unchangedTarget(user: UserRecord): Target {
  return {
    name: user.sAMAccountName || user.dn,
    action: 'enable',
    dn: user.dn,
    guid: user.guid,
    plan: { kind: 'unchanged' },
  };
}

/** Deterministic order (the same directory gives the same plan and the same placement). */
function sortedByName(users: readonly UserRecord[]): UserRecord[] {
  return [...users].sort((a, b) => a.sAMAccountName.localeCompare(b.sAMAccountName) || a.dn.localeCompare(b.dn));
}

/** The plan in the --json vocabulary (docs/json.md, "sync"). */
export function syncPlanJson(plan: SyncPlan) {
  return {
    groups: plan.groups.map((g) => g.dn),
    ou: plan.ou,
    adds: Object.fromEntries([...plan.adds].sort(([a], [b]) => a.localeCompare(b))),
    removals: plan.removals,
    unchanged: plan.unchanged,
    skipped: plan.skipped,
  };
}
