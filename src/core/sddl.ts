/**
 * Windows security descriptors in SDDL (the string form `Get-Acl`'s `.Sddl` and `icacls /save`
 * speak), reduced to what imctl's file checks need: the owner, whether the DACL is protected from
 * inheritance, and its ACEs (type, flags, access mask, trustee). Pure, so that every Windows check
 * is tested on any machine with descriptors written as SDDL.
 *
 * Grammar (MS-DTYP 2.5.1): `O:<sid>G:<sid>D:<flags>(<ace>)(<ace>)…S:…`, an ACE being
 * `type;flags;rights;object;inherited-object;sid`. Rights are hex (0x1200a9) or two-letter codes.
 */

/** Well-known SIDs by their SDDL abbreviation (the ones a file's DACL carries). */
const SID_ALIASES: Readonly<Record<string, string>> = {
  WD: 'S-1-1-0', // Everyone
  CO: 'S-1-3-0', // Creator Owner
  AN: 'S-1-5-7', // Anonymous
  IU: 'S-1-5-4', // Interactive
  AU: 'S-1-5-11', // Authenticated Users
  SY: 'S-1-5-18', // Local System
  BA: 'S-1-5-32-544', // BUILTIN\Administrators
  BU: 'S-1-5-32-545', // BUILTIN\Users
  BG: 'S-1-5-32-546', // BUILTIN\Guests
  OW: 'S-1-3-4', // Owner Rights
};

/** Access-mask bits of files and folders (winnt.h), and the generic ones. */
export const FileRight = {
  readData: 0x1, // FILE_READ_DATA / FILE_LIST_DIRECTORY
  writeData: 0x2, // FILE_WRITE_DATA / FILE_ADD_FILE
  appendData: 0x4, // FILE_APPEND_DATA / FILE_ADD_SUBDIRECTORY
  writeEa: 0x10,
  deleteChild: 0x40, // FILE_DELETE_CHILD: remove or rename anything in the folder
  writeAttributes: 0x100,
  delete: 0x10000,
  writeDac: 0x40000,
  writeOwner: 0x80000,
  genericAll: 0x10000000,
  genericWrite: 0x40000000,
  genericRead: 0x80000000,
} as const;

/** The two-letter rights codes (MS-DTYP 2.5.1.1). */
const RIGHT_CODES: Readonly<Record<string, number>> = {
  GA: FileRight.genericAll,
  GR: FileRight.genericRead,
  GW: FileRight.genericWrite,
  GX: 0x20000000,
  FA: 0x1f01ff, // FILE_ALL_ACCESS
  FR: 0x120089, // FILE_GENERIC_READ
  FW: 0x120116, // FILE_GENERIC_WRITE
  FX: 0x1200a0, // FILE_GENERIC_EXECUTE
  SD: FileRight.delete,
  RC: 0x20000,
  WD: FileRight.writeDac,
  WO: FileRight.writeOwner,
  CC: 0x1, // the directory-service codes double as the low file bits in icacls' output
  DC: 0x2,
  LC: 0x4,
  SW: 0x8,
  RP: 0x10,
  WP: 0x20,
  DT: 0x40,
  LO: 0x80,
  CR: 0x100,
};

export interface Ace {
  allow: boolean;
  /** Two-letter ACE flags: OI, CI, NP, IO (inherit only: not for this object), ID (inherited). */
  flags: string[];
  rights: number;
  sid: string;
}

export interface SecurityDescriptor {
  owner: string | undefined;
  /** "P" in the DACL flags: the DACL does not inherit from the parent folder. */
  protected: boolean;
  /** undefined: no DACL at all, which grants everyone everything. */
  dacl: Ace[] | undefined;
}

/** An SDDL trustee as a SID string (an alias resolved; DU, "Domain Users", is any domain's -513). */
function sidOf(text: string): string {
  if (text === 'DU') return 'S-1-5-21-*-513';
  return SID_ALIASES[text] ?? text.toUpperCase();
}

function rightsOf(text: string): number {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^\d+$/.test(text)) return Number(text);
  let mask = 0;
  for (let i = 0; i < text.length; i += 2) {
    const code = RIGHT_CODES[text.slice(i, i + 2)];
    if (code === undefined) throw new Error(`unknown SDDL right "${text.slice(i, i + 2)}" in "${text}"`);
    mask |= code;
  }
  return mask >>> 0;
}

/** Parse SDDL; throws on what it cannot read (a check must never pass on a descriptor it misread). */
export function parseSddl(sddl: string): SecurityDescriptor {
  const owner = /O:([^:()]+?)(?=[GDS]:|$)/.exec(sddl)?.[1];
  const dacl = /D:([A-Z]*)((?:\([^)]*\))*)/.exec(sddl);
  if (!dacl) return { owner: owner && sidOf(owner), protected: false, dacl: undefined };
  const aces = [...dacl[2]!.matchAll(/\(([^)]*)\)/g)].map(([, body]) => {
    const [type, flags, rights, , , sid] = body!.split(';');
    if (sid === undefined || !['A', 'D', 'OA', 'OD'].includes(type!))
      throw new Error(`unreadable ACE "(${body})" in a security descriptor`);
    return {
      allow: type!.endsWith('A'),
      flags: flags!.match(/../g) ?? [],
      rights: rightsOf(rights!),
      sid: sidOf(sid),
    };
  });
  return { owner: owner && sidOf(owner), protected: dacl[1]!.includes('P'), dacl: aces };
}

/** Groups that mean "other people on this machine or domain" (no user-writable or user-readable ACE for them). */
const BROAD: Readonly<Record<string, string>> = {
  'S-1-1-0': 'Everyone',
  'S-1-5-7': 'Anonymous',
  'S-1-5-4': 'Interactive users',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-32-545': 'Users',
  'S-1-5-32-546': 'Guests',
};

/** The display name of a broad group, or undefined for a SID that names a user or an administrator. */
export function broadGroup(sid: string): string | undefined {
  if (/^S-1-5-21-(?:\*|\d+-\d+-\d+)-513$/.test(sid)) return 'Domain Users';
  if (/^S-1-5-21-(?:\*|\d+-\d+-\d+)-514$/.test(sid)) return 'Domain Guests';
  return BROAD[sid];
}

/** Owners that may own what the user trusts, as root may on POSIX: SYSTEM, Administrators, TrustedInstaller. */
export function isAdministrativeOwner(sid: string): boolean {
  return sid === 'S-1-5-18' || sid === 'S-1-5-32-544' || sid.startsWith('S-1-5-80-956008885-');
}

/** The first broad group that an ACE applying to this object allows any of `rights`, with its name. */
export function broadGrant(sd: SecurityDescriptor, rights: number): string | undefined {
  if (sd.dacl === undefined) return 'Everyone (the object has no DACL)';
  // Deny ACEs are not credited: a check that misses a deny refuses too much, never too little.
  const ace = sd.dacl.find((a) => a.allow && !a.flags.includes('IO') && a.rights & rights && broadGroup(a.sid));
  return ace && broadGroup(ace.sid);
}
