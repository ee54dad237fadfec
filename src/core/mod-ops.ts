/**
 * The one description of a write that both the LDAP writer and the LDIF renderer consume.
 * Every change is a compare-and-set: an attribute's old value is deleted and its new value added
 * in the same ModifyRequest, so if another writer changed it meanwhile AD answers
 * noSuchAttribute (16) or attributeOrValueExists (20) and nothing on the entry changes.
 */
import { IM_ATTRIBUTES, sameValue, type ImAttribute, type ImState } from './im-model.js';

export interface ModOp {
  operation: 'add' | 'delete' | 'replace';
  attribute: ImAttribute;
  /** One value; `replace` with none clears the attribute. */
  values: string[];
}

/**
 * A DN value naming a deleted object (`CN=IM VS\0ADEL:<guid>,CN=Deleted Objects,…`): what AD and
 * Samba show for a home server that was deleted. No delete-by-value can match it, so it is
 * replaced instead; the other attributes of the same request still carry the compare-and-set.
 */
export function isDeletedObjectDn(dn: string): boolean {
  return /\\0ADEL:/i.test(dn) || /,CN=Deleted Objects,/i.test(dn);
}

export function compareAndSetOps(before: ImState, after: ImState): ModOp[] {
  const ops: ModOp[] = [];
  for (const attribute of IM_ATTRIBUTES) {
    const old = before[attribute];
    const next = after[attribute];
    if (sameValue(attribute, old, next)) continue;
    if (attribute === 'msExchIMVirtualServer' && old !== undefined && isDeletedObjectDn(old)) {
      ops.push({ operation: 'replace', attribute, values: next === undefined ? [] : [next] });
      continue;
    }
    if (old !== undefined) ops.push({ operation: 'delete', attribute, values: [old] });
    if (next !== undefined) ops.push({ operation: 'add', attribute, values: [next] });
  }
  return ops;
}
