/**
 * Every setting of the option registry resolved by one rule, in the contract's order: the flag,
 * then the environment variable, then the config file, then the registry's default. Each source's
 * value is read by the entry's own rule (setting-values.ts), so that `--im-domain IM.Example`,
 * `IMCTL_IM_DOMAIN=IM.Example` and `"imDomain": "IM.Example"` mean the same, and `--timeout 0`
 * and `"timeout": 0` are refused in the same words.
 *
 * Every value given is checked, the ones a higher source overrides too: a config file that is wrong
 * is reported the day it is written, not the day the flag that hid it is dropped.
 */
import type { ConfigFile, GlobalFlags, OptionEntry, SettingKey, SettingValue } from './option-registry.js';
import { optionEntry } from './option-registry.js';
import { settingValue, type GivenValue, type Source } from './setting-values.js';

/** What a setting can be read from. */
export interface SettingInputs {
  readonly flags: GlobalFlags;
  readonly env: NodeJS.ProcessEnv;
  /** The merged config files, as parseConfigFile checked them (relative paths already made absolute). */
  readonly file: ConfigFile;
  /** What a relative path on the command line or in the environment is relative to. */
  readonly cwd: string;
}

export interface Resolved<T> {
  /** Undefined only for a setting with no default that no source gave. */
  readonly value: T | undefined;
  readonly source: Source;
}

/** The setting `key`, typed as the registry declares it. */
export function resolveSetting<K extends SettingKey>(key: K, inputs: SettingInputs): Resolved<SettingValue<K>> {
  return resolveEntry(optionEntry(key), inputs) as Resolved<SettingValue<K>>;
}

/** Any registry entry: the first source that gives a value, every given value checked. */
export function resolveEntry(entry: OptionEntry, inputs: SettingInputs): Resolved<unknown> {
  const values = givenValues(entry, inputs).flatMap((given) => {
    const value = settingValue(entry, given, inputs.cwd);
    return value === undefined ? [] : [{ value, source: given.source }];
  });
  return values[0] ?? { value: entry.default, source: 'default' };
}

/** What each source holds for `entry`, highest first; an empty environment variable is unset. */
function givenValues(entry: OptionEntry, { flags, env, file }: SettingInputs): GivenValue[] {
  const given: GivenValue[] = [];
  const flag = entry.flag ? (flags as Record<string, unknown>)[entry.key] : undefined;
  if (entry.flag && flag !== undefined) given.push({ raw: flag, source: 'flag', where: entry.flag.long });
  const envName = entry.env?.[0];
  const fromEnv = envName === undefined ? undefined : env[envName];
  if (envName !== undefined && fromEnv !== undefined && fromEnv !== '')
    given.push({ raw: fromEnv, source: 'env', where: envName });
  const fromFile = entry.config ? (file as Record<string, unknown>)[entry.config.key] : undefined;
  if (entry.config && fromFile !== undefined)
    given.push({ raw: fromFile, source: 'config', where: `"${entry.config.key}" in the config file` });
  return given;
}
