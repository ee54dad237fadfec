/**
 * `imctl audit`: one paged pass over the IM users, analysed a page at a time as it is read
 * (src/core/audit.ts's Auditor), the IM servers, and one SRV lookup per IM domain in use; for
 * --fix, the repairs planned as write-path targets (the command hands them to the one write path).
 */
import { capacityFor, checkServerCapacities } from '../config/server-capacity.js';
import type { Settings } from '../config/settings.js';
import { isIdleFor, LOGON_LAG_NOTE } from '../core/activity.js';
import {
  Auditor,
  FINDING_KINDS,
  FINDING_TITLES,
  INFORMATIONAL,
  problems,
  severityOf,
  type Severity,
  REPAIR_FLAG,
  type Repair,
  type AuditServer,
  type AuditUser,
  type Finding,
  type FindingKind,
  type RvpAnswer,
} from '../core/audit.js';
import { repairUser, REPAIR_TEXT, type RepairOptions } from '../core/audit-repair.js';
import { ImctlError } from '../core/errors.js';
import { canonicalDn } from '../core/escape.js';
import { IM_ATTRIBUTES } from '../core/im-model.js';
import { writePlan } from '../core/provision.js';
import type { SrvRecord } from '../core/srv.js';
import type { DirectoryPort } from './directory-port.js';
import { takeInventory } from './inventory.js';
import { assertServersReadable } from './organisation.js';
import { previewPlacement } from './provisioning.js';
import type { Target } from './write-run.js';

/** Examples per finding kind in the summary. */
const EXAMPLES = 3;

export interface AuditOptions {
  /** `_rvp._tcp` lookups; undefined = --no-dns. */
  lookupSrv?: ((name: string) => Promise<SrvRecord[] | null>) | undefined;
  now?: number;
}

/** --disable-idle DAYS: also clear IM on accounts with no logon for more than DAYS days. */
export interface IdleRepairOptions extends RepairOptions {
  idleDays?: number | undefined;
}

export interface AuditSummaryRow {
  kind: FindingKind;
  title: string;
  count: number;
  /** How many a repair option can repair: the option is `fixWith`. */
  fixable: number;
  /** The option that repairs this kind (--fix, --normalize-case or --disable-idle); null when none does. */
  fixWith: string | null;
  informational: boolean;
  examples: string[];
}

export interface AuditReport {
  dc: string;
  baseDn: string;
  users: number;
  /** `inactive`: homed users that are not active (enabled, unexpired, logged on within activity.activeDays). */
  servers: {
    name: string;
    host: string;
    role: 'home' | 'router';
    /** Users homed on it under the audited base. */
    users: number;
    /** Only under a --base-dn narrower than the domain: users homed on it across the domain (what capacity is held against). */
    domainUsers?: number;
    capacity: number | null;
    idleSeats: number;
    inactive: number;
  }[];
  activity: { activeDays: number; now: string; note: string };
  imDomains: Record<string, number>;
  dnsChecked: boolean;
  summary: AuditSummaryRow[];
  /** Findings that keep the audit from being clean (informational ones excluded). */
  problems: number;
}

