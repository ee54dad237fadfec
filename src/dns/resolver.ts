/**
 * The DNS adapter: SRV and address lookups through Node's c-ares `Resolver`, with "no such record"
 * returned as an answer and a server that fails or does not answer turned into a DnsError whose
 * message says what to do. Decisions about the answers live in src/core/srv.ts and rvp.ts.
 */
import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ExitCode, ImctlError } from '../core/errors.js';
import { formatHostPort, isServiceUnavailable, orderSrv, parseHostPort, type SrvRecord } from '../core/srv.js';

export type DnsErrorCode = 'timeout' | 'refused' | 'servfail' | 'other';

/**
 * A DNS server did not answer, refused, or failed. `hostname` is the name asked about (not `name`:
 * on an Error that is the class name, "DnsError"). `server` is the server as the user gave it, or
 * the system's servers.
 */
export class DnsError extends ImctlError {
  constructor(
    message: string,
    readonly code: DnsErrorCode,
    readonly server: string,
    readonly hostname: string,
    /** Node's error code: ETIMEOUT or ECANCELLED (the deadline), ECONNREFUSED, EREFUSED, ESERVFAIL, … */
    readonly nodeCode?: string,
  ) {
    super(message, ExitCode.cannotRun, `dns-${code}`);
  }
}

export interface DnsResolver {
  /** The server(s) asked, for messages: "10.0.0.53:5300", or the system's list. */
  readonly server: string;
  /** The SRV records for a name, or null when the name or the record does not exist (NXDOMAIN, NODATA). */
  srv(name: string): Promise<SrvRecord[] | null>;
  /**
   * A records, then AAAA records; [] when the host has neither. An IP address is returned as is.
   * Throws only when neither family could be looked up.
   */
  addresses(host: string): Promise<string[]>;
}

export interface ResolverOptions {
  /** `host[:port]` (port 53 by default), e.g. from --dns-server; default: the system's servers. */
  server?: string | undefined;
  /**
   * Several such servers, tried in order (--dns-server given more than once): one that does not
   * answer, refuses or fails (SERVFAIL) passes the question to the next, as c-ares does with a
   * system's list. With `server`, that one first.
   */
  servers?: readonly string[] | undefined;
  /** The most one lookup may take, in ms, retries included (default 5000). */
  timeoutMs?: number | undefined;
  /** How many times a question is sent within that time (default 2). */
  tries?: number | undefined;
  /** The operating system, for what a failure says about the system's servers (default: this one). */
  os?: NodeJS.Platform | undefined;
  /** The system's servers as c-ares read them (default: Node's list); tests pass one in. */
  systemServers?: (() => string[]) | undefined;
}

/**
 * What is wrong with the system's DNS servers as Node sees them on Windows, if anything: c-ares
 * reads them from the network adapters, and when it finds none it asks 127.0.0.1, where on a
 * workstation nothing answers. A list of loopback addresses only is the same sign (except on a DC
 * that runs DNS itself, where the lookup then works and this is never said).
 */
export function systemServersProblem(os: NodeJS.Platform, servers: readonly string[]): string | undefined {
  if (os !== 'win32') return undefined;
  const loopback = (server: string) => {
    const host = parseHostPort(server, 53).host;
    return host === '::1' || host.startsWith('127.');
  };
  if (servers.length > 0 && !servers.every(loopback)) return undefined;
  return `Node found no DNS server in Windows' settings (${servers.length ? `only ${servers.join(', ')}` : 'none'}), so it asked the loopback address, where a workstation runs none: give --dns-server with your domain's DNS server (a DC's address, as "ipconfig /all" lists it)`;
}

export const DEFAULT_DNS_TIMEOUT_MS = 5000;
export const DEFAULT_DNS_TRIES = 2;

/** Node's codes for "the name or the record does not exist": an answer, not a failure. */
const NO_SUCH_RECORD = new Set(['ENOTFOUND', 'ENODATA']);

