/** One user's IM state for people: the four attributes, the account, drift and case-only values (or the state as JSON). */
import { IM_ATTRIBUTES } from '../core/im-model.js';
import type { UserState } from '../services/user-state.js';
import type { Output } from './output.js';
import { printFitted } from './wrap.js';

export function renderUserState(out: Output, data: UserState): void {
  if (out.json) {
    out.printJson(data);
    return;
  }
  const c = out.color;
  // At a terminal, long values (URLs, DNs) break at a "/" or "," under the value, not mid-word at the last column.
  const say = (text: string) => printFitted(out, text);
  const line = (label: string, value: string) => say(`${c.bold(label.padEnd(18))} ${value}`);
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
  for (const problem of data.problems) say(c.yellow(`! ${problem}`));
  if (data.drift.length > 0) {
    say(c.yellow('Drift from what imctl would write:'));
    for (const d of data.drift)
      say(`  ${d.attribute}: stored ${d.stored ?? '(none)'}, expected ${d.expected ?? '(none)'}`);
  } else if (data.imEnabled && data.homeServer) {
    say(c.dim(`No drift: the stored values are what imctl would write (${IM_ATTRIBUTES.length} attributes checked).`));
  }
  // Equivalent values in another case are not drift, but worth knowing.
  if (data.caseOnly.length > 0) {
    say(
      c.dim(
        `Differ in case only (equivalent; "imctl audit --fix --normalize-case" rewrites them): ${data.caseOnly.map((d) => d.attribute).join(', ')}`,
      ),
    );
  }
}
