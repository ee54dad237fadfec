/** One user's IM state as `imctl show` reports it: the values, the home server, and drift from what imctl would write. */
import { UsageError, quoted } from '../core/errors.js';
import { caseOnlyDifferences, driftBetween, isImEnabled, type ImServer } from '../core/im-model.js';
import { expectedState } from '../core/provision.js';
import { serversByDn } from '../core/server-ref.js';
import { describeResolutionProblem, type UserRecord } from '../core/user-record.js';
import type { DirectoryPort } from './directory-port.js';
import { assertHomesReadable } from './organisation.js';

export interface UserState {
  dn: string;
  guid: string;
  sAMAccountName: string;
  userPrincipalName: string | null;
  displayName: string | null;
  accountDisabled: boolean;
  imEnabled: boolean;
  imAddress: string | null;
  metaPhysicalUrl: string | null;
  physicalUrl: string | null;
  /** The home server's name (docs/json.md), its host and role; null when not homed. */
  homeServer: string | null;
  homeServerHost: string | null;
  homeServerRole: 'home' | 'router' | 'missing' | null;
  homeServerDn: string | null;
  drift: { attribute: string; stored: string | null; expected: string | null }[];
  /** Equivalent values stored in another case than imctl writes (not drift; `audit --fix --normalize-case` rewrites them). */
  caseOnly: { attribute: string; stored: string | null; expected: string | null }[];
  problems: string[];
}

export async function userState(directory: DirectoryPort, typed: string): Promise<UserState> {
  const name = typed.trim();
  const [servers, resolved] = await Promise.all([directory.servers(), directory.resolveUsers([name])]);
  const resolution = resolved.get(name)!;
  if (!('user' in resolution))
    throw new UsageError(
      `Cannot show ${quoted(name)}: ${describeResolutionProblem(name, resolution)}.`,
      resolution.problem,
    );
  await assertHomesReadable(directory, servers, [resolution.user.im.msExchIMVirtualServer]);
  return stateOf(resolution.user, servers);
}

export function stateOf(user: UserRecord, servers: readonly ImServer[]): UserState {
  const home = user.im.msExchIMVirtualServer
    ? serversByDn(servers).get(user.im.msExchIMVirtualServer.toLowerCase())
    : undefined;
  const expected = expectedState(user, home);
  const drift = expected ? driftBetween(user.im, expected) : [];
  const caseOnly = expected ? caseOnlyDifferences(user.im, expected) : [];
  const problems: string[] = [];
  if (user.im.msExchIMVirtualServer && !home) problems.push('home server does not exist (orphaned)');
  if (!user.im.msExchIMVirtualServer && isImEnabled(user.im))
    problems.push('has an IM address but no home server (half-enabled: "imctl audit --fix" completes it)');
  if (home && !home.hostsUsers) problems.push(`homed on ${home.name}, which is a router (orphaned)`);
  if (isImEnabled(user.im) && !user.im.msExchIMAddress) problems.push('homed but has no IM address');
  return {
    dn: user.dn,
    guid: user.guid,
    sAMAccountName: user.sAMAccountName,
    userPrincipalName: user.userPrincipalName ?? null,
    displayName: user.displayName ?? null,
    accountDisabled: user.accountDisabled,
    imEnabled: isImEnabled(user.im),
    imAddress: user.im.msExchIMAddress ?? null,
    metaPhysicalUrl: user.im.msExchIMMetaPhysicalURL ?? null,
    physicalUrl: user.im.msExchIMPhysicalURL ?? null,
    homeServer: home?.name ?? null,
    homeServerHost: home?.host ?? null,
    homeServerRole: home ? (home.hostsUsers ? 'home' : 'router') : user.im.msExchIMVirtualServer ? 'missing' : null,
    homeServerDn: user.im.msExchIMVirtualServer ?? null,
    drift: drift.map((d) => ({ attribute: d.attribute, stored: d.stored ?? null, expected: d.expected ?? null })),
    caseOnly: caseOnly.map((d) => ({ attribute: d.attribute, stored: d.stored ?? null, expected: d.expected ?? null })),
    problems,
  };
}
