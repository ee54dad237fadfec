/**
 * The one place that turns provisioning requests — `{user, action, server?, imDomain?}` from the
 * command line, a CSV row or the wizard — into planned targets for the write path: users
 * resolved in one batch, the same user named twice caught, home servers looked up (routers and
 * hosts that are not fully qualified refused), enables without a server placed on the home
 * server with the most room counting the batch, and each user's plan made once.
 */
import type { Settings } from '../config/settings.js';
import { quoted, UsageError } from '../core/errors.js';
import { dnsNameProblem, fqdnProblem, isImEnabled, type ImServer } from '../core/im-model.js';
import { placeByMostRoom } from '../core/placement.js';
import { planUser, type Intent } from '../core/provision.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import { assertServerNamesReadable } from './organisation.js';
import { canonicalDn } from '../core/escape.js';
import { describeResolutionProblem, type Resolution, type UserRecord } from '../core/user-record.js';
import type { DirectoryPort } from './directory-port.js';
import { takeInventory, type Inventory, type LoadedServer } from './inventory.js';
import type { Target } from './write-run.js';
import { capacityNotices, disabledAccountsNotice, loadsOf } from './provisioning-notices.js';

export type ProvisionAction = 'enable' | 'disable' | 'move';

export interface ProvisionRequest {
  /** CSV line, when the request came from a file. */
  line?: number | undefined;
  /** A name to resolve (DN, UPN/mail, sAMAccountName), or a user already found (the wizard's picks). */
  user: string | UserRecord;
  action: ProvisionAction;
  /** The home server: required for move; for enable, default the one with the most room. */
  server?: string | ImServer | undefined;
  /** For enable: default the configured IM domain. */
  imDomain?: string | undefined;
}

/** A request that cannot be carried out as asked: an unknown or ambiguous user, a bad server… */
export interface RequestProblem {
  index: number;
  line?: number | undefined;
  name: string;
  reason: string;
  /** The user the name resolved to, when it did (a duplicate, a bad server): the report's dn. */
  dn?: string | undefined;
}

export interface ProvisionPlan {
  /** One target per request, in order (rejected requests as failed targets with the reason). */
  targets: Target[];
  rejected: RequestProblem[];
  /** Things the admin should know that changed no target (e.g. servers left out of placement). */
  notices: string[];
  servers: ImServer[];
}

export interface ProvisionOptions {
  /**
   * A server named on the command line applies to every user: an unknown one is a usage error
   * (exit 2, nothing planned). From CSV rows it rejects just that row.
   */
  serverProblemIsUsageError?: boolean;
  /** Servers and loads the caller has already read (the wizard), so they are not read twice. */
  known?: { servers: Promise<ImServer[]>; inventory?: () => Promise<Inventory> };
  /**
   * The caller writes nothing when any request is rejected (import without --skip-invalid, the
   * command-line batches): every request is still checked, names and state alike, so all the
   * problems come back in one run; then no targets are returned.
   */
  allOrNothing?: boolean;
  /** Enables that name no server are placed only on these home servers (sync's --server S…). */
  pool?: readonly ImServer[];
}

/** The IM domain enable uses when none is given: the configured one, checked. */
export function requireImDomain(settings: Pick<Settings, 'imDomain'>): string {
  const imDomain = settings.imDomain;
  if (!imDomain)
    throw new UsageError(
      'No IM domain: give --im-domain (Microsoft recommends im.<your SMTP domain>), IMCTL_IM_DOMAIN or "imDomain" in the config file.',
      'no-im-domain',
    );
  const problem = dnsNameProblem(imDomain);
  if (problem) throw new UsageError(`The IM domain "${imDomain}" is not a DNS name: ${problem}.`, 'bad-im-domain');
  return imDomain;
}

/** The home server a name means, or a usage error: unknown, ambiguous, a router, or a host name RVP cannot use. */
export function homeServer(servers: readonly ImServer[], name: string): ImServer {
  const server = findServer(servers, name, 'home');
  assertUsableHome(server);
  return server;
}

/** A home server whose host is not an FQDN would write URLs that break RVP authentication (KB 319758). */
export function assertUsableHome(server: ImServer): void {
  const problem = fqdnProblem(server.host);
  if (problem)
    throw new UsageError(
      `${server.name}'s host name "${server.host}" cannot be used: ${problem}. Fix msExchIMHostName on ${server.dn}.`,
      'bad-host',
    );
}

