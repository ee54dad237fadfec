/**
 * The README's configuration table, made from the option registry, so that the two cannot
 * disagree: test/config/options-table.test.ts compares it with the README's generated block.
 */
import { OPTIONS, type OptionEntry } from './option-registry.js';

const entries: readonly OptionEntry[] = OPTIONS;

function flagCell(entry: OptionEntry): string {
  if (!entry.flag) return '';
  const { long, short, value } = entry.flag;
  const cell = `\`${short ? `${short}, ` : ''}${long}${value ? ` ${value.toUpperCase()}` : ''}\``;
  return 'negation' in entry.flag ? `${cell}, \`${long.replace('--', '--no-')}\`` : cell;
}

/** A switch's variable is shown as NAME=1 (any value but 0/false/no/off turns it on); NO_COLOR as itself. */
function envCell(entry: OptionEntry): string {
  const isSwitch = entry.flag !== undefined && entry.flag.value === undefined && !entry.flag.long.startsWith('--no-');
  return (entry.env ?? []).map((name, i) => `\`${name}${i === 0 && isSwitch ? '=1' : ''}\``).join(' / ');
}

function configCell(entry: OptionEntry): string {
  if (!entry.config) return '';
  return entry.config.kind === 'servers' ? '`servers.<name>.capacity`' : `\`${entry.config.key}\``;
}

/** The table, one row per registry entry in its order, ending in a newline. */
export function optionsTable(): string {
  const rows = entries.map((e) => `| ${flagCell(e)} | ${envCell(e)} | ${configCell(e)} | ${e.doc} |`);
  return ['| flag | environment | config key | meaning |', '|---|---|---|---|', ...rows, ''].join('\n');
}
