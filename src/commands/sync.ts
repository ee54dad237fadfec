/**
 * `imctl sync [RULE]`: IM follows group membership. The rule (config `sync.<RULE>`) and the flags
 * beside it become one request (flags win); src/services/sync-plan.ts plans it, and the plan goes
 * through the write path every writing command shares (dry run, LDIF, journal, undo, report).
 */
import type { Settings } from '../config/settings.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_MAX_REMOVALS, planSync, syncPlanJson, type SyncRequest } from '../services/sync-plan.js';
import { requireImDomain } from '../services/provisioning.js';
import { withSpinner } from '../ui/progress.js';
import { renderSyncPlan } from '../ui/sync-view.js';
import type { Context } from './command-context.js';
import { checkWriteFlags, runWrite, type WriteFlags } from './write-command.js';

export interface SyncOptions extends WriteFlags {
  group?: string[];
  ou?: string;
  remove?: boolean;
  maxRemovals?: number;
  includeDisabled?: boolean;
  server?: string[];
}

/** The rule named (if any) under the flags given beside it. */
export function syncRequest(settings: Settings, ruleName: string | undefined, options: SyncOptions): SyncRequest {
  const rules = settings.sync.rules;
  let rule = ruleName === undefined ? undefined : rules[ruleName];
  if (ruleName !== undefined && rule === undefined) {
    const known = Object.keys(rules);
    throw new UsageError(
      `No sync rule is named ${JSON.stringify(ruleName)} in the config file${known.length ? ` (rules: ${known.join(', ')})` : ' (it has no "sync" rules)'}; or give --group without a rule.`,
      'unknown-rule',
    );
  }
  rule ??= { group: [] };
  // An IM domain given as a flag beats the rule's; the rule's beats the environment's and the config's default.
  const imDomain = settings.sources.imDomain === 'flag' ? settings.imDomain : (rule.imDomain ?? settings.imDomain);
  return {
    groups: options.group ?? rule.group,
    ou: options.ou ?? rule.ou,
    remove: options.remove ?? rule.remove ?? false,
    maxRemovals: options.maxRemovals ?? rule.maxRemovals ?? settings.sync.maxRemovals ?? DEFAULT_MAX_REMOVALS,
    includeDisabled: options.includeDisabled ?? rule.includeDisabled ?? false,
    servers: options.server ?? rule.servers,
    imDomain: requireImDomain({ imDomain }),
  };
}

export async function syncCommand(context: Context, ruleName: string | undefined, options: SyncOptions): Promise<void> {
  checkWriteFlags(options, context.settings.json);
  const { out } = context;
  const request = syncRequest(context.settings, ruleName, options);
  const directory = await context.directory();
  const plan = await withSpinner(out, 'Reading group membership', planSync(directory, context.settings, request));
  for (const notice of plan.notices) out.warn(notice);
  // The table is for people: under --json the plan travels in the one document; `--ldif -` and
  // `--report -` own stdout, so it goes to stderr then.
  const stdoutTaken = options.ldif === '-' || options.report === '-';
  if (!out.json) renderSyncPlan(out, plan, stdoutTaken ? (t) => out.info(t) : (t) => out.print(t));
  await runWrite(context, directory, plan.targets, {
    ...options,
    command: 'sync',
    jsonExtra: { sync: syncPlanJson(plan) },
  });
}