export function createResolver(options: ResolverOptions = {}): DnsResolver {
  const timeoutMs = Math.max(1, Math.round(options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS));
  const tries = Math.max(1, Math.round(options.tries ?? DEFAULT_DNS_TRIES));
  // c-ares doubles the timeout on each try, so these per-try timeouts add up to timeoutMs. It also
  // notices an expired try only on a timer tick and jitters retries: observed, a lookup with
  // { timeout: 300, tries: 1 } gave up after 300 to 600 ms. Hence the hard deadline in `query`.
  const perTry = Math.max(1, Math.floor(timeoutMs / (2 ** tries - 1)));
  const named = [...(options.server === undefined ? [] : [options.server]), ...(options.servers ?? [])];
  const givens = named.map((server) => parseHostPort(server, 53));
  const system = givens.length ? [] : (options.systemServers ?? (() => new Resolver().getServers()))();
  const label = givens.length
    ? givens.map((given) => (given.port === 53 ? given.host : formatHostPort(given))).join(', ')
    : system.join(', ') || 'none configured';
  // c-ares asks each server in turn before it doubles the timeout: the deadline is per server.
  const deadlineMs = timeoutMs * Math.max(1, givens.length);
  const advice = givens.length
    ? 'check --dns-server'
    : (systemServersProblem(options.os ?? process.platform, system) ??
      "check the system's DNS settings or give --dns-server");

  // setServers takes IP addresses only: a server given by name is looked up (once) by the system.
  let servers: Promise<string[] | undefined> | undefined;
  const addressOf = async (given: { host: string; port: number }): Promise<string> => {
    if (isIP(given.host) !== 0) return formatHostPort(given);
    try {
      const { address } = await lookup(given.host);
      return formatHostPort({ host: address, port: given.port });
    } catch (error) {
      throw new DnsError(
        `Cannot find the address of DNS server ${given.host} (${codeOf(error) ?? 'lookup failed'}): give --dns-server as an IP address.`,
        'other',
        label,
        given.host,
        codeOf(error),
      );
    }
  };
  const serverList = (): Promise<string[] | undefined> =>
    (servers ??= (async () => {
      if (givens.length === 0) return options.systemServers ? system : undefined;
      try {
        return await Promise.all(givens.map(addressOf));
      } catch (error) {
        servers = undefined; // let a later call try again
        throw error;
      }
    })());

  // One c-ares channel per lookup, so that the deadline's cancel() ends this lookup and no other.
  const query = async <T>(name: string, rrtype: string, ask: (resolver: Resolver) => Promise<T>): Promise<T | null> => {
    const resolver = new Resolver({ timeout: perTry, tries });
    const list = await serverList();
    if (list) resolver.setServers(list);
    const started = Date.now();
    const deadline = setTimeout(() => resolver.cancel(), deadlineMs);
    try {
      return await ask(resolver);
    } catch (error) {
      const code = codeOf(error);
      if (code && NO_SUCH_RECORD.has(code)) return null;
      throw toDnsError(error, { server: label, name, rrtype, advice, elapsedMs: Date.now() - started });
    } finally {
      clearTimeout(deadline);
    }
  };

  return {
    server: label,
    async srv(name) {
      return query(name, 'SRV', (r) => r.resolveSrv(name));
    },
    async addresses(host) {
      if (isIP(host) !== 0) return [host];
      const results = await Promise.allSettled([
        query(host, 'A', (r) => r.resolve4(host)),
        query(host, 'AAAA', (r) => r.resolve6(host)),
      ]);
      // Some servers drop AAAA questions: addresses of one family are enough to go on with.
      const found = results.flatMap((r) => (r.status === 'fulfilled' ? (r.value ?? []) : []));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (found.length === 0 && failed) throw failed.reason;
      return found;
    },
  };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

interface QueryContext {
  server: string;
  name: string;
  rrtype: string;
  advice: string;
  elapsedMs: number;
}

/** One sentence per failure, saying what happened and what to do. */
function toDnsError(error: unknown, at: QueryContext): DnsError {
  const code = codeOf(error);
  const { server, name, rrtype, advice } = at;
  const make = (kind: DnsErrorCode, message: string) => new DnsError(message, kind, server, name, code);
  const dnsServer = server.includes(', ') ? 'DNS servers' : 'DNS server'; // the system may list several
  switch (code) {
    case 'ETIMEOUT':
    case 'ECANCELLED': // only ever by the deadline in createResolver
      return make(
        'timeout',
        `${dnsServer} ${server} did not answer for ${name} within ${seconds(at.elapsedMs)}: ${advice}.`,
      );
    case 'ECONNREFUSED':
      return make('refused', `Nothing answers DNS at ${server} (connection refused) for ${name}: ${advice}.`);
    case 'EREFUSED':
      return make(
        'refused',
        `${dnsServer} ${server} refused to answer for ${name}: ${advice} (it must serve or forward that zone).`,
      );
    case 'ESERVFAIL':
      return make(
        'servfail',
        `${dnsServer} ${server} failed (SERVFAIL) to answer for ${name}: the zone's own servers may be down or misconfigured; try again later or ${advice}.`,
      );
    case 'EBADNAME':
      return make('other', `"${name}" is not a name DNS can look up: check the domain.`);
    default:
      return make(
        'other',
        `The ${rrtype} lookup of ${name} via ${dnsServer} ${server} failed (${code ?? (error as Error)?.message ?? 'unknown error'}): ${advice}.`,
      );
  }
}

/** "0.3 s", "2 s", "6 s". */
function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? Number(s.toFixed(1)) : Math.round(s)} s`;
}

export interface ServiceTarget {
  host: string;
  port: number;
  priority: number;
  weight: number;
  /** With `withAddresses`: the host's A then AAAA addresses ([] when it has none). */
  addresses?: string[];
}

/**
 * The targets of a service in the order a client tries them (RFC 2782), e.g. domain controllers
 * from `_ldap._tcp.<domain>`. Returns null when there is no SRV record (the caller decides on a
 * fallback), and [] when the domain declares the service "decidedly not available" (target ".").
 */
export async function locateServices(
  resolver: Pick<DnsResolver, 'srv' | 'addresses'>,
  name: string,
  random: () => number = Math.random,
  { withAddresses = false }: { withAddresses?: boolean } = {},
): Promise<ServiceTarget[] | null> {
  const records = await resolver.srv(name);
  if (records === null || records.length === 0) return null;
  if (isServiceUnavailable(records)) return [];
  const ordered = orderSrv(records, random).map(({ name: host, port, priority, weight }) => ({
    host,
    port,
    priority,
    weight,
  }));
  if (!withAddresses) return ordered;
  const addresses = await Promise.all(ordered.map((t) => resolver.addresses(t.host)));
  return ordered.map((t, i) => ({ ...t, addresses: addresses[i] ?? [] }));
}
