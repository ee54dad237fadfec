/**
 * The wizard's review screen, from the planned after-state: per user, exactly the attributes that
 * will change and their new values (and the old ones where a value is replaced or cleared), which
 * users are already as wanted, and which cannot be done and why. Pure: targets in, lines out.
 */
import type { ChalkInstance } from 'chalk';
import { IM_ATTRIBUTES, sameValue, type ImAttribute, type ImServer } from '../core/im-model.js';
import type { UserRecord } from '../core/user-record.js';
import { userLabel } from '../services/user-search.js';
import type { Target } from '../services/write-run.js';

export interface ReviewOptions {
  color: ChalkInstance;
  /** Users by lower-cased DN, for their display names. */
  users: ReadonlyMap<string, UserRecord>;
  /** Servers by lower-cased DN, to show a home server by name and host. */
  servers: ReadonlyMap<string, ImServer>;
  /** Targets shown attribute by attribute; the rest are counted (failures still listed). Default 25. */
  detailLimit?: number;
}

export interface ReviewCounts {
  write: number;
  unchanged: number;
  failed: number;
}

export function countPlans(targets: readonly Target[]): ReviewCounts {
  const counts: ReviewCounts = { write: 0, unchanged: 0, failed: 0 };
  for (const t of targets) counts[t.plan.kind]++;
  return counts;
}

const LABEL_WIDTH = Math.max(...IM_ATTRIBUTES.map((a) => a.length)) + 2;
const MAX_FAILURES_LISTED = 50;

export function reviewLines(targets: readonly Target[], options: ReviewOptions): string[] {
  const c = options.color;
  const limit = options.detailLimit ?? 25;
  const lines: string[] = [];
  const serverText = (dn: string) => {
    const server = options.servers.get(dn.toLowerCase());
    return server ? `${server.name} (${server.host})` : dn;
  };
  const value = (attribute: ImAttribute, v: string) => (attribute === 'msExchIMVirtualServer' ? serverText(v) : v);
  const who = (t: Target) => {
    const user = t.dn ? options.users.get(t.dn.toLowerCase()) : undefined;
    return user ? userLabel(user) : t.name;
  };

  let shown = 0;
  let failuresListed = 0;
  const hidden: ReviewCounts = { write: 0, unchanged: 0, failed: 0 };
  // The changes not shown, by what they do: only users whose change is the same are counted together.
  const hiddenChanges = new Map<string, { action: string; server: string | undefined; count: number }>();
  for (const t of targets) {
    if (shown >= limit) {
      hidden[t.plan.kind]++;
      if (t.plan.kind === 'write') {
        const server = t.plan.after.msExchIMVirtualServer;
        const key = `${t.action}\0${server?.toLowerCase() ?? ''}`;
        const group = hiddenChanges.get(key) ?? { action: t.action, server, count: 0 };
        group.count++;
        hiddenChanges.set(key, group);
      }
      if (t.plan.kind === 'failed' && failuresListed++ < MAX_FAILURES_LISTED)
        lines.push(`  ${c.red('✘')} ${who(t)} — ${c.red(`cannot: ${t.plan.reason}`)}`);
      continue;
    }
    shown++;
    if (t.plan.kind === 'failed') {
      failuresListed++;
      lines.push(`  ${c.red('✘')} ${who(t)} — ${c.red(`cannot: ${t.plan.reason}`)}`);
      continue;
    }
    if (t.plan.kind === 'unchanged') {
      lines.push(`  ${c.dim('=')} ${who(t)} — ${c.dim('already so; nothing to change')}`);
      continue;
    }
    const { before, after } = t.plan;
    lines.push(
      `  ${c.green('●')} ${c.bold(who(t))}${t.summary ? c.dim(` — ${t.action} ${t.summary}`) : c.dim(` — ${t.action}`)}`,
    );
    for (const attribute of IM_ATTRIBUTES) {
      const b = before[attribute];
      const a = after[attribute];
      if (sameValue(attribute, b, a)) continue;
      const label = `      ${attribute.padEnd(LABEL_WIDTH)}`;
      if (a === undefined) {
        lines.push(`${label}${c.yellow('(cleared)')} ${c.dim(`was ${value(attribute, b!)}`)}`);
      } else {
        lines.push(`${label}${c.green(value(attribute, a))}`);
        if (b !== undefined) lines.push(`      ${' '.repeat(LABEL_WIDTH - 4)}${c.dim(`was ${value(attribute, b)}`)}`);
      }
    }
  }
  const more = hidden.write + hidden.unchanged + hidden.failed;
  if (more > 0) {
    const parts = [
      ...[...hiddenChanges.values()].map(
        (g) =>
          `${g.count.toLocaleString('en-US')} to ${g.action}${g.server ? ` ${destination(g.action)} ${serverText(g.server)}` : ''}`,
      ),
      hidden.unchanged ? `${hidden.unchanged.toLocaleString('en-US')} already so` : '',
      hidden.failed ? `${hidden.failed.toLocaleString('en-US')} that cannot be done (listed above)` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(c.dim(`  … and ${more.toLocaleString('en-US')} more: ${parts}.`));
  }
  if (failuresListed > MAX_FAILURES_LISTED)
    lines.push(c.red(`  … and ${failuresListed - MAX_FAILURES_LISTED} more that cannot be done.`));
  return lines;
}

/** "on" the server a user is enabled on, "to" the one a user moves to. */
const destination = (action: string) => (action === 'enable' ? 'on' : 'to');

/** `2 to change · 1 already so · 1 cannot be done`. */
export function countsLine(counts: ReviewCounts): string {
  return [
    `${counts.write.toLocaleString('en-US')} to change`,
    counts.unchanged ? `${counts.unchanged.toLocaleString('en-US')} already so` : '',
    counts.failed ? `${counts.failed.toLocaleString('en-US')} cannot be done` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}
