/**
 * A list of user names as an admin pastes it — from a spreadsheet column, an e-mail or a ticket:
 * one per line, or separated by commas, semicolons or spaces. A line that is a DN stays whole
 * (`CN=Doe\, John,OU=Staff,…` holds commas); lines starting with `#` are comments.
 */
import { looksLikeDn } from '../core/escape.js';

export function splitNames(text: string): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const parts = looksLikeDn(line) ? [line] : line.split(/[,;\s]+/);
    for (const part of parts) {
      const name = part.trim().replace(/^["']|["']$/g, '');
      if (name.length === 0 || seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      names.push(name);
    }
  }
  return names;
}
