/** `imctl show USER`: one user's IM state, account state, and drift from what imctl would write. */
import type { Context } from '../cli/context.js';
import { UsageError, quoted } from '../core/errors.js';
import { driftBetween, IM_ATTRIBUTES, isImEnabled } from '../core/im-model.js';
import { expectedState } from '../core/provision.js';
import { serversByDn } from '../core/server-ref.js';
import { discoverServers } from '../directory/servers.js';
import { describeResolutionProblem, resolveUsers } from '../directory/users.js';

export async function showCommand(context: Context, name: string): Promise<void> {
  const { out } = context;
  const directory = await context.directory();
  const [servers, resolved] = await Promise.all([discoverServers(directory), resolveUsers(directory, [name])]);
  const resolution = resolved.get(name)!;
  if (!('user' in resolution)) throw new UsageError(`Cannot show ${quoted(name)}: ${describeResolutionProblem(name, resolution)}.`, resolution.problem);
  const user = resolution.user;
  const home = user.im.msExchIMVirtualServer ? serversByDn(servers).get(user.im.msExchIMVirtualServer.toLowerCase()) : undefined;
  const expected = expectedState(user, home);
  const drift = expected ? driftBetween(user.im, expected) : [];
  const problems: string[] = [];
  if (isImEnabled(user.im) && !home) problems.push('home server does not exist (orphaned)');
  if (home && !home.hostsUsers) problems.push(`homed on ${home.name}, which is a router (orphaned)`);
  if (isImEnabled(user.im) && !user.im.msExchIMAddress) problems.push('homed but has no IM address');

  const data = {
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
    homeServer: home ? { name: home.name, host: home.host, role: home.hostsUsers ? 'home' : 'router', dn: home.dn } : null,
    homeServerDn: user.im.msExchIMVirtualServer ?? null,
    drift: drift.map((d) => ({ attribute: d.attribute, stored: d.stored ?? null, expected: d.expected ?? null })),
    problems,
  };
  if (out.json) {
    out.printJson(data);
    return;
  }
  const c = out.color;
  const line = (label: string, value: string) => out.print(`${c.bold(label.padEnd(18))} ${value}`);
  line('User', `${user.displayName ?? user.sAMAccountName} (${user.sAMAccountName})`);
  line('DN', user.dn);
  line('Account', user.accountDisabled ? c.yellow('disabled') : 'enabled');
  line('IM', data.imEnabled ? c.green('enabled') : c.dim('not enabled'));
  if (data.imEnabled) {
    line('IM address', data.imAddress ?? c.yellow('(none)'));
    line('Public URL', data.metaPhysicalUrl ?? c.yellow('(none)'));
    line('Home server URL', data.physicalUrl ?? c.yellow('(none)'));
    line('Home server', home ? `${home.name} (${home.host})${home.hostsUsers ? '' : c.yellow(' — a router')}` : c.yellow(`missing: ${data.homeServerDn}`));
  }
  for (const problem of problems) out.print(c.yellow(`! ${problem}`));
  if (drift.length > 0) {
    out.print(c.yellow('Drift from what imctl would write:'));
    for (const d of drift) out.print(`  ${d.attribute}: stored ${d.stored ?? '(none)'}, expected ${d.expected ?? '(none)'}`);
  } else if (data.imEnabled && home) {
    out.print(c.dim(`No drift: the stored values are what imctl would write (${IM_ATTRIBUTES.length} attributes checked).`));
  }
}
