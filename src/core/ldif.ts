/**
 * LDIF change records (RFC 2849) that `ldapmodify` applies to the same effect as imctl's own
 * writes: the same compare-and-set delete/add pairs, one record per entry.
 */
import { inertText } from './inert-text.js';
import type { ModOp } from './mod-ops.js';

/**
 * A value written as is: RFC 2849 SAFE-STRING (no leading space, colon or '<', no trailing space),
 * narrowed to printable ASCII and tab. The RFC allows the other controls (ESC, BEL, DEL) plain, but
 * LDIF is read on terminals: those values are base64 (which the RFC allows for any value), exact
 * for ldapmodify and inert on screen.
 */
function isSafe(value: string): boolean {
  if (value.length === 0) return true;
  if (/^[ :<]/.test(value) || / $/.test(value)) return false;
  return /^[\x09\x20-\x7e]*$/.test(value);
}

export function ldifLine(attribute: string, value: string): string {
  return isSafe(value) ? `${attribute}: ${value}` : `${attribute}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function ldifModifyRecord(dn: string, ops: readonly ModOp[], comment?: string): string {
  const lines: string[] = [];
  // A comment is for people, and holds directory text (names, servers): shown inert, one line.
  if (comment) lines.push(`# ${inertText(comment.replace(/[\r\n]+/g, ' '))}`);
  lines.push(ldifLine('dn', dn), 'changetype: modify');
  for (const op of ops) {
    lines.push(`${op.operation}: ${op.attribute}`, ...op.values.map((value) => ldifLine(op.attribute, value)), '-');
  }
  return `${lines.join('\n')}\n\n`;
}

export const LDIF_HEADER = 'version: 1\n\n';
