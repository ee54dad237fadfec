/**
 * The Exchange 2000 IM attribute model: from a user's alias, an IM domain and a home server to
 * the four values Exchange's Task Wizard wrote, and back again. Pure: no LDAP, no console.
 * Formats from the RVP specification; everything lower-case, because syntax 2.5.5.5 compares
 * case-sensitively in AD and imctl groups by value. Stored values are read leniently (see
 * equivalentValue): Exchange's own tools kept aliases and domains as typed.
 */

export const IM_ATTRIBUTES = [
  'msExchIMAddress',
  'msExchIMMetaPhysicalURL',
  'msExchIMPhysicalURL',
  'msExchIMVirtualServer',
] as const;
export type ImAttribute = (typeof IM_ATTRIBUTES)[number];

/** What an entry holds for the four attributes; a missing key means "not set". */
export type ImState = Partial<Record<ImAttribute, string>>;

/** An IM virtual server as discovered in the Configuration partition. */
export interface ImServer {
  dn: string;
  /** msExchIMServerName, else cn of the server object above the virtual server. */
  name: string;
  cn: string;
  /** FQDN from msExchIMHostName, lower-case. */
  host: string;
  /** msExchIMServerHostsUsers: TRUE = home server, FALSE = router. */
  hostsUsers: boolean;
}

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Why `name` is not a DNS name, or undefined: labels of 1–63 letters, digits and hyphens (not at
 * either end), 253 characters at most, ASCII only (internationalised names in their xn-- form).
 * One trailing dot — the absolute form DNS answers use — is allowed. The one validator for host
 * names, IM domains (CSV, flags, the wizard), --domain and SRV targets.
 */
export function dnsNameProblem(name: string): string | undefined {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0) return 'it is empty';
  if (bare.length > 253) return 'it is longer than 253 characters';
  if (/[^\x00-\x7F]/.test(bare)) return 'it contains non-ASCII characters (use the xn-- punycode form)';
  const bad = bare
    .toLowerCase()
    .split('.')
    .find((label) => !DNS_LABEL.test(label));
  if (bad === '') return 'it has an empty label (a leading or doubled dot)';
  return bad === undefined ? undefined : `"${bad}" is not a valid DNS label`;
}

/** An IM domain as imctl writes it: trimmed, lower-cased, without the absolute form's trailing dot — or why it cannot be one. */
export function checkImDomain(raw: string): { name: string } | { reason: string } {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  const reason = dnsNameProblem(name);
  return reason ? { reason } : { name };
}

/** KB 319758: a home server's host must be a fully qualified name, not a NetBIOS name. */
export function fqdnProblem(host: string): string | undefined {
  const problem = dnsNameProblem(host);
  if (problem) return problem;
  if (!host.replace(/\.$/, '').includes('.'))
    return 'it is not fully qualified (a NetBIOS name breaks RVP authentication, KB 319758)';
  return undefined;
}

/** The alias Exchange uses: mailNickname, else sAMAccountName, lower-case. */
export function aliasOf(user: { mailNickname?: string | undefined; sAMAccountName: string }): string {
  const nick = user.mailNickname?.trim();
  return (nick && nick.length > 0 ? nick : user.sAMAccountName).toLowerCase();
}

export function imAddress(alias: string, imDomain: string): string {
  return `${alias.toLowerCase()}@${imDomain.toLowerCase()}`;
}

export function metaPhysicalUrl(alias: string, imDomain: string): string {
  return `http://${imDomain.toLowerCase()}/instmsg/aliases/${alias.toLowerCase()}`;
}

export function physicalUrl(host: string, alias: string, imDomain: string): string {
  return `http://${host.toLowerCase()}/instmsg/local/${imDomain.toLowerCase()}/instmsg/aliases/${alias.toLowerCase()}`;
}

