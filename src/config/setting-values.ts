/**
 * Each setting's value from each source, checked: fixed choices (--auth, --sasl-layer, --load),
 * whole numbers within the registry's bounds, switches from the environment, the IM domain's
 * form, and flags given an empty value. A bad value is a usage error naming where it came from.
 */
import { UsageError } from '../core/errors.js';
import { OPTIONS, optionEntry, type BoundedKey, type ChoiceKey, type GlobalFlags } from './option-registry.js';

/** IM domains compare and are written lower-case, without the absolute form's trailing dot (validated where used). */
export function imDomainForm(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * A setting with fixed choices (--auth, --sasl-layer, --load) from each source: one of its choices
 * in any case, else a usage error naming where the bad value came from.
 */
export function choiceSources<T extends string>(
  key: ChoiceKey,
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  file: string | undefined,
): [T | undefined, T | undefined, T | undefined] {
  const entry = optionEntry(key);
  const choices = entry.choices!;
  const envName = entry.env?.[0];
  const check = (where: string, value: string | undefined): T | undefined => {
    if (value === undefined) return undefined;
    const choice = value.toLowerCase();
    if (!choices.includes(choice)) {
      throw new UsageError(
        `${where} must be ${choices.map((c) => `"${c}"`).join(' or ')}, not ${JSON.stringify(value.slice(0, 40))}.`,
        'usage',
      );
    }
    return choice as T;
  };
  const fromEnv = envName === undefined ? undefined : env[envName];
  return [
    check(entry.flag!.long, flag),
    check(envName ?? '', fromEnv === '' ? undefined : fromEnv),
    check(`"${entry.config!.key}" in the config file`, file),
  ];
}

/** A switch from the environment: unset or empty is no answer; 0, false, no and off are off; anything else on. */
export function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

/**
 * A whole-number setting from `where` (a flag, or a key "in the config file"), held to the
 * registry's bounds for `key` — the same ones the flag's parser holds it to.
 */
export function boundedSetting(key: BoundedKey, where: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const { min, max } = optionEntry(key).bounds!;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`${where} must be a whole number from ${min} to ${max}.`, 'usage');
  return value;
}

/** Flags that take a text value, by the name an admin typed: an empty value there is an error. */
const VALUE_FLAGS = OPTIONS.flatMap((e) =>
  'flag' in e && 'value' in e.flag && !('bounds' in e) ? [[e.key, e.flag.long] as const] : [],
);

/** A flag given empty (`--url "$DC"` with DC unset) is a mistake, not "use the config file". */
export function refuseEmptyFlags(flags: GlobalFlags): void {
  for (const [key, flag] of VALUE_FLAGS) {
    const value = flags[key];
    if (typeof value === 'string' && value.trim() === '') {
      throw new UsageError(
        `${flag} was given an empty value (an unset shell variable?): give a value or leave the flag out.`,
        'usage',
      );
    }
  }
}
