/**
 * SRV records (RFC 2782) and `host[:port]` parsing. Pure: no DNS traffic here; src/dns/resolver.ts
 * asks the questions, this module decides what the answers mean.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { UsageError } from './errors.js';
import { dnsNameProblem } from './im-model.js';

/** One SRV answer, as Node's `resolveSrv` returns it (`name` is the target host). */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/**
 * RFC 2782: "A Target of '.' means that the service is decidedly not available at this domain."
 * Node reports that target as an empty name.
 */
export function isServiceUnavailable(records: readonly SrvRecord[]): boolean {
  return records.length === 1 && (records[0]!.name === '' || records[0]!.name === '.');
}

/**
 * The order in which a client tries the targets (RFC 2782, "Usage rules"): lowest priority first;
 * within a priority, a weighted random draw without replacement, so a record with twice the weight
 * is first twice as often.
 *
 * Zero weights: the RFC puts zero-weight records first and draws an integer in [0, sum], which
 * gives them together a 1 in (sum + 1) chance — "a very small chance of being selected" — but it
 * also gives the first non-zero record one extra share when there are no zero-weight records.
 * Here the zero-weight records share one slot out of (sum + 1), chosen among evenly; every other
 * record gets exactly `weight` slots. When only zero-weight records are left, they come in
 * random order.
 *
 * `random` returns a number in [0, 1) like Math.random; pass a seeded one for repeatable tests.
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const record of records) {
    const group = byPriority.get(record.priority);
    if (group) group.push(record);
    else byPriority.set(record.priority, [record]);
  }
  const ordered: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const left = byPriority.get(priority)!;
    while (left.length > 0) ordered.push(left.splice(pickWeighted(left, random), 1)[0]!);
  }
  return ordered;
}

/** Index of the next record of one priority group, drawn as described at orderSrv. */
function pickWeighted(group: readonly SrvRecord[], random: () => number): number {
  const zeros: number[] = [];
  let sum = 0;
  group.forEach((record, i) => {
    if (record.weight > 0) sum += record.weight;
    else zeros.push(i);
  });
  const zeroSlots = zeros.length > 0 ? 1 : 0;
  const draw = clampUnit(random()) * (sum + zeroSlots);
  if (draw < zeroSlots) return zeros[Math.floor(draw * zeros.length)]!;
  let running = zeroSlots;
  let last = -1;
  for (let i = 0; i < group.length; i++) {
    const weight = group[i]!.weight;
    if (weight <= 0) continue;
    running += weight;
    last = i;
    if (draw < running) return i;
  }
  return last; // only reached through floating-point rounding at the very top of the range
}

function clampUnit(x: number): number {
  return Number.isFinite(x) && x > 0 ? Math.min(x, 1 - Number.EPSILON) : 0;
}

/** A stable order for showing records to a person: priority ascending, weight descending, name. */
export function orderSrvForDisplay(records: readonly SrvRecord[]): SrvRecord[] {
  return [...records].sort(
    (a, b) =>
      a.priority - b.priority ||
      b.weight - a.weight ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      a.port - b.port,
  );
}

export interface HostPort {
  /** A host name (lower-case) or an IP address; IPv6 without brackets. */
  host: string;
  port: number;
}

/**
 * `host`, `host:port`, `1.2.3.4:53`, `[::1]:5300`, `[::1]` or a bare IPv6 address `::1` (a bare IPv6
 * address cannot carry a port: write `[::1]:5300`). Throws a UsageError saying what is wrong.
 */
export function parseHostPort(input: string, defaultPort: number): HostPort {
  const text = input.trim();
  const fail = (why: string): never => {
    throw new UsageError(
      `"${input}" is not a valid HOST[:PORT]: ${why}. Use e.g. 10.0.0.53, 10.0.0.53:5300, dns1.example.com or [::1]:5300.`,
      'host-port',
    );
  };
  if (text.length === 0) fail('it is empty');
  if (text.includes('://')) fail('give a host and port, not a URL');

  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) fail('the "[" of an IPv6 address is not closed');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) fail(`unexpected "${rest}" after "]"`);
    if (rest !== '') portText = rest.slice(1);
    if (!isIPv6(host)) fail(`"${host}" in brackets is not an IPv6 address`);
  } else if (text.indexOf(':') !== text.lastIndexOf(':')) {
    if (!isIPv6(text))
      fail('it has several ":" but is not an IPv6 address (put an IPv6 address in brackets to add a port)');
    host = text;
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    if (colon >= 0) portText = text.slice(colon + 1);
    if (host === '') fail('the host is missing');
    if (!isIPv4(host)) {
      if (/^[\d.]+$/.test(host)) fail(`"${host}" is not a valid IPv4 address`);
      const problem = dnsNameProblem(host);
      if (problem) fail(`the host name is not valid (${problem})`);
      host = host.toLowerCase().replace(/\.$/, '');
    }
  }

  let port = defaultPort;
  if (portText !== undefined) {
    // Node's setServers silently wraps ports above 65535 and aborts the process on port 0.
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      fail(
        portText === '' ? 'the port after ":" is missing' : `the port "${portText}" is not a number from 1 to 65535`,
      );
    }
    port = Number(portText);
  }
  return { host, port };
}

/** `host:port`, with IPv6 in brackets (the form Node's `Resolver.setServers` takes). */
export function formatHostPort({ host, port }: HostPort): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
