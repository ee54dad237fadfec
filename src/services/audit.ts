/**
 * `imctl audit`: one paged pass over the IM users, the IM servers, and one SRV lookup per IM
 * domain in use; then the pure analysis (src/core/audit.ts) and, for --fix, the repairs planned
 * as write-path targets (the command hands them to the one write path).
 */
import { capacityFor, checkServerCapacities } from '../config/server-capacity.js';
import type { Settings } from '../config/settings.js';
import { isActive, isIdleFor, LOGON_LAG_NOTE } from '../core/activity.js';
import {
  auditDirectory,
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
import { IM_ATTRIBUTES } from '../core/im-model.js';
import { writePlan } from '../core/provision.js';
import type { SrvRecord } from '../core/srv.js';
import type { DirectoryPort } from './directory-port.js';
import { assertHomesReadable } from './organisation.js';
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
    users: number;
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
  /** Each finding with its severity beside its kind, as `--report` writes it. */
  findings: (Finding & { severity: Severity })[];
}

/** Examples are a glance; every finding is in full in --json and --report. */
function clip(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** What the pass read, kept for planning repairs. */
export interface AuditRun {
  report: AuditReport;
  users: AuditUser[];
  servers: AuditServer[];
  now: number;
}

export async function runAudit(
  directory: DirectoryPort,
  settings: Settings,
  options: AuditOptions = {},
): Promise<AuditRun> {
  const users: AuditUser[] = [];
  const [imServers] = await Promise.all([
    directory.servers(),
    directory.forEachImUser(
      (user) => users.push(user),
      () => (users.length = 0),
    ),
  ]);
  await assertHomesReadable(
    directory,
    imServers,
    users.map((u) => u.im.msExchIMVirtualServer),
  );
  checkServerCapacities(settings, imServers);
  const servers: AuditServer[] = imServers.map((s) => ({
    ...s,
    capacity: s.hostsUsers ? capacityFor(settings, [s.name, s.cn, s.host]) : 0,
  }));

  let rvp: Map<string, RvpAnswer> | undefined;
  if (options.lookupSrv) {
    const domains = new Set<string>();
    for (const user of users) {
      const at = user.im.msExchIMAddress?.lastIndexOf('@') ?? -1;
      if (at > 0) domains.add(user.im.msExchIMAddress!.slice(at + 1).toLowerCase());
    }
    const lookup = options.lookupSrv;
    rvp = new Map(
      await Promise.all(
        [...domains].map(async (domain): Promise<[string, RvpAnswer]> => {
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

  const now = options.now ?? Date.now();
  const result = auditDirectory({ users, servers, rvp, now });
  const summary = FINDING_KINDS.map((kind): AuditSummaryRow => {
    const of = result.findings.filter((f) => f.kind === kind);
    const fixable = of.filter((f) => f.repair !== null);
    const flags = [...new Set(fixable.map((f) => REPAIR_FLAG[f.repair!]))];
    return {
      kind,
      title: FINDING_TITLES[kind],
      count: of.length,
      fixable: fixable.length,
      fixWith: flags.length > 0 ? flags.join(' or ') : null,
      informational: INFORMATIONAL.has(kind),
      examples: of.slice(0, EXAMPLES).map((f) => clip(`${f.subject}: ${f.detail}`)),
    };
  });
  const report: AuditReport = {
    dc: directory.label,
    baseDn: directory.baseDn,
    users: result.users,
    servers: serverCounts(users, servers, result, now, settings.activeDays),
    activity: { activeDays: settings.activeDays, now: new Date(now).toISOString(), note: LOGON_LAG_NOTE },
    imDomains: result.imDomains,
    dnsChecked: result.dnsChecked,
    summary,
    problems: problems(result.findings).length,
    findings: result.findings.map(({ kind, ...rest }) => ({ kind, severity: severityOf(kind), ...rest })),
  };
  return { report, users, servers, now };
}

/** Users, idle seats and inactive users per server, from one pass's users. */
function serverCounts(
  users: readonly AuditUser[],
  servers: readonly AuditServer[],
  result: { loads: Record<string, number>; idleByServer: Record<string, number> },
  now: number,
  activeDays: number,
): AuditReport['servers'] {
  // Inactive per server, from the same pass (the audit reads lastLogonTimestamp with the rest).
  const serverByDn = new Map(servers.map((s) => [s.dn.toLowerCase(), s.name]));
  const inactive = new Map<string, number>();
  for (const user of users) {
    const name = user.im.msExchIMVirtualServer
      ? serverByDn.get(user.im.msExchIMVirtualServer.toLowerCase())
      : undefined;
    if (name !== undefined && !isActive(user, now, activeDays)) inactive.set(name, (inactive.get(name) ?? 0) + 1);
  }
  return servers.map((s) => ({
    name: s.name,
    host: s.host,
    role: s.hostsUsers ? 'home' : 'router',
    users: result.loads[s.name] ?? 0,
    capacity: s.hostsUsers ? s.capacity : null,
    idleSeats: result.idleByServer[s.name] ?? 0,
    inactive: inactive.get(s.name) ?? 0,
  }));
}

/**
 * The per-server counts once `written` targets were carried out: the users with their new values,
 * counted again. What `audit --fix` shows after its repairs (the findings table is what it found).
 */
export function serversAfterRepairs(
  run: AuditRun,
  written: readonly Target[],
  activeDays: number,
): AuditReport['servers'] {
  const after = new Map(
    written.flatMap((t) => (t.dn && t.plan.kind === 'write' ? [[t.dn, t.plan.after] as const] : [])),
  );
  const users = run.users.map((u) => (after.has(u.dn) ? { ...u, im: after.get(u.dn)! } : u));
  return serverCounts(
    users,
    run.servers,
    auditDirectory({ users, servers: run.servers, now: run.now }),
    run.now,
    activeDays,
  );
}

/**
 * One write-path target per user with a certain repair. Orphans are placed as enable places: on
 * the home server with the most room, counting the loads the pass saw and this batch.
 */
export function planAuditRepairs(run: AuditRun, options: IdleRepairOptions): Target[] {
  const { report, users, servers } = run;
  // --disable-idle DAYS: homed accounts with no logon for more than DAYS days, whatever their account state.
  const idleDays = options.disableIdle ? options.idleDays : undefined;
  const idleFor = new Set(
    idleDays === undefined
      ? []
      : users.filter((u) => u.im.msExchIMVirtualServer && isIdleFor(u, run.now, idleDays)).map((u) => u.dn),
  );
  const byUser = new Map<string, Finding[]>();
  for (const finding of report.findings) {
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
  written: readonly Target[],
  options: RepairOptions,
  /** The per-server counts after the repairs (serversAfterRepairs): a server cleared of idle seats may be within capacity now. */
  serversNow?: AuditReport['servers'],
): Finding[] {
  const stillOver = new Set(
    (serversNow ?? report.servers).filter((s) => s.capacity !== null && s.users > s.capacity).map((s) => s.name),
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
  return problems(report.findings).filter(
    (f) =>
      !(f.dn && cleared.has(f.dn)) &&
      !(f.dn && f.repair && repaired.has(f.dn) && enabledBy(f.repair, options)) &&
      !(f.kind === 'over-capacity' && !stillOver.has(f.subject)),
  );
}
