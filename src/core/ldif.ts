/**
 * LDIF change records (RFC 2849) that `ldapmodify` applies to the same effect as imctl's own
 * writes: the same compare-and-set delete/add pairs, one record per entry.
 */
import type { ModOp } from './mod-ops.js';

/** RFC 2849 SAFE-STRING: no leading space, colon or '<', ASCII without NUL/CR/LF, no trailing space. */
function isSafe(value: string): boolean {
  if (value.length === 0) return true;
  if (/^[ :<]/.test(value) || / $/.test(value)) return false;
  return /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value);
}

export function ldifLine(attribute: string, value: string): string {
  return isSafe(value) ? `${attribute}: ${value}` : `${attribute}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function ldifModifyRecord(dn: string, ops: readonly ModOp[], comment?: string): string {
  const lines: string[] = [];
  if (comment) lines.push(`# ${comment.replace(/[\r\n]+/g, ' ')}`);
  lines.push(ldifLine('dn', dn), 'changetype: modify');
  for (const op of ops) {
    lines.push(`${op.operation}: ${op.attribute}`, ...op.values.map((value) => ldifLine(op.attribute, value)), '-');
  }
  return `${lines.join('\n')}\n\n`;
}

export const LDIF_HEADER = 'version: 1\n\n';
