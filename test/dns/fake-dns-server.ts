// A minimal UDP DNS responder for the resolver adapter's tests: it answers SRV, A and AAAA questions
// from a small table, encoding the wire format (RFC 1035, RFC 2782, RFC 3596) itself. It is a fake,
// not a DNS server: one question per message, no TCP, no EDNS, no compression beyond pointing answers
// at the question's name.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

export interface FakeSrv {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** What the fake knows about one name. A name not in the table gets NXDOMAIN. */
export interface FakeEntry {
  srv?: FakeSrv[];
  a?: string[];
  aaaa?: string[];
  /** Answer every question for this name with this RCODE (2 SERVFAIL, 5 REFUSED, ...) and no records. */
  rcode?: number;
  /** Never answer questions for this name. */
  drop?: boolean;
}

export interface FakeDnsServer {
  /** `127.0.0.1:PORT` or `[::1]:PORT`, ready for `--dns-server`. */
  readonly address: string;
  readonly port: number;
  /** Questions received, as `NAME TYPE` (lower-case name, numeric type). */
  readonly queries: string[];
  close(): Promise<void>;
}

const TYPE = { A: 1, AAAA: 28, SRV: 33 } as const;
const CLASS_IN = 1;
const TTL = 60;

export async function startFakeDnsServer(
  table: Record<string, FakeEntry>,
  family: 'udp4' | 'udp6' = 'udp4',
): Promise<FakeDnsServer> {
  const entries = new Map(Object.entries(table).map(([name, entry]) => [name.toLowerCase(), entry]));
  const queries: string[] = [];
  const socket = createSocket(family);
  socket.on('message', (msg: Buffer, peer: RemoteInfo) => {
    const reply = answer(msg, entries, queries);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  const port = await bind(socket, family === 'udp4' ? '127.0.0.1' : '::1');
  return {
    address: family === 'udp4' ? `127.0.0.1:${port}` : `[::1]:${port}`,
    port,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A UDP socket that receives queries and never answers: a DNS server that has gone quiet. */
export async function startSilentServer(): Promise<FakeDnsServer> {
  const queries: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg: Buffer) => {
    const q = parseQuestion(msg);
    if (q) queries.push(`${q.name} ${q.type}`);
  });
  const port = await bind(socket, '127.0.0.1');
  return {
    address: `127.0.0.1:${port}`,
    port,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function bind(socket: Socket, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve(socket.address().port);
    });
  });
}

interface Question {
  id: number;
  rd: boolean;
  name: string;
  type: number;
  /** Offset just past the question (name, type, class). */
  end: number;
}

function parseQuestion(msg: Buffer): Question | null {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    const len = msg[offset];
    if (len === undefined || len > 63) return null; // truncated, or a pointer (never in a question)
    offset += 1;
    if (len === 0) break;
    labels.push(msg.toString('latin1', offset, offset + len));
    offset += len;
  }
  if (offset + 4 > msg.length) return null;
  return {
    id: msg.readUInt16BE(0),
    rd: (msg.readUInt16BE(2) & 0x0100) !== 0,
    name: labels.join('.').toLowerCase(),
    type: msg.readUInt16BE(offset),
    end: offset + 4,
  };
}

function answer(msg: Buffer, entries: Map<string, FakeEntry>, queries: string[]): Buffer | null {
  const q = parseQuestion(msg);
  if (!q) return null;
  queries.push(`${q.name} ${q.type}`);
  const entry = entries.get(q.name);
  if (entry?.drop) return null;

  const records: Buffer[] = [];
  let rcode = 0;
  if (!entry)
    rcode = 3; // NXDOMAIN
  else if (entry.rcode !== undefined) rcode = entry.rcode;
  else if (q.type === TYPE.SRV) for (const s of entry.srv ?? []) records.push(rr(TYPE.SRV, srvData(s)));
  else if (q.type === TYPE.A) for (const ip of entry.a ?? []) records.push(rr(TYPE.A, ipv4(ip)));
  else if (q.type === TYPE.AAAA) for (const ip of entry.aaaa ?? []) records.push(rr(TYPE.AAAA, ipv6(ip)));
  // Otherwise: the name exists but has no records of that type (NODATA): RCODE 0, no answers.

  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR=1, opcode 0, AA=1, TC=0, RD copied, RA=1, RCODE.
  header.writeUInt16BE(0x8000 | 0x0400 | (q.rd ? 0x0100 : 0) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(records.length, 6); // ANCOUNT
  // NSCOUNT, ARCOUNT stay 0.
  return Buffer.concat([header, msg.subarray(12, q.end), ...records]);
}

/** A resource record whose owner is a pointer to the question's name at offset 12. */
function rr(type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0);
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(CLASS_IN, 4);
  fixed.writeUInt32BE(TTL, 6);
  fixed.writeUInt16BE(data.length, 10);
  return Buffer.concat([fixed, data]);
}

function srvData(s: FakeSrv): Buffer {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(s.priority, 0);
  fixed.writeUInt16BE(s.weight, 2);
  fixed.writeUInt16BE(s.port, 4);
  return Buffer.concat([fixed, encodeName(s.target)]);
}

/** Uncompressed wire-format name; "." (or "") is the root: a single zero byte. */
function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])),
    Buffer.from([0]),
  ]);
}

function ipv4(ip: string): Buffer {
  if (!isIPv4(ip)) throw new Error(`fake DNS: not an IPv4 address: ${ip}`);
  return Buffer.from(ip.split('.').map(Number));
}

function ipv6(ip: string): Buffer {
  if (!isIPv6(ip) || ip.includes('.')) throw new Error(`fake DNS: not a plain IPv6 address: ${ip}`);
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