export async function planProvisioning(
  directory: DirectoryPort,
  settings: Settings,
  requests: readonly ProvisionRequest[],
  options: ProvisionOptions = {},
): Promise<ProvisionPlan> {
  const names = requests.flatMap((r) => (typeof r.user === 'string' ? [r.user.trim()] : []));
  const [servers, resolved] = await Promise.all([
    options.known?.servers ?? directory.servers(),
    names.length > 0 ? directory.resolveUsers(names) : new Map<string, Resolution>(),
  ]);
  await assertServerNamesReadable(
    directory,
    servers,
    requests.map((r) => (typeof r.server === 'string' ? r.server : undefined)),
  );
  const byDn = serversByDn(servers);

  // 1. Validate each request: who, where, which IM domain.
  const { accepted, rejected } = validateRequests(requests, resolved, settings, serverLookup(servers, options));

  const notices: string[] = [];
  // A batch refused already is still checked against the directory's state, so one run lists
  // every problem (a syntax error and a conflict alike); only placement, which cannot conflict, is skipped.
  const refused = options.allOrNothing === true && rejected.length > 0;

  // 2. Place enables that name no server: the home server with the most room, counting this batch.
  const placed = refused
    ? { placement: new Map<number, ImServer>(), inventory: undefined }
    : await placeNewcomers(directory, settings, servers, byDn, requests, accepted, options, notices);
  const { placement } = placed;
  let { inventory } = placed;

  // 3. One plan per request.
  const targets = planTargets(requests, accepted, rejected, byDn, placement, refused);
  // All or nothing: a state conflict ("already IM-enabled on im-west") refuses the batch before
  // anything is written, as an unknown name does; every problem is listed, in request order.
  if (options.allOrNothing) {
    targets.forEach((target, index) => {
      if (target.plan.kind === 'failed' && accepted[index])
        rejected.push({ index, line: target.line, name: target.name, reason: target.plan.reason });
    });
    rejected.sort((a, b) => a.index - b.index);
    if (rejected.length > 0) return { targets: [], rejected, notices, servers };
  }
  // What the wizard shows before its review, said on the command line too: a named server pushed
  // over capacity, and IM given to disabled accounts (a seat nobody can use).
  const request = (index: number) => requests[index]!;
  const incoming = new Map<string, number>();
  const disabledAccounts: string[] = [];
  targets.forEach((target, index) => {
    const ok = accepted[index];
    if (!ok || target.plan.kind !== 'write' || request(index).action === 'disable') return;
    // The named server, or the one placement chose (when every home server is full, the most room is still over).
    const dest =
      ok.server ?? (request(index).action === 'enable' && !isImEnabled(ok.user.im) ? placement.get(index) : undefined);
    if (dest && !sameHome(ok.user, dest))
      incoming.set(dest.dn.toLowerCase(), (incoming.get(dest.dn.toLowerCase()) ?? 0) + 1);
    if (request(index).action === 'enable' && ok.user.accountDisabled && !isImEnabled(ok.user.im))
      disabledAccounts.push(target.name);
  });
  if (incoming.size > 0) {
    // The wizard has the loads already; the command line counts only the servers receiving users.
    inventory ??= await options.known?.inventory?.();
    const loads = inventory ? inventory.servers : await loadsOf(directory, settings, servers, incoming);
    notices.push(...capacityNotices(settings, loads, incoming));
  }
  if (disabledAccounts.length > 0) notices.push(disabledAccountsNotice(disabledAccounts));
  return { targets, rejected, notices, servers };
}

/** A request that passed validation: its user, and the server and IM domain it names. */
type Accepted = { user: UserRecord; server?: ImServer; imDomain?: string } | undefined;

/**
 * The home server a request names, or why it cannot be used (a problem of one CSV row), each
 * name looked up once. With `serverProblemIsUsageError` a problem is a usage error instead.
 */
function serverLookup(
  servers: readonly ImServer[],
  options: ProvisionOptions,
): (wanted: string | ImServer) => ImServer | string {
  const serverProblems = new Map<string, ImServer | string>();
  const lookUp = (wanted: string | ImServer): ImServer | string => {
    if (typeof wanted !== 'string') return usable(wanted);
    const key = wanted.toLowerCase();
    let found = serverProblems.get(key);
    if (found === undefined) {
      try {
        found = homeServer(servers, wanted);
      } catch (error) {
        if (options.serverProblemIsUsageError || !(error instanceof UsageError)) throw error;
        found = error.message.replace(/\.$/, '');
      }
      serverProblems.set(key, found);
    }
    return found;
  };
  const usable = (server: ImServer): ImServer | string => {
    try {
      assertUsableHome(server);
      return server;
    } catch (error) {
      if (options.serverProblemIsUsageError || !(error instanceof UsageError)) throw error;
      return error.message.replace(/\.$/, '');
    }
  };
  return lookUp;
}