/** The four values an enable writes. */
export function imValues(alias: string, imDomain: string, server: Pick<ImServer, 'dn' | 'host'>): Required<ImState> {
  return {
    msExchIMAddress: imAddress(alias, imDomain),
    msExchIMMetaPhysicalURL: metaPhysicalUrl(alias, imDomain),
    msExchIMPhysicalURL: physicalUrl(server.host, alias, imDomain),
    msExchIMVirtualServer: server.dn,
  };
}

/** Enabled means homed somewhere or holding an address; a half-cleared entry still counts. */
export function isImEnabled(state: ImState): boolean {
  return state.msExchIMVirtualServer !== undefined || state.msExchIMAddress !== undefined;
}

export function hasAnyImValue(state: ImState): boolean {
  return IM_ATTRIBUTES.some((attribute) => state[attribute] !== undefined);
}

/** `alias@imdomain` split, or undefined for something that is not an address. */
export function splitAddress(address: string | undefined): { alias: string; imDomain: string } | undefined {
  if (!address) return undefined;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { alias: address.slice(0, at).toLowerCase(), imDomain: address.slice(at + 1).toLowerCase() };
}

export interface Drift {
  attribute: ImAttribute;
  stored: string | undefined;
  expected: string | undefined;
}

/**
 * Two comparisons, on purpose. *Equivalent* is what a value means: host names, IM domains and
 * the RVP alias are case-insensitive, so `JDoe@IM.Corp.Example.com` is the address imctl would
 * write as `jdoe@im.corp.example.com` — reading is lenient. *Identical* is what a compare-and-set
 * needs: the exact stored bytes, because AD deletes a 2.5.5.5 value only when it matches exactly
 * and a re-read must tell "as before" from "as written" even when those differ only in case.
 * DNs (msExchIMVirtualServer) compare case-insensitively in both: AD itself matches DN values so.
 */
export function equivalentValue(attribute: ImAttribute, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** Byte-for-byte, except DNs (case-insensitive): the comparison of the write path. */
export function sameValue(attribute: ImAttribute, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return attribute === 'msExchIMVirtualServer' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Attribute-by-attribute real difference: values that are merely equivalent (case) are not drift. */
export function driftBetween(stored: ImState, expected: ImState): Drift[] {
  return IM_ATTRIBUTES.filter((attribute) => !equivalentValue(attribute, stored[attribute], expected[attribute])).map(
    (attribute) => ({ attribute, stored: stored[attribute], expected: expected[attribute] }),
  );
}

/** Values that are equivalent but not identical: they differ from what imctl would write in case only. */
export function caseOnlyDifferences(stored: ImState, expected: ImState): Drift[] {
  return IM_ATTRIBUTES.filter(
    (attribute) =>
      stored[attribute] !== undefined &&
      equivalentValue(attribute, stored[attribute], expected[attribute]) &&
      !sameValue(attribute, stored[attribute], expected[attribute]),
  ).map((attribute) => ({ attribute, stored: stored[attribute], expected: expected[attribute] }));
}

/** Identical states (the write path's test: compare-and-set, re-reads after a lost answer, undo). */
export function sameState(a: ImState, b: ImState): boolean {
  return IM_ATTRIBUTES.every((attribute) => sameValue(attribute, a[attribute], b[attribute]));
}

/** Equivalent states (the planner's test: nothing to write). */
export function equivalentState(a: ImState, b: ImState): boolean {
  return driftBetween(a, b).length === 0;
}

/**
 * The state to write when `want` is wanted: every stored value equivalent to the wanted one is
 * kept exactly as stored, so a write never rewrites case as a side effect (that is
 * `audit --fix --normalize-case`'s job alone).
 */
export function keepEquivalent(stored: ImState, want: ImState): ImState {
  const after: ImState = {};
  for (const attribute of IM_ATTRIBUTES) {
    const value = equivalentValue(attribute, stored[attribute], want[attribute]) ? stored[attribute] : want[attribute];
    if (value !== undefined) after[attribute] = value;
  }
  return after;
}
