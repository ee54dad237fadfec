/**
 * A list of user names as an admin pastes it — from a spreadsheet column, an e-mail or a ticket:
 * one per line, or separated by commas, semicolons or spaces. A DN stays whole wherever it stands
 * on the line (`CN=Doe\, John,OU=Staff,…` holds commas and spaces: it runs on while each comma is
 * followed by another `attr=`), as does a quoted name; lines starting with `#` are comments.
 */

export function splitNames(text: string): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const parts = splitLine(line);
    for (const part of parts) {
      const name = part.trim().replace(/^["']|["']$/g, '');
      if (name.length === 0 || seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      names.push(name);
    }
  }
  return names;
}

/** The start of an RDN: an attribute name or OID, then `=`. */
const RDN_START = /^\s*(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)\s*=/;
const SEPARATOR = /[,;\s]/;

/** One line's names: quoted names and DNs whole, the rest split at commas, semicolons and spaces. */
function splitLine(line: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (SEPARATOR.test(c)) {
      i++;
      continue;
    }
    let end: number;
    if ((c === '"' || c === "'") && line.indexOf(c, i + 1) > i) {
      end = line.indexOf(c, i + 1) + 1;
    } else if (RDN_START.test(line.slice(i))) {
      // A DN: up to an unescaped ";" or a "," that does not start another RDN.
      for (end = i; end < line.length; end++) {
        const ch = line[end];
        if (ch === '\\') end++;
        else if (ch === ';' || (ch === ',' && !RDN_START.test(line.slice(end + 1)))) break;
      }
    } else {
      for (end = i; end < line.length && !SEPARATOR.test(line[end]!); end++);
    }
    parts.push(line.slice(i, Math.min(end, line.length)).trim());
    i = end;
  }
  return parts;
}
