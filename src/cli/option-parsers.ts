/** Option value parsers shared by the command declarations; they fail as usage errors (exit 2). */
import { InvalidArgumentError } from 'commander';

export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    // "-5" and "0" get the same plain answer as "x": what the option takes, not a range up to 2^53.
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    const wanted = `a whole number ${range}`;
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected ${wanted}, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected ${wanted}, got ${n}`);
    return n;
  };
}

/** A CSV field separator: one character, or "tab". */
export function delimiter(value: string): string {
  if (/^(tab|\\t|\t)$/i.test(value)) return '\t';
  if ([...value].length !== 1 || /[\s"\r\n]/.test(value))
    throw new InvalidArgumentError(`expected one character such as ";" or "|", or "tab", got "${value}"`);
  return value;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

/** A repeatable option whose values are kept whole: a group's DN has commas in it. */
export function repeat(value: string, previous: string[] = []): string[] {
  return value.trim() ? [...previous, value.trim()] : previous;
}
