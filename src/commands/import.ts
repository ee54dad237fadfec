/**
 * `imctl import FILE.csv`: bulk provisioning. The whole file is validated — syntax, users and
 * servers resolved with a few paged searches — before anything is written; then the rows go
 * through the shared write path (pipelined compare-and-set modifies, journal, report).
 */
import type { Context } from '../cli/context.js';
import type { WriteFlags } from '../cli/options.js';
import { UsageError } from '../core/errors.js';
import { dnsNameProblem, isImEnabled, type ImServer } from '../core/im-model.js';
import { ProblemList, type ImportRow, type RowProblem } from '../core/import-rows.js';
import { placeByMostRoom } from '../core/placement.js';
import { planUser, type Intent } from '../core/provision.js';
import { findServer, serversByDn } from '../core/server-ref.js';
import type { UserRecord } from '../core/user-record.js';
import { describeResolutionProblem, resolveUsers } from '../directory/users.js';
import { ImportFileError, importRecords } from '../io/csv-source.js';
import { ReportError, openReport, reportFormatFor } from '../io/report.js';
import { discoverServers } from '../directory/servers.js';
import { takeInventory } from '../services/inventory.js';
import { assertUsableHome } from '../services/targets.js';
import { executeTargets, type Target } from '../services/write-run.js';

export interface ImportOptions extends WriteFlags {
  skipInvalid?: boolean;
}

