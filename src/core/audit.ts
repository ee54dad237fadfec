/**
 * `imctl audit`: what is wrong in a directory that Exchange's own tools have written to for years.
 * Pure analysis — compact user records, the IM servers with their capacities and the DNS answers
 * in; findings out. Which findings `--fix` may repair is decided here too (only where the right
 * value is certain); the repairs themselves are in audit-repair.ts.
 */
import {
  aliasOf,
  fqdnProblem,
  hasAnyImValue,
  IM_ATTRIBUTES,
  splitAddress,
  type ImServer,
  type ImState,
} from './im-model.js';
import { isActive } from './activity.js';
import { ExitCode, ImctlError } from './errors.js';
import { isServiceUnavailable, type SrvRecord } from './srv.js';

/** One user as the audit pass reads it: the four IM values and just enough of the account. */
export interface AuditUser {
  dn: string;
  guid: string;
  sAMAccountName: string;
  mailNickname?: string | undefined;
  /** userAccountControl bit 0x2. */
  accountDisabled: boolean;
  /** When the account expires (ms since the epoch); undefined = never. */
  expiresAt?: number | undefined;
  /** lastLogonTimestamp (ms since the epoch); undefined = never (or not read). */
  lastLogonAt?: number | undefined;
  im: ImState;
}

export interface AuditServer extends ImServer {
  /** Users a home server should hold (0 for routers). */
  capacity: number;
}

/** The `_rvp._tcp.<domain>` answer for an IM domain: records, null (no record), or why it could not be asked. */
export type RvpAnswer = SrvRecord[] | null | { error: string };

