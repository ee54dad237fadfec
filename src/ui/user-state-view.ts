/** One user's IM state for people: the four attributes, the account, drift and case-only values (or the state as JSON). */
import { IM_ATTRIBUTES } from '../core/im-model.js';
import type { UserState } from '../services/user-state.js';
import type { Output } from './output.js';

export function renderUserState(out: Output, data: UserState): void {
  if (out.json) {
    out.printJson(data);
    return;
  }
  const c = out.color;
  const line = (label: string, value: string) => out.print(`${c.bold(label.padEnd(18))} ${value}`);
  line('User', `${data.displayName ?? data.sAMAccountName} (${data.sAMAccountName})`);
  line('DN', data.dn);
  line('Account', data.accountDisabled ? c.yellow('disabled') : 'enabled');
  line('IM', data.imEnabled ? c.green('enabled') : c.dim('not enabled'));
  if (data.imEnabled) {
    line('IM address', data.imAddress ?? c.yellow('(none)'));
    line('Public URL', data.metaPhysicalUrl ?? c.yellow('(none)'));
    line('Home server URL', data.physicalUrl ?? c.yellow('(none)'));
    line(
      'Home server',
      data.homeServer
        ? `${data.homeServer} (${data.homeServerHost})${data.homeServerRole === 'home' ? '' : c.yellow(' — a router')}`
        : c.yellow(data.homeServerDn ? `missing: ${data.homeServerDn}` : '(none)'),
    );
  }
  for (const problem of data.problems) out.print(c.yellow(`! ${problem}`));
  if (data.drift.length > 0) {
    out.print(c.yellow('Drift from what imctl would write:'));
    for (const d of data.drift)
      out.print(`  ${d.attribute}: stored ${d.stored ?? '(none)'}, expected ${d.expected ?? '(none)'}`);
  } else if (data.imEnabled && data.homeServer) {
    out.print(
      c.dim(`No drift: the stored values are what imctl would write (${IM_ATTRIBUTES.length} attributes checked).`),
    );
  }
  // Equivalent values in another case are not drift, but worth knowing.
  if (data.caseOnly.length > 0) {
    out.print(
      c.dim(
        `Differ in case only (equivalent; "imctl audit --fix --normalize-case" rewrites them): ${data.caseOnly.map((d) => d.attribute).join(', ')}`,
      ),
    );
  }
}