/** Step 1: each request's user, server and IM domain, or why it cannot be done (one entry per request, in order). */
function validateRequests(
  requests: readonly ProvisionRequest[],
  resolved: ReadonlyMap<string, Resolution>,
  settings: Settings,
  lookUp: (wanted: string | ImServer) => ImServer | string,
): { accepted: Accepted[]; rejected: RequestProblem[] } {
  const rejected: RequestProblem[] = [];
  const accepted: Accepted[] = [];
  const firstOfUser = new Map<string, { line?: number | undefined; name: string }>();
  requests.forEach((request, index) => {
    const name = nameOf(request);
    const reject = (reason: string, dn?: string) => {
      rejected.push({ index, line: request.line, name, reason, dn });
      accepted.push(undefined);
    };
    let user: UserRecord;
    if (typeof request.user === 'string') {
      const resolution = resolved.get(request.user.trim())!;
      if (!('user' in resolution)) return reject(describeResolutionProblem(request.user.trim(), resolution));
      user = resolution.user;
    } else user = request.user;
    const key = canonicalDn(user.dn);
    const first = firstOfUser.get(key);
    if (first)
      return reject(
        first.line !== undefined
          ? `names the same user as line ${first.line} (${user.sAMAccountName})`
          : `names the same user as "${first.name}"`,
        user.dn,
      );
    firstOfUser.set(key, { line: request.line, name });

    let server: ImServer | undefined;
    if (request.server !== undefined) {
      const found = lookUp(request.server);
      if (typeof found === 'string') return reject(found, user.dn);
      server = found;
    } else if (request.action === 'move') return reject('no server to move to', user.dn);

    let imDomain: string | undefined;
    if (request.action === 'enable') {
      imDomain = request.imDomain ?? settings.imDomain;
      if (!imDomain)
        return reject(
          'no IM domain given and no default (--im-domain, IMCTL_IM_DOMAIN or "imDomain" in the config file)',
          user.dn,
        );
      const problem = dnsNameProblem(imDomain);
      if (problem) return reject(`the IM domain "${imDomain}" is not a DNS name: ${problem}`, user.dn);
    }
    accepted.push({ user, ...(server ? { server } : {}), ...(imDomain ? { imDomain } : {}) });
  });
  return { accepted, rejected };
}

/**
 * Step 2: the home server of each enable that names none and whose user has no IM yet, by request
 * index — the one with the most room, counting this batch — and the inventory read for it.
 */
async function placeNewcomers(
  directory: DirectoryPort,
  settings: Settings,
  servers: ImServer[],
  byDn: ReadonlyMap<string, ImServer>,
  requests: readonly ProvisionRequest[],
  accepted: readonly Accepted[],
  options: ProvisionOptions,
  notices: string[],
): Promise<{ placement: Map<number, ImServer>; inventory: Inventory | undefined }> {
  const placement = new Map<number, ImServer>();
  let inventory: Inventory | undefined;
  const newcomers = requests.flatMap((request, index) => {
    const ok = accepted[index];
    return request.action === 'enable' && ok && !ok.server && !isImEnabled(ok.user.im) ? [index] : [];
  });
  if (newcomers.length > 0) {
    // Loads cost a count over every homed user: only placement needs them.
    inventory = await (options.known?.inventory?.() ?? takeInventory(directory, settings, Promise.resolve(servers)));
    const inPool = new Set(options.pool?.map((s) => s.dn.toLowerCase()));
    const home = inventory.servers.filter((s) => s.hostsUsers && (!options.pool || inPool.has(s.dn.toLowerCase())));
    const candidates = home.filter((s) => !fqdnProblem(s.host));
    const left = home.filter((s) => fqdnProblem(s.host));
    if (left.length > 0)
      notices.push(
        `Not placing users on ${left.map((s) => `${s.name} (host "${s.host}": ${fqdnProblem(s.host)})`).join(', ')}: fix msExchIMHostName to use ${left.length === 1 ? 'it' : 'them'}.`,
      );
    if (candidates.length === 0)
      throw new UsageError(
        'There is no usable home server to enable users on (only routers, or none with a fully qualified host name).',
        'no-home-server',
      );
    const keys = placeByMostRoom(mostRoomInput(candidates), newcomers.length);
    newcomers.forEach((index, i) => placement.set(index, byDn.get(keys[i]!.toLowerCase())!));
  }
  return { placement, inventory };
}

