/**
 * The one description of a write that both the LDAP writer and the LDIF renderer consume.
 * Every change is a compare-and-set: an attribute's old value is deleted and its new value added
 * in the same ModifyRequest, so if another writer changed it meanwhile AD answers
 * noSuchAttribute (16) or attributeOrValueExists (20) and nothing on the entry changes.
 */
import { IM_ATTRIBUTES, sameValue, type ImAttribute, type ImState } from './im-model.js';

export interface ModOp {
  operation: 'add' | 'delete';
  attribute: ImAttribute;
  value: string;
}

export function compareAndSetOps(before: ImState, after: ImState): ModOp[] {
  const ops: ModOp[] = [];
  for (const attribute of IM_ATTRIBUTES) {
    const old = before[attribute];
    const next = after[attribute];
    if (sameValue(attribute, old, next)) continue;
    if (old !== undefined) ops.push({ operation: 'delete', attribute, value: old });
    if (next !== undefined) ops.push({ operation: 'add', attribute, value: next });
  }
  return ops;
}
