/** commander's global options, made from the option registry (src/config/option-registry.ts) in its order. */
import { Option, type Command } from 'commander';
import { OPTIONS, flagSpelling, helpText } from '../config/option-registry.js';
import { wholeNumber } from './option-parsers.js';

export function addGlobalOptions(program: Command): Command {
  for (const entry of OPTIONS) {
    if (!('flag' in entry)) continue;
    const option = new Option(flagSpelling(entry.flag), helpText(entry));
    // Fixed choices are checked by setting-values.ts, in any case and with the source named; not by commander.
    if ('bounds' in entry) option.argParser(wholeNumber(entry.bounds.min, entry.bounds.max));
    // Given again, a value adds to the list (--dns-server dc1 --dns-server dc2) instead of replacing it.
    if ('repeatable' in entry.flag)
      option.argParser((value: string, before: unknown) => [...((before as string[]) ?? []), value]);
    program.addOption(option);
    if ('negation' in entry.flag)
      program.addOption(new Option(entry.flag.long.replace(/^--/, '--no-'), entry.flag.negation));
  }
  return program;
}
