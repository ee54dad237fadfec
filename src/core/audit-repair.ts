/**
 * What `imctl audit --fix` writes for one user: the repairs whose right value is certain, folded
 * into one compare-and-set write from the exact stored state. Pure.
 */
import type { AuditUser, Finding, Repair } from './audit.js';
import {
  IM_ATTRIBUTES,
  imValues,
  physicalUrl,
  sameState,
  splitAddress,
  type ImServer,
  type ImState,
} from './im-model.js';

export interface RepairOptions {
  /** The certain repairs: partial state on a known home, the private URL's host, orphans. */
  fix: boolean;
  /** Rewrite equivalent values to imctl's lower case (never done otherwise). */
  normalizeCase: boolean;
  /** Clear IM on idle seats (disabled or expired accounts). */
  disableIdle: boolean;
}

export interface UserRepair {
  after: ImState;
  repairs: Repair[];
}

/**
 * The state after every applicable repair of this user's findings, or undefined when none
 * applies. `home`: its existing home server; `placedOn`: where an orphan goes (as enable places).
 */
export function repairUser(
  user: AuditUser,
  findings: readonly Finding[],
  home: ImServer | undefined,
  placedOn: ImServer | undefined,
  options: RepairOptions,
): UserRepair | undefined {
  const wanted = new Set(findings.flatMap((f) => (f.repair ? [f.repair] : [])));
  const before = user.im;
  // An idle seat given back: nothing else about it matters any more.
  if (options.disableIdle && wanted.has('clear-idle')) return { after: {}, repairs: ['clear-idle'] };

  const address = splitAddress(before.msExchIMAddress);
  const after: ImState = { ...before };
  const repairs: Repair[] = [];
  if (options.fix && address && wanted.has('rehome-orphan') && placedOn) {
    after.msExchIMVirtualServer = placedOn.dn;
    after.msExchIMPhysicalURL = physicalUrl(placedOn.host, address.alias, address.imDomain);
    repairs.push('rehome-orphan');
  }
  if (options.fix && address && home && wanted.has('fill-partial')) {
    const values = imValues(address.alias, address.imDomain, home);
    for (const attribute of IM_ATTRIBUTES) if (after[attribute] === undefined) after[attribute] = values[attribute];
    repairs.push('fill-partial');
  }
  if (options.fix && address && home && wanted.has('fix-physical-host')) {
    after.msExchIMPhysicalURL = physicalUrl(home.host, address.alias, address.imDomain);
    repairs.push('fix-physical-host');
  }
  if (options.normalizeCase && wanted.has('normalize-case')) {
    for (const attribute of ['msExchIMAddress', 'msExchIMMetaPhysicalURL', 'msExchIMPhysicalURL'] as const) {
      const value = after[attribute];
      if (value !== undefined) after[attribute] = value.toLowerCase();
    }
    repairs.push('normalize-case');
  }
  return repairs.length > 0 && !sameState(before, after) ? { after, repairs } : undefined;
}

/** For people: what a user's repairs do. */
export const REPAIR_TEXT: Record<Repair, string> = {
  'fill-partial': 'fill the missing IM values',
  'fix-physical-host': 'point the private URL at the home server',
  'rehome-orphan': 're-home',
  'normalize-case': 'lower-case the values',
  'clear-idle': 'clear IM (idle seat)',
};