/** Examples are a glance; every finding is in full in --json and --report. */
function clip(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A finding with its severity beside its kind, as `--json` and `--report` write it. */
export type ReportedFinding = Finding & { severity: Severity };

/** What the pass read, kept for planning repairs. */
export interface AuditRun {
  report: AuditReport;
  /** The findings, when kept (repairing: --fix, --normalize-case, --disable-idle); otherwise empty: they went to `onFindings`. */
  findings: ReportedFinding[];
  /** Only the users a repair needs (a repairable finding, or idle for --disable-idle DAYS); none when not repairing. */
  users: AuditUser[];
  servers: AuditServer[];
  now: number;
  /** The pass's per-server counts, to count again after repairs. */
  auditor: Auditor;
  /** Users homed per server name across the domain, when the pass read less than the domain (--base-dn). */
  domainLoads: ReadonlyMap<string, number> | undefined;
}

export interface AuditRunOptions extends AuditOptions {
  /** Each page's findings as they are found (--json, --report): the run holds none of them unless `repairs` is given. */
  onFindings?: ((findings: ReportedFinding[]) => void | Promise<void>) | undefined;
  /** Repairing: the findings and the users the repairs need are kept for planning them. */
  repairs?: IdleRepairOptions | undefined;
}

/** The summary table, counted as findings go by: how many per kind, how many a repair fixes, and the first few. */
class SummaryTally {
  private readonly rows = new Map(
    FINDING_KINDS.map((kind) => [kind, { count: 0, fixable: 0, flags: new Set<string>(), examples: [] as Finding[] }]),
  );
  problems = 0;

  add(finding: Finding): void {
    const row = this.rows.get(finding.kind)!;
    row.count++;
    if (finding.repair !== null) {
      row.fixable++;
      row.flags.add(REPAIR_FLAG[finding.repair]);
    }
    keepFirst(row.examples, finding);
    if (!INFORMATIONAL.has(finding.kind)) this.problems++;
  }

  summary(): AuditSummaryRow[] {
    return FINDING_KINDS.map((kind) => {
      const row = this.rows.get(kind)!;
      return {
        kind,
        title: FINDING_TITLES[kind],
        count: row.count,
        fixable: row.fixable,
        fixWith: row.flags.size > 0 ? [...row.flags].join(' or ') : null,
        informational: INFORMATIONAL.has(kind),
        examples: row.examples.map((f) => clip(`${f.subject}: ${f.detail}`)),
      };
    });
  }
}

/**
 * The first EXAMPLES findings by subject, as a sorted list of every finding would show them (the
 * summary reads the same whatever order the DC returns users in); equal subjects keep their order.
 */
function keepFirst(examples: Finding[], finding: Finding): void {
  let at = examples.length;
  while (at > 0 && examples[at - 1]!.subject.localeCompare(finding.subject) > 0) at--;
  if (at >= EXAMPLES) return;
  examples.splice(at, 0, finding);
  if (examples.length > EXAMPLES) examples.pop();
}

/**
 * One paged pass over the IM users, a page at a time: each page's findings go to `onFindings` as
 * they are found, and only the per-server and per-domain counts, the address map for duplicates
 * and (repairing) what the repairs need stay in memory. Loads for "over capacity" are the
 * domain's: under a narrower --base-dn they are counted as rebalance counts them (takeInventory).
 */
export async function runAudit(
  directory: DirectoryPort,
  settings: Settings,
  options: AuditRunOptions = {},
): Promise<AuditRun> {
  const known = directory.servers();
  const narrowed = canonicalDn(directory.baseDn) !== canonicalDn(directory.domainDn);
  const inventory = narrowed ? takeInventory(directory, settings, known, { active: false }) : undefined;
  inventory?.catch(() => undefined); // awaited below; a pass that fails first must not leave it unhandled
  const imServers = await known;
  checkServerCapacities(settings, imServers);
  const servers: AuditServer[] = imServers.map((s) => ({
    ...s,
    capacity: s.hostsUsers ? capacityFor(settings, [s.name, s.cn, s.host]) : 0,
  }));
  const now = options.now ?? Date.now();
  const auditor = new Auditor(servers, now, settings.activeDays);
  const tally = new SummaryTally();
  const repairs = options.repairs;
  const kept: ReportedFinding[] = [];
  const users: AuditUser[] = [];
  const idleDays = repairs?.disableIdle ? repairs.idleDays : undefined;
  const knownHomes = new Set(imServers.map((s) => canonicalDn(s.dn)));
  // Home DNs as stored, already checked: a few distinct strings among 90,000 users, so each is
  // canonicalised once (per user it cost 0.5 s of CPU at 90,000 in a profile of the large bench).
  const checkedHomes = new Set<string>();
  const emit = async (findings: Finding[]) => {
    const reported = findings.map(({ kind, ...rest }) => ({ kind, severity: severityOf(kind), ...rest }));
    for (const finding of reported) tally.add(finding);
    if (repairs) kept.push(...reported);
    if (reported.length > 0) await options.onFindings?.(reported);
  };

  for await (const page of directory.auditUsers()) {
    // A home no server found has may be hidden from the bind account, not deleted: asked before its users are called orphans.
    const unknownHomes = new Map<string, string>();
    for (const user of page) {
      const home = user.im.msExchIMVirtualServer;
      if (home === undefined || checkedHomes.has(home)) continue;
      checkedHomes.add(home);
      const key = canonicalDn(home);
      if (!knownHomes.has(key)) unknownHomes.set(key, home);
    }
    await assertServersReadable(directory, [...unknownHomes.values()]);
    for (const key of unknownHomes.keys()) knownHomes.add(key);
    const findings: Finding[] = [];
    for (const user of page) {
      const own = auditor.visit(user);
      findings.push(...own);
      if (
        repairs &&
        (own.some((f) => f.repair !== null) ||
          (idleDays !== undefined && user.im.msExchIMVirtualServer && isIdleFor(user, now, idleDays)))
      )
        users.push(user);
    }
    await emit(findings);
  }

  let rvp: Map<string, RvpAnswer> | undefined;
  if (options.lookupSrv) {
    const lookup = options.lookupSrv;
    rvp = new Map(
      await Promise.all(
        [...auditor.imDomains.keys()].map(async (domain): Promise<[string, RvpAnswer]> => {
          try {
            return [domain, await lookup(`_rvp._tcp.${domain}`)];
          } catch (error) {
            // One domain that cannot be asked is a finding, not the end of the audit.
            if (error instanceof ImctlError) return [domain, { error: error.message }];
            throw error;
          }
        }),
      ),
    );
  }
  const domainLoads = inventory && new Map((await inventory).servers.map((s) => [s.name, s.users]));
  await emit(auditor.finish({ domainLoads, rvp }));

  const report: AuditReport = {
    dc: directory.label,
    baseDn: directory.baseDn,
    users: auditor.users,
    servers: serverLines(auditor, servers, domainLoads),
    activity: { activeDays: settings.activeDays, now: new Date(now).toISOString(), note: LOGON_LAG_NOTE },
    imDomains: Object.fromEntries(auditor.imDomains),
    dnsChecked: rvp !== undefined,
    summary: tally.summary(),
    problems: tally.problems,
  };
  return { report, findings: kept, users, servers, now, auditor, domainLoads };
}

/** Users, idle seats and inactive users per server, from the pass's counts (and the domain's loads under --base-dn). */
function serverLines(
  auditor: Auditor,
  servers: readonly AuditServer[],
  domainLoads: ReadonlyMap<string, number> | undefined,
): AuditReport['servers'] {
  return servers.map((s) => ({
    name: s.name,
    host: s.host,
    role: s.hostsUsers ? 'home' : 'router',
    users: auditor.loadsByServer.get(s.name) ?? 0,
    ...(domainLoads ? { domainUsers: domainLoads.get(s.name) ?? 0 } : {}),
    capacity: s.hostsUsers ? s.capacity : null,
    idleSeats: auditor.idleByServer.get(s.name) ?? 0,
    inactive: auditor.inactiveByServer.get(s.name) ?? 0,
  }));
}

/**
 * The per-server counts once `written` targets were carried out: each written user's share taken
 * off as the pass counted it and added back with its new values. What `audit --fix` shows after
 * its repairs (the findings table is what it found).
 */
export function serversAfterRepairs(run: AuditRun, written: readonly Target[]): AuditReport['servers'] {
  const byDn = new Map(run.users.map((u) => [u.dn, u]));
  const domainLoads = run.domainLoads && new Map(run.domainLoads);
  for (const target of written) {
    const user = target.dn !== undefined ? byDn.get(target.dn) : undefined;
    if (!user || target.plan.kind !== 'write') continue;
    const before = run.auditor.tally(user);
    const after = run.auditor.tally({ ...user, im: target.plan.after });
    run.auditor.count(before, -1);
    run.auditor.count(after, 1);
    if (domainLoads) {
      if (before.server !== null) domainLoads.set(before.server, (domainLoads.get(before.server) ?? 0) - 1);
      if (after.server !== null) domainLoads.set(after.server, (domainLoads.get(after.server) ?? 0) + 1);
    }
  }
  return serverLines(run.auditor, run.servers, domainLoads);
}

/** A server's load against its capacity: the domain's under --base-dn, else the pass's. */
const loadOf = (s: AuditReport['servers'][number]) => s.domainUsers ?? s.users;

/**
 * One write-path target per user with a certain repair. Orphans are placed as enable places: on
 * the home server with the most room, counting the loads the pass saw and this batch.
 */
export function planAuditRepairs(run: AuditRun, options: IdleRepairOptions): Target[] {
  const { report, users, servers, findings: found } = run;
  // --disable-idle DAYS: homed accounts with no logon for more than DAYS days, whatever their account state.
  const idleDays = options.disableIdle ? options.idleDays : undefined;
  const idleFor = new Set(
    idleDays === undefined
      ? []
      : users.filter((u) => u.im.msExchIMVirtualServer && isIdleFor(u, run.now, idleDays)).map((u) => u.dn),
  );
  const byUser = new Map<string, Finding[]>();
  for (const finding of found) {
    if (!finding.dn || !finding.repair) continue;
    const list = byUser.get(finding.dn);
    if (list) list.push(finding);
    else byUser.set(finding.dn, [finding]);
  }
  const byDn = new Map(servers.map((s) => [s.dn.toLowerCase(), s]));
  const byName = new Map(servers.map((s) => [s.name, s]));

  const orphans = users.filter(
    (u) =>
      byUser.get(u.dn)?.some((f) => f.repair === 'rehome-orphan') &&
      !idleFor.has(u.dn) &&
      !(options.disableIdle && byUser.get(u.dn)?.some((f) => f.repair === 'clear-idle')),
  );
  // Placed by the loads the pass saw (under --base-dn, that base's), as before issue 32.
  const loaded = servers.map((s) => ({ ...s, users: report.servers.find((r) => r.name === s.name)?.users ?? 0 }));
  const placedNames = previewPlacement(loaded, orphans.length);
  const placement = new Map(
    orphans.map((u, i) => [u.dn, placedNames[i] !== undefined ? byName.get(placedNames[i]!) : undefined]),
  );

  const targets: Target[] = [];
  for (const user of users) {
    const findings = byUser.get(user.dn);
    const idleSeat = options.disableIdle && findings?.some((f) => f.repair === 'clear-idle');
    if (idleFor.has(user.dn) && !idleSeat) {
      const idle =
        user.lastLogonAt === undefined
          ? 'never logged on'
          : `no logon since ${new Date(user.lastLogonAt).toISOString().slice(0, 10)}`;
      targets.push({
        name: user.sAMAccountName || user.dn,
        action: 'repair',
        dn: user.dn,
        guid: user.guid,
        summary: `clear IM (${idle}: inactive for more than ${idleDays} days)`,
        plan: writePlan(user.im, {}),
      });
      continue;
    }
    if (!findings) continue;
    const home = user.im.msExchIMVirtualServer ? byDn.get(user.im.msExchIMVirtualServer.toLowerCase()) : undefined;
    const placedOn = placement.get(user.dn);
    const repair = repairUser(user, findings, home, placedOn, options);
    if (!repair) continue;
    const text = repair.repairs.map((r) =>
      r === 'rehome-orphan' && placedOn ? `${REPAIR_TEXT[r]} on ${placedOn.name}` : REPAIR_TEXT[r],
    );
    targets.push({
      name: user.sAMAccountName || user.dn,
      action: 'repair',
      dn: user.dn,
      guid: user.guid,
      summary: text.join(', '),
      plan: writePlan(user.im, repair.after),
    });
  }
  return targets;
}

/** Which option carries out a repair. */
function enabledBy(repair: Repair, options: RepairOptions): boolean {
  if (repair === 'normalize-case') return options.normalizeCase;
  if (repair === 'clear-idle') return options.disableIdle;
  return options.fix;
}

/**
 * The problems (informational findings aside) still in the directory after `written` targets
 * were carried out — all of them when nothing was written (no repair flag, --dry-run, --ldif).
 */
export function findingsRemaining(
  report: AuditReport,
  findings: readonly Finding[],
  written: readonly Target[],
  options: RepairOptions,
  /** The per-server counts after the repairs (serversAfterRepairs): a server cleared of idle seats may be within capacity now. */
  serversNow?: AuditReport['servers'],
): Finding[] {
  const stillOver = new Set(
    (serversNow ?? report.servers).filter((s) => s.capacity !== null && loadOf(s) > s.capacity).map((s) => s.name),
  );
  const repaired = new Set(written.map((t) => t.dn));
  // A user whose IM was cleared (an idle seat given back) has no IM findings left, whatever they were.
  const cleared = new Set(
    written
      .filter(
        (t) =>
          t.plan.kind === 'write' &&
          IM_ATTRIBUTES.every((a) => t.plan.kind === 'write' && t.plan.after[a] === undefined),
      )
      .map((t) => t.dn),
  );
  return problems(findings).filter(
    (f) =>
      !(f.dn && cleared.has(f.dn)) &&
      !(f.dn && f.repair && repaired.has(f.dn) && enabledBy(f.repair, options)) &&
      !(f.kind === 'over-capacity' && !stillOver.has(f.subject)),
  );
}
