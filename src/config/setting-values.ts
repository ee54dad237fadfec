/**
 * One setting's value as one source gave it, read by the one rule its registry entry declares —
 * whole numbers within the entry's bounds, fixed choices in any case, switches, URL lists, paths,
 * the IM domain's form — so that a value means the same, and is refused in the same words, from
 * the command line, the environment and the config file. A bad value is a usage error naming where
 * it came from. Also: flags given an empty value.
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { splitUrls, validateUrl } from './ldap-urls.js';
import {
  OPTIONS,
  optionEntry,
  type BoundedKey,
  type ConfigKind,
  type GlobalFlags,
  type OptionEntry,
} from './option-registry.js';

export type Source = 'flag' | 'env' | 'config' | 'default';

/** A value as a source gave it: typed by commander or the config file's check, a string from the environment. */
export interface GivenValue {
  readonly raw: unknown;
  readonly source: Exclude<Source, 'default'>;
  /** How an error names the source: `--timeout`, `IMCTL_URL`, `"timeout" in the config file`. */
  readonly where: string;
}

/**
 * `given` read as `entry` declares; undefined for a switch's environment variable that says
 * nothing. Relative paths are resolved against `cwd` (a config file's are already absolute).
 */
export function settingValue(entry: OptionEntry, given: GivenValue, cwd: string): unknown {
  const { raw, where } = given;
  if (entry.bounds) return wholeNumber(entry.bounds, where, raw);
  if (entry.choices) return choice(entry.choices, where, raw);
  switch (valueKind(entry)) {
    case 'boolean':
      return given.source === 'env' ? envFlag(raw as string) : raw;
    case 'url': {
      const urls = splitUrls(raw as string | string[]);
      urls.forEach(validateUrl);
      return urls;
    }
    case 'hosts': {
      // Each host[:port] is checked where it is used (src/dns/resolver.ts): the same words from every source.
      const hosts = splitUrls(raw as string | string[]);
      if (hosts.length === 0) throw new UsageError(`${where} names no server: give host[:port].`, 'usage');
      return hosts;
    }
    case 'path':
      // --no-ca-file: none, whatever the environment or a config file says (the system's trust store).
      return raw === false ? null : resolve(cwd, raw as string);
    case 'im-domain':
      return imDomainForm(raw as string);
    default:
      return raw;
  }
}

/** The entry's kind of value: its config kind, else a text flag or a switch. */
function valueKind(entry: OptionEntry): ConfigKind {
  return entry.config?.kind ?? (entry.flag?.value ? 'string' : 'boolean');
}

/** IM domains compare and are written lower-case, without the absolute form's trailing dot (validated where used). */
export function imDomainForm(value: string): string {
  return value.trim().toLowerCase().replace(/\.$/, '');
}

/** One of `choices` in any case (--auth, --sasl-layer, --load), else a usage error naming `where`. */
function choice(choices: readonly string[], where: string, raw: unknown): string {
  const value = String(raw);
  const chosen = value.toLowerCase();
  if (!choices.includes(chosen))
    throw new UsageError(
      `${where} must be ${choices.map((c) => `"${c}"`).join(' or ')}, not ${JSON.stringify(value.slice(0, 40))}.`,
      'usage',
    );
  return chosen;
}

/** A switch from the environment: unset or empty is no answer; 0, false, no and off are off; anything else on. */
export function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

/**
 * A whole number within `bounds` — as commander parsed it from the flag, as the config file holds
 * it, or as the environment spells it ("12", not "12.0" or "1e3").
 */
function wholeNumber(bounds: { readonly min: number; readonly max: number }, where: string, raw: unknown): number {
  const value = typeof raw === 'string' ? (/^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN) : (raw as number);
  const { min, max } = bounds;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`${where} must be a whole number from ${min} to ${max}.`, 'usage');
  return value;
}

/**
 * A whole-number setting from `where` (a flag, or a key "in the config file"), held to the
 * registry's bounds for `key` — for values given outside the setting itself (per-server capacities).
 */
export function boundedSetting(key: BoundedKey, where: string, value: number): number {
  return wholeNumber(optionEntry(key).bounds!, where, value);
}

/** Flags that take a text value, by the name an admin typed: an empty value there is an error. */
const VALUE_FLAGS = OPTIONS.flatMap((e) =>
  'flag' in e && 'value' in e.flag && !('bounds' in e) ? [[e.key, e.flag.long] as const] : [],
);

/** A flag given empty (`--url "$DC"` with DC unset) is a mistake, not "use the config file". */
export function refuseEmptyFlags(flags: GlobalFlags): void {
  for (const [key, flag] of VALUE_FLAGS) {
    const given: unknown = flags[key];
    const values = Array.isArray(given) ? (given as unknown[]) : [given];
    if (values.some((value) => typeof value === 'string' && value.trim() === '')) {
      throw new UsageError(
        `${flag} was given an empty value (an unset shell variable?): give a value or leave the flag out.`,
        'usage',
      );
    }
  }
}