/** Step 3: one target per request, in order; a rejected request is a failed target with its reason. */
function planTargets(
  requests: readonly ProvisionRequest[],
  accepted: readonly Accepted[],
  rejected: readonly RequestProblem[],
  byDn: ReadonlyMap<string, ImServer>,
  placement: ReadonlyMap<number, ImServer>,
  refused: boolean,
): Target[] {
  const rejectedAt = new Map(rejected.map((p) => [p.index, p]));
  return requests.map((request, index): Target => {
    const base = { line: request.line, name: nameOf(request), action: request.action };
    const ok = accepted[index];
    if (!ok) {
      const { reason, dn } = rejectedAt.get(index)!;
      return { ...base, ...(dn ? { dn } : {}), plan: { kind: 'failed', reason } };
    }
    const who = { ...base, dn: ok.user.dn, guid: ok.user.guid };
    let intent: Intent;
    if (request.action === 'disable') intent = { action: 'disable' };
    else if (request.action === 'move') intent = { action: 'move', server: ok.server! };
    else {
      // A user enabled already keeps its home unless a server was named; only newcomers are placed.
      const current = ok.user.im.msExchIMVirtualServer
        ? byDn.get(ok.user.im.msExchIMVirtualServer.toLowerCase())
        : undefined;
      const newcomer = !ok.server && !isImEnabled(ok.user.im);
      // Not placed because the batch is refused anyway: nothing to conflict with.
      if (newcomer && refused) return { ...who, plan: { kind: 'unchanged' as const } };
      const server = ok.server ?? (newcomer ? placement.get(index) : current);
      if (!server)
        return {
          ...who,
          plan: {
            kind: 'failed',
            reason: 'already IM-enabled on a server that does not exist; move it to a home server instead',
          },
        };
      intent = { action: 'enable', server, imDomain: ok.imDomain! };
    }
    const summary =
      intent.action === 'disable' ? undefined : `${intent.action === 'move' ? 'to' : 'on'} ${intent.server.name}`;
    return { ...who, summary, plan: planUser(ok.user, intent, byDn) };
  });
}

/**
 * A batch named on the command line is checked as a CSV file is: any name that cannot be carried
 * out refuses the whole batch (exit 2) before anything is written, listing every problem.
 */
export function refuseBatch(rejected: readonly RequestProblem[], total: number): UsageError {
  const shown = rejected
    .slice(0, 20)
    .map((p) => (p.reason.includes(quoted(p.name)) ? p.reason : `${quoted(p.name)}: ${p.reason}`));
  const more = rejected.length > shown.length ? ` … and ${rejected.length - shown.length} more` : '';
  return new UsageError(
    `${rejected.length === total ? (total === 1 ? 'The user' : `All ${total} users`) : `${rejected.length} of ${total} users`} cannot be done as asked, so nothing was written: ${shown.join('; ')}${more}. Fix or leave out ${rejected.length === 1 ? 'that name' : 'those names'} and run again.`,
    'invalid-targets',
    { problems: rejected.map((p) => ({ user: p.name, reason: p.reason })) },
  );
}

/** The placement rule's view of servers, shared with the wizard's preview: the load is the one --load chose (each newcomer counts as one). */
export function mostRoomInput(servers: readonly LoadedServer[]) {
  return servers.map((s) => ({ key: s.dn, name: s.name, capacity: s.capacity, load: s.load ?? s.users }));
}

/** Where `count` newcomers would go (server names, in order), for a preview before the admin chooses. */
export function previewPlacement(servers: readonly LoadedServer[], count: number): string[] {
  const usable = servers.filter((s) => s.hostsUsers && !fqdnProblem(s.host));
  const byKey = new Map(usable.map((s) => [s.dn, s.name]));
  return placeByMostRoom(mostRoomInput(usable), count).map((key) => byKey.get(key)!);
}

function sameHome(user: UserRecord, server: ImServer): boolean {
  return user.im.msExchIMVirtualServer?.toLowerCase() === server.dn.toLowerCase();
}

function nameOf(request: ProvisionRequest): string {
  // A name pasted with a space or a tab around it (" jdoe") names jdoe.
  return typeof request.user === 'string' ? request.user.trim() : request.user.sAMAccountName || request.user.dn;
}
