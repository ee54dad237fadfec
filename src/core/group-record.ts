import { quoted } from './errors.js';

/** A security group as sync reads it: who it is, and the RID its primary members carry. */
export interface GroupRecord {
  dn: string;
  sAMAccountName: string;
  /** The RID of its objectSid: what `primaryGroupID` of a primary member holds (AD's primaryGroupToken). */
  rid: number;
}

/** One group name to exactly one group, or why not. */
export type GroupResolution =
  | { group: GroupRecord }
  | { problem: 'unknown' }
  | { problem: 'ambiguous'; candidates: string[] }
  | { problem: 'not-a-group' };

/** The RID of a binary objectSid: its last sub-authority (little-endian). Undefined for a malformed SID. */
export function ridOfSid(sid: Buffer | undefined): number | undefined {
  // revision 1, sub-authority count at byte 1, 8-byte header, 4 bytes per sub-authority.
  if (!sid || sid.length < 12 || sid[0] !== 1) return undefined;
  const count = sid[1]!;
  if (count === 0 || sid.length !== 8 + count * 4) return undefined;
  return sid.readUInt32LE(8 + (count - 1) * 4);
}

/** Why a group name cannot be used, as one sentence part. */
export function describeGroupProblem(
  name: string,
  resolution: Exclude<GroupResolution, { group: GroupRecord }>,
): string {
  const shown = quoted(name);
  switch (resolution.problem) {
    case 'unknown':
      return `no group is named ${shown} (give a group's DN, sAMAccountName or cn)`;
    case 'not-a-group':
      return `${shown} names an object that is not a group`;
    case 'ambiguous':
      return `${shown} names ${resolution.candidates.length} groups (${resolution.candidates.slice(0, 5).join('; ')}): give the DN`;
  }
}