export async function importCommand(context: Context, file: string, options: ImportOptions): Promise<void> {
  const { out } = context;
  if (options.report) checkReportPath(options.report);

  // 1. Read and check the file's syntax, streaming.
  const rows: ImportRow[] = [];
  const problems = new ProblemList(50);
  const invalid = new Map<number, RowProblem>();
  try {
    for await (const item of importRecords(file)) {
      if ('reason' in item) {
        problems.add(item);
        invalid.set(item.line, item);
      } else rows.push(item);
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw new UsageError(error.message, `import-${error.code}`);
    throw error;
  }
  out.debug(`${file}: ${rows.length} valid row(s), ${problems.count} problem(s) in the syntax pass`);

  // 2. Resolve every user and server with a few searches; unknown, ambiguous or unusable ones are row problems.
  const directory = await context.directory();
  const [servers, resolved] = await Promise.all([discoverServers(directory), resolveUsers(directory, rows.map((r) => r.user))]);
  const byDn = serversByDn(servers);
  const serverCache = new Map<string, ImServer | string>();
  const serverFor = (name: string): ImServer | string => {
    const key = name.toLowerCase();
    if (!serverCache.has(key)) {
      try {
        const server = findServer(servers, name, 'home');
        assertUsableHome(server);
        serverCache.set(key, server);
      } catch (error) {
        serverCache.set(key, (error as Error).message.replace(/\.$/, ''));
      }
    }
    return serverCache.get(key)!;
  };
  const defaultImDomain = context.settings.imDomain;
  const imDomainProblem = defaultImDomain ? dnsNameProblem(defaultImDomain) : undefined;
  const users = new Map<number, UserRecord>();
  const firstLineOfDn = new Map<string, number>();
  const reject = (row: ImportRow, reason: string) => {
    const problem = { line: row.line, user: row.user, reason };
    problems.add(problem);
    invalid.set(row.line, problem);
  };
  for (const row of rows) {
    const resolution = resolved.get(row.user)!;
    if (!('user' in resolution)) {
      reject(row, describeResolutionProblem(row.user, resolution));
      continue;
    }
    const dnKey = resolution.user.dn.toLowerCase();
    const first = firstLineOfDn.get(dnKey);
    if (first !== undefined) {
      reject(row, `names the same user as line ${first} (${resolution.user.sAMAccountName})`);
      continue;
    }
    firstLineOfDn.set(dnKey, row.line);
    if (row.server) {
      const server = serverFor(row.server);
      if (typeof server === 'string') {
        reject(row, server);
        continue;
      }
    }
    if (row.action === 'enable' && !row.imDomain) {
      if (!defaultImDomain) {
        reject(row, 'no im_domain in the row and no default (--im-domain, IMCTL_IM_DOMAIN or "imDomain" in the config file)');
        continue;
      }
      if (imDomainProblem) {
        reject(row, `the default IM domain "${defaultImDomain}" is not a DNS name: ${imDomainProblem}`);
        continue;
      }
    }
    users.set(row.line, resolution.user);
  }

  if (problems.count > 0) {
    const lines = problems.format();
    for (const line of lines) out.info(`  ${line}`);
    if (problems.incomplete) out.info('  (checking stopped at the first structural error; lines after it were not checked)');
    if (!options.skipInvalid || problems.incomplete) {
      if (options.report) await reportInvalidOnly(options.report, rows, invalid);
      throw new UsageError(
        `${file}: ${problems.count} invalid row(s); nothing was written. Fix them${problems.incomplete ? '' : ', or pass --skip-invalid to import the valid rows'}.`,
        'invalid-rows',
      );
    }
    out.warn(`--skip-invalid: ${problems.count} invalid row(s) will be reported as failed; the other ${users.size} row(s) go ahead.`);
  }

  // 3. Place enables that name no server on the home servers with the most room, counting this file.
  const newcomers = rows.filter((r) => r.action === 'enable' && !r.server && users.has(r.line) && !isImEnabled(users.get(r.line)!.im));
  const placement = new Map<number, string>();
  if (newcomers.length > 0) {
    // Loads cost a count over every homed user: only placement needs them.
    const inventory = await takeInventory(directory, context.settings);
    const candidates = inventory.servers.filter((s) => s.hostsUsers && typeof serverFor(s.dn) !== 'string');
    if (candidates.length === 0) throw new UsageError('There is no usable home server to enable users on.', 'no-home-server');
    const keys = placeByMostRoom(candidates.map((s) => ({ key: s.dn, name: s.name, capacity: s.capacity, load: s.users })), newcomers.length);
    newcomers.forEach((row, i) => placement.set(row.line, keys[i]!));
  }

  const rowLines = new Set(rows.map((r) => r.line));
  const targets = function* (): Generator<Target> {
    for (const row of rows) yield targetFor(row);
    // Rows the syntax pass rejected (--skip-invalid) are reported too, by line.
    for (const problem of invalid.values()) if (!rowLines.has(problem.line)) yield { line: problem.line, name: problem.user ?? '', action: 'invalid', plan: { kind: 'failed', reason: problem.reason } };
  };
  const targetFor = (row: ImportRow): Target => {
    const problem = invalid.get(row.line);
    const user = users.get(row.line);
    if (problem || !user) return { line: row.line, name: row.user, action: row.action, plan: { kind: 'failed', reason: problem?.reason ?? 'not resolved' } };
    const base = { line: row.line, name: row.user, action: row.action, dn: user.dn, guid: user.guid };
    let intent: Intent;
    if (row.action === 'disable') intent = { action: 'disable' };
    else if (row.action === 'move') intent = { action: 'move', server: serverFor(row.server!) as ImServer };
    else {
      const current = user.im.msExchIMVirtualServer ? byDn.get(user.im.msExchIMVirtualServer.toLowerCase()) : undefined;
      const server = row.server ? (serverFor(row.server) as ImServer) : isImEnabled(user.im) ? current : byDn.get(placement.get(row.line)!.toLowerCase());
      if (!server) return { ...base, plan: { kind: 'failed', reason: 'already IM-enabled on a server that does not exist; use action "move"' } };
      intent = { action: 'enable', server, imDomain: row.imDomain ?? defaultImDomain! };
    }
    return { ...base, summary: 'server' in intent ? `on ${intent.server.name}` : undefined, plan: planUser(user, intent, byDn) };
  };
  await executeTargets(context, directory, targets, { ...options, command: 'import' });
}

function checkReportPath(path: string): void {
  try {
    reportFormatFor(path);
  } catch (error) {
    if (error instanceof ReportError) throw new UsageError(error.message, 'report-path');
    throw error;
  }
}

/** With invalid rows and no --skip-invalid, the report lists every row: invalid ones with the reason, the rest as skipped. */
async function reportInvalidOnly(path: string, rows: ImportRow[], invalid: Map<number, RowProblem>): Promise<void> {
  const report = openReport(path);
  const lines = new Set<number>();
  for (const row of rows) {
    lines.add(row.line);
    const problem = invalid.get(row.line);
    report.write({ line: row.line, user: row.user, action: row.action, outcome: problem ? 'invalid' : 'skipped', reason: problem?.reason ?? 'not written: the file has invalid rows' });
  }
  for (const problem of invalid.values()) if (!lines.has(problem.line)) report.write({ line: problem.line, user: problem.user ?? '', action: '', outcome: 'invalid', reason: problem.reason });
  await report.close();
}
