/**
 * The config file's `sync` object: named rules for `imctl sync RULE` (cron's command line stays
 * `imctl sync staff --yes`), and `maxRemovals`, the default guard for every rule.
 *
 *   "sync": { "maxRemovals": 50,
 *             "staff": { "group": ["IM Users"], "ou": "OU=Staff,DC=corp,DC=example,DC=com",
 *                        "imDomain": "im.corp.example.com", "servers": ["im-east"], "remove": true } }
 *
 * A rule decides what is written where, so `sync` is a protected key (config-trust.ts): a config
 * file in the current folder sets it only when that folder is trusted. Every field is checked
 * here, so a typo is exit 2 naming the rule and the field, not a rule that silently does less.
 */
import { UsageError } from '../core/errors.js';

export interface SyncRule {
  group: string[];
  ou?: string;
  imDomain?: string;
  servers?: string[];
  remove?: boolean;
  maxRemovals?: number;
  includeDisabled?: boolean;
}

export interface SyncConfig {
  /** The guard for every rule without its own (config `sync.maxRemovals`). */
  maxRemovals?: number;
  rules: Record<string, SyncRule>;
}

/** Past this the guard guards nothing: refuse it as a typo. */
export const MAX_REMOVALS_LIMIT = 1_000_000;

const RULE_FIELDS = ['group', 'ou', 'imDomain', 'servers', 'remove', 'maxRemovals', 'includeDisabled'] as const;

const shortName = (name: string) => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNames = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim().length > 0);
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_REMOVALS_LIMIT;

/** The `sync` value of the config file at `path`, checked: a bad one is a usage error naming the field. */
export function parseSyncConfig(path: string, value: unknown): SyncConfig {
  const bad = (where: string, want: string) =>
    new UsageError(`The config file ${path}: "sync${where}" must be ${want}.`, 'config');
  if (!isObject(value)) throw bad('', 'an object of named rules ({"staff": {"group": ["IM Users"], …}})');
  // No prototype: a rule named "constructor" must be a rule, and an unnamed one must find nothing.
  const rules = Object.create(null) as Record<string, SyncRule>;
  const config: SyncConfig = { rules };
  for (const [name, raw] of Object.entries(value)) {
    if (name === 'maxRemovals') {
      if (!isCount(raw)) throw bad('.maxRemovals', `a whole number from 0 to ${MAX_REMOVALS_LIMIT}`);
      config.maxRemovals = raw;
      continue;
    }
    const at = `.${shortName(name).slice(1, -1)}`;
    if (!/^[\w.-]{1,64}$/.test(name))
      throw bad(at, 'named with letters, digits, ".", "-" or "_" (a rule name is typed on the command line)');
    if (!isObject(raw))
      throw bad(
        at,
        'an object with "group" and optionally "ou", "imDomain", "servers", "remove", "maxRemovals", "includeDisabled"',
      );
    const unknown = Object.keys(raw).filter((k) => !(RULE_FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0)
      throw bad(at, `free of unknown fields (${unknown.map(shortName).join(', ')}; known: ${RULE_FIELDS.join(', ')})`);
    const group = typeof raw.group === 'string' ? [raw.group] : raw.group;
    if (!isNames(group))
      throw bad(`${at}.group`, 'a group name or a non-empty list of them (DN, sAMAccountName or cn)');
    const rule: SyncRule = { group };
    for (const key of ['ou', 'imDomain'] as const) {
      if (raw[key] === undefined) continue;
      if (typeof raw[key] !== 'string' || raw[key].trim() === '') throw bad(`${at}.${key}`, 'a non-empty string');
      rule[key] = raw[key];
    }
    if (raw.servers !== undefined) {
      const servers = typeof raw.servers === 'string' ? [raw.servers] : raw.servers;
      if (!isNames(servers)) throw bad(`${at}.servers`, 'a home server name or a non-empty list of them');
      rule.servers = servers;
    }
    for (const key of ['remove', 'includeDisabled'] as const) {
      if (raw[key] === undefined) continue;
      if (typeof raw[key] !== 'boolean') throw bad(`${at}.${key}`, 'true or false');
      rule[key] = raw[key];
    }
    if (raw.maxRemovals !== undefined) {
      if (!isCount(raw.maxRemovals)) throw bad(`${at}.maxRemovals`, `a whole number from 0 to ${MAX_REMOVALS_LIMIT}`);
      rule.maxRemovals = raw.maxRemovals;
    }
    // Checked here, not at run time: cron should learn of it from the first `imctl sync RULE --dry-run`.
    if (rule.remove && rule.ou === undefined)
      throw bad(`${at}.ou`, 'given when "remove" is true (removal is scoped to an OU, never the whole domain)');
    rules[name] = rule;
  }
  return config;
}