export const FINDING_KINDS = [
  'duplicate-address',
  'partial',
  'inconsistent',
  'orphan',
  'over-capacity',
  'idle-seat',
  'dns',
  'alias-changed',
  'case-only',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** What each kind is, for people: the summary table's first column. */
export const FINDING_TITLES: Record<FindingKind, string> = {
  'duplicate-address': 'Duplicate IM addresses',
  partial: 'Partial IM state',
  inconsistent: 'Values that disagree',
  orphan: 'Orphans (router or missing server)',
  'over-capacity': 'Servers over capacity',
  'idle-seat': 'Idle seats (disabled/expired accounts)',
  dns: 'IM domains without a usable _rvp SRV',
  'alias-changed': 'Alias changed since enable',
  'case-only': 'Values in another case (equivalent)',
};

/**
 * Informational kinds do not make the audit fail: a changed alias still routes (the address is
 * what clients use), and values that differ in case only are equivalent.
 */
export const INFORMATIONAL: ReadonlySet<FindingKind> = new Set(['alias-changed', 'case-only']);

/** `problem` keeps the audit from being clean (exit 3); `info` is worth knowing only. */
export type Severity = 'problem' | 'info';

export function severityOf(kind: FindingKind): Severity {
  return INFORMATIONAL.has(kind) ? 'info' : 'problem';
}

/** What --fix would do about a finding; undefined = nothing certain, reported only. */
export type Repair = 'fill-partial' | 'fix-physical-host' | 'rehome-orphan' | 'normalize-case' | 'clear-idle';

/** The option that carries out each repair: --fix does only the certain ones; the other two are asked for by name. */
export const REPAIR_FLAG: Record<Repair, '--fix' | '--normalize-case' | '--disable-idle'> = {
  'fill-partial': '--fix',
  'fix-physical-host': '--fix',
  'rehome-orphan': '--fix',
  'normalize-case': '--normalize-case',
  'clear-idle': '--disable-idle',
};

export interface Finding {
  kind: FindingKind;
  /** A user's sAMAccountName, a server's name, or an IM domain. */
  subject: string;
  dn: string | null;
  /** The home server's name (or the raw DN when it does not exist), where it matters. */
  server: string | null;
  detail: string;
  /** The repair --fix can carry out (with --normalize-case / --disable-idle for those two). */
  repair: Repair | null;
}

export interface AuditInput {
  users: readonly AuditUser[];
  servers: readonly AuditServer[];
  /** Per IM domain in use (lower-case); absent = not asked (--no-dns). */
  rvp?: ReadonlyMap<string, RvpAnswer> | undefined;
  /** For account expiry. */
  now: number;
}

export interface AuditResult {
  findings: Finding[];
  /** IM users read (any of the four attributes set). */
  users: number;
  /** Users homed per server name (missing servers by their stored DN), within the audited base. */
  loads: Record<string, number>;
  /** Idle seats per server name: capacity that can be reclaimed. */
  idleByServer: Record<string, number>;
  /** IM domains in use, lower-case, with how many addresses each. */
  imDomains: Record<string, number>;
  dnsChecked: boolean;
}

const META_URL = /^http:\/\/([^/]+)\/instmsg\/aliases\/([^/]+)$/i;
const PHYSICAL_URL = /^http:\/\/([^/]+)\/instmsg\/local\/([^/]+)\/instmsg\/aliases\/([^/]+)$/i;

/** The parts of a public URL, lower-case, or undefined when it is not one. */
export function parseMetaUrl(url: string | undefined): { imDomain: string; alias: string } | undefined {
  const m = url ? META_URL.exec(url) : null;
  return m ? { imDomain: m[1]!.toLowerCase(), alias: m[2]!.toLowerCase() } : undefined;
}

/** The parts of a home-server URL, lower-case, or undefined when it is not one. */
export function parsePhysicalUrl(
  url: string | undefined,
): { host: string; imDomain: string; alias: string } | undefined {
  const m = url ? PHYSICAL_URL.exec(url) : null;
  return m ? { host: m[1]!.toLowerCase(), imDomain: m[2]!.toLowerCase(), alias: m[3]!.toLowerCase() } : undefined;
}

export function isIdle(user: AuditUser, now: number): boolean {
  return user.accountDisabled || (user.expiresAt !== undefined && user.expiresAt <= now);
}

/** What a server's line counts of one user: where it is homed (a server's name, or the stored DN of a missing one), and whether it is an idle seat or inactive. */
export interface UserTally {
  server: string | null;
  idle: boolean;
  inactive: boolean;
}

/** The first account seen with an address: what a later duplicate's finding names, and whether its own finding is out. */
interface FirstHolder {
  subject: string;
  dn: string;
  server: string | null;
  reported: boolean;
}

/**
 * The audit, one user at a time: `visit` returns a user's findings as soon as it is read, so a
 * pass over 100,000 users holds none of them. What it keeps is per server and per IM domain,
 * plus one map of address → the first account with it (duplicates are found as they appear: the
 * second holder reports both). `finish` adds what needs every user: servers over capacity and DNS.
 */
export class Auditor {
  private readonly byDn: Map<string, AuditServer>;
  private readonly loads = new Map<string, number>();
  private readonly idle = new Map<string, number>();
  private readonly inactiveBy = new Map<string, number>();
  private readonly domains = new Map<string, number>();
  private readonly firstByAddress = new Map<string, FirstHolder>();
  private imUsers = 0;

  constructor(
    private readonly servers: readonly AuditServer[],
    private readonly now: number,
    /** Counts inactive users per server (src/core/activity.ts); undefined = not counted. */
    private readonly activeDays?: number,
  ) {
    this.byDn = new Map(servers.map((s) => [s.dn.toLowerCase(), s]));
  }

  /** IM users visited. */
  get users(): number {
    return this.imUsers;
  }

  /** Distinct IM addresses held for duplicate detection (the one map that grows with the directory). */
  get addressesHeld(): number {
    return this.firstByAddress.size;
  }

  /** Users homed per server name (missing servers by their stored DN), among those visited. */
  get loadsByServer(): ReadonlyMap<string, number> {
    return this.loads;
  }

  get idleByServer(): ReadonlyMap<string, number> {
    return this.idle;
  }

  get inactiveByServer(): ReadonlyMap<string, number> {
    return this.inactiveBy;
  }

  /** IM domains in use, lower-case, with how many addresses each. */
  get imDomains(): ReadonlyMap<string, number> {
    return this.domains;
  }

  /** Where a user counts on the servers' lines; also used to count them again after repairs. */
  tally(user: AuditUser): UserTally {
    const vs = user.im.msExchIMVirtualServer;
    if (vs === undefined) return { server: null, idle: false, inactive: false };
    const server = this.byDn.get(vs.toLowerCase())?.name ?? vs;
    return {
      server,
      idle: isIdle(user, this.now),
      inactive: this.activeDays !== undefined && !isActive(user, this.now, this.activeDays),
    };
  }

  /** Adds (`by` 1) or takes away (-1) one user's share of the per-server counts. */
  count(tally: UserTally, by: 1 | -1 = 1): void {
    if (tally.server === null) return;
    bump(this.loads, tally.server, by);
    if (tally.idle) bump(this.idle, tally.server, by);
    if (tally.inactive) bump(this.inactiveBy, tally.server, by);
  }

  /** One user's findings, as soon as it is read (a duplicate's first holder is reported with the second). */
  visit(user: AuditUser): Finding[] {
    const im = user.im;
    if (!hasAnyImValue(im)) return [];
    this.imUsers++;
    const tally = this.tally(user);
    this.count(tally);
    const findings = userFindings(user, this.byDn, this.now);
    const address = splitAddress(im.msExchIMAddress);
    if (address) bump(this.domains, address.imDomain, 1);
    if (im.msExchIMAddress !== undefined) findings.push(...this.duplicates(user, im.msExchIMAddress, tally.server));
    return findings;
  }

  /** Duplicates: RVP cannot route one address to two accounts. Reported for each account, never changed. */
  private duplicates(user: AuditUser, value: string, server: string | null): Finding[] {
    const address = value.toLowerCase();
    const subject = user.sAMAccountName || user.dn;
    const first = this.firstByAddress.get(address);
    if (!first) {
      this.firstByAddress.set(address, { subject, dn: user.dn, server, reported: false });
      return [];
    }
    const found = (who: { subject: string; dn: string; server: string | null }, other: string): Finding => ({
      kind: 'duplicate-address',
      subject: who.subject,
      dn: who.dn,
      server: who.server,
      detail: `${address} is also the address of ${other}`,
      repair: null,
    });
    const findings = [found({ subject, dn: user.dn, server }, first.subject)];
    if (!first.reported) {
      first.reported = true;
      findings.unshift(found(first, subject));
    }
    return findings;
  }

  /**
   * What needs every user: servers over capacity, from `domainLoads` (users per server name across
   * the domain, when the pass read less than the domain) or else from the pass; and the DNS findings.
   */
  finish(options: { domainLoads?: ReadonlyMap<string, number>; rvp?: ReadonlyMap<string, RvpAnswer> } = {}): Finding[] {
    const findings: Finding[] = [];
    const loads = options.domainLoads ?? this.loads;
    for (const server of this.servers) {
      const load = loads.get(server.name) ?? 0;
      if (server.hostsUsers && load > server.capacity) {
        findings.push({
          kind: 'over-capacity',
          subject: server.name,
          dn: server.dn,
          server: server.name,
          detail: `${load} users${options.domainLoads ? ' in the domain' : ''}, capacity ${server.capacity} (${load - server.capacity} over): "imctl rebalance" plans the fewest moves`,
          repair: null,
        });
      }
    }
    if (options.rvp) findings.push(...dnsFindings(options.rvp, this.servers, this.domains));
    return findings;
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Every finding about one user on its own (all but duplicates, which need the others). */
function userFindings(user: AuditUser, byDn: ReadonlyMap<string, AuditServer>, now: number): Finding[] {
  const findings: Finding[] = [];
  const im = user.im;
  const vs = im.msExchIMVirtualServer;
  const home = vs !== undefined ? byDn.get(vs.toLowerCase()) : undefined;
  const serverName = home?.name ?? vs ?? null;
  const add = (kind: FindingKind, detail: string, repair: Repair | null = null) =>
    findings.push({ kind, subject: user.sAMAccountName || user.dn, dn: user.dn, server: serverName, detail, repair });
  const address = splitAddress(im.msExchIMAddress);
  const usableHome = home !== undefined && home.hostsUsers && !fqdnProblem(home.host);

  // Partial: some of the four, not all. Certain to fill only on a known home server, from a valid address.
  const missing = IM_ATTRIBUTES.filter((a) => im[a] === undefined);
  if (missing.length > 0) {
    const repair = usableHome && address ? 'fill-partial' : null;
    add(
      'partial',
      `${missing.join(', ')} not set${repair ? '' : vs === undefined ? ' (no home server: which one is not certain)' : !address ? ' (no valid IM address to derive them from)' : ''}`,
      repair,
    );
  }

  // Orphans: homed on a router or on a server that no longer exists. Re-homed as enable places, if it has an address —
  // unless the account is disabled or expired: that is an idle seat (below), not a user to give a live seat to.
  if (vs !== undefined && (!home || !home.hostsUsers)) {
    const idle = isIdle(user, now);
    add(
      'orphan',
      `${home ? `homed on ${home.name}, a router` : `homed on a deleted or missing server (${vs})`}${idle ? `; not re-homed: the account is ${user.accountDisabled ? 'disabled' : 'expired'} (an idle seat: --disable-idle clears it)` : ''}`,
      address && !idle ? 'rehome-orphan' : null,
    );
  }

  // Values that disagree: the private URL's host vs the home server; alias and IM domain across the three strings.
  const meta = parseMetaUrl(im.msExchIMMetaPhysicalURL);
  const physical = parsePhysicalUrl(im.msExchIMPhysicalURL);
  if (im.msExchIMMetaPhysicalURL !== undefined && !meta)
    add(
      'inconsistent',
      `msExchIMMetaPhysicalURL is not http://<im domain>/instmsg/aliases/<alias>: ${im.msExchIMMetaPhysicalURL}`,
    );
  if (im.msExchIMPhysicalURL !== undefined && !physical)
    add(
      'inconsistent',
      `msExchIMPhysicalURL is not http://<host>/instmsg/local/<im domain>/instmsg/aliases/<alias>: ${im.msExchIMPhysicalURL}`,
    );
  if (physical && home && home.hostsUsers && physical.host !== home.host.toLowerCase()) {
    add(
      'inconsistent',
      `msExchIMPhysicalURL names host ${physical.host}, but the home server ${home.name} is ${home.host}`,
      usableHome && address ? 'fix-physical-host' : null,
    );
  }
  const parts = [
    address && { from: 'msExchIMAddress', ...address },
    meta && { from: 'msExchIMMetaPhysicalURL', ...meta },
    physical && { from: 'msExchIMPhysicalURL', ...physical },
  ].filter((p): p is { from: string; alias: string; imDomain: string } => !!p);
  for (const field of ['alias', 'imDomain'] as const) {
    const values = new Set(parts.map((p) => p[field]));
    if (values.size > 1)
      add(
        'inconsistent',
        `${field === 'alias' ? 'alias' : 'IM domain'} differs: ${parts.map((p) => `${p.from} ${p[field]}`).join(', ')}`,
      );
  }

  // Idle seats: disabled or expired accounts still holding a home.
  if (vs !== undefined && isIdle(user, now)) {
    add(
      'idle-seat',
      user.accountDisabled
        ? 'account disabled, still homed'
        : `account expired ${new Date(user.expiresAt!).toISOString().slice(0, 10)}, still homed`,
      'clear-idle',
    );
  }

  // Alias changed since enable: informational (the address still routes).
  if (address && address.alias !== aliasOf(user))
    add('alias-changed', `address alias ${address.alias}, current alias ${aliasOf(user)}`);

  // Case only: equivalent values not in imctl's lower case.
  const cased = (['msExchIMAddress', 'msExchIMMetaPhysicalURL', 'msExchIMPhysicalURL'] as const).filter(
    (a) => im[a] !== undefined && im[a] !== im[a]!.toLowerCase(),
  );
  if (cased.length > 0) add('case-only', `${cased.join(', ')} not lower-case`, 'normalize-case');
  return findings;
}

/** The whole audit of users held in memory (tests, small inputs): every finding, sorted by kind and subject. */
export function auditDirectory(input: AuditInput): AuditResult {
  const auditor = new Auditor(input.servers, input.now);
  const findings = input.users.flatMap((user) => auditor.visit(user));
  findings.push(...auditor.finish({ rvp: input.rvp }));
  findings.sort(
    (a, b) => FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) || a.subject.localeCompare(b.subject),
  );
  return {
    findings,
    users: auditor.users,
    loads: Object.fromEntries(auditor.loadsByServer),
    idleByServer: Object.fromEntries(auditor.idleByServer),
    imDomains: Object.fromEntries(auditor.imDomains),
    dnsChecked: input.rvp !== undefined,
  };
}

/** IM domains whose RVP clients would not reach an IM server of this organisation. */
function dnsFindings(
  rvp: ReadonlyMap<string, RvpAnswer>,
  servers: readonly AuditServer[],
  imDomains: ReadonlyMap<string, number>,
): Finding[] {
  const hosts = new Set(servers.map((s) => s.host.toLowerCase()));
  const findings: Finding[] = [];
  for (const [domain, users] of imDomains) {
    const answer = rvp.get(domain);
    const add = (detail: string) =>
      findings.push({
        kind: 'dns',
        subject: domain,
        dn: null,
        server: null,
        detail: `${detail} (${users} address${users === 1 ? '' : 'es'})`,
        repair: null,
      });
    if (answer === undefined) continue;
    if (answer !== null && !Array.isArray(answer)) add(`_rvp._tcp.${domain} could not be looked up: ${answer.error}`);
    else if (answer === null || answer.length === 0)
      add(`no _rvp._tcp.${domain} SRV record: clients fall back to http://${domain}/`);
    else if (isServiceUnavailable(answer)) add(`_rvp._tcp.${domain} declares no RVP service (target ".")`);
    else {
      const foreign = answer.map((r) => r.name.replace(/\.$/, '').toLowerCase()).filter((h) => !hosts.has(h));
      if (foreign.length > 0)
        add(`_rvp._tcp.${domain} points at ${[...new Set(foreign)].join(', ')}, not an IM server of this organisation`);
    }
  }
  return findings;
}

/** Findings that keep the audit from being clean (exit 3). */
export function problems(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !INFORMATIONAL.has(f.kind));
}

/** The audit ran, and findings remain (exit 3, so that a nightly job can alert). */
export class FindingsRemain extends ImctlError {
  constructor(message: string) {
    super(message, ExitCode.partial, 'findings');
  }
}
