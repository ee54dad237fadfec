/**
 * Windows, simulated for the Kerberos bind (issue 34, item 2): a `kerberos` module with the
 * semantics of the package's SSPI client, and a DC on a local TCP port that speaks just enough
 * LDAP and SASL GSSAPI (RFC 4752) to bind and answer a search through a sealed layer.
 *
 * What SSPI does differently from MIT, and the fake does too:
 * - the target is the principal itself, `ldap/host`; given `ldap@host` the KDC knows no such name;
 * - `flags` are ISC_REQ_* bits: 0x20 is ISC_REQ_USE_SESSION_KEY (user-to-user), which fails here;
 * - the context is "complete" after the first step, before the DC's AP-REP has been seen — and
 *   until the AP-REP is stepped, nothing the DC wraps with its subkey can be unwrapped;
 * - `responseConf` is never set (0 whatever was unwrapped);
 * - errors arrive as localised sentences with no code.
 * Wrap tokens are RFC 4121's layout (TOK_ID 05 04, the flags octet with "Sealed", a sequence
 * number) over a stand-in cipher (XOR) and an HMAC checksum, so a token can be read for sealing.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { frameSaslBuffer, SaslBufferReader } from '../../src/core/sasl-security-layer.js';
import { children, ldapMessages, message, octets, result, tlv } from './ber.js';

const SESSION_KEY = Buffer.from('the session key both sides derive');
export const AP_REQ = Buffer.from('\x60\x0bAP-REQ-TKT', 'latin1');
export const AP_REP = Buffer.from('\x60\x06AP-REP', 'latin1');
const FLAG = { sentByAcceptor: 0x01, sealed: 0x02 };

const mic = (header: Buffer, data: Buffer) =>
  createHmac('sha256', SESSION_KEY).update(header).update(data).digest().subarray(0, 12);
const xor = (data: Buffer) => Buffer.from(data.map((b) => b ^ 0xa5));

/** An RFC 4121 wrap token: header (16 octets), then the data (XORed when sealed) and a 12-octet checksum. */
export function wrapToken(data: Buffer, options: { sealed: boolean; acceptor: boolean; seq: number }): Buffer {
  const header = Buffer.alloc(16);
  header.set([0x05, 0x04, (options.sealed ? FLAG.sealed : 0) | (options.acceptor ? FLAG.sentByAcceptor : 0), 0xff]);
  header.writeBigUInt64BE(BigInt(options.seq), 8);
  return Buffer.concat([header, options.sealed ? xor(data) : data, mic(header, data)]);
}

/** The data of a wrap token sent by the other side, and whether it was sealed; throws on a bad checksum. */
export function unwrapToken(token: Buffer, fromAcceptor: boolean): { data: Buffer; sealed: boolean } {
  if (token.length < 28 || token[0] !== 0x05 || token[1] !== 0x04) throw new Error('not a wrap token');
  if (Boolean(token[2]! & FLAG.sentByAcceptor) !== fromAcceptor) throw new Error('a token from the wrong side');
  const header = token.subarray(0, 16);
  const sealed = (token[2]! & FLAG.sealed) !== 0;
  const body = token.subarray(16, -12);
  const data = sealed ? xor(body) : Buffer.from(body);
  if (!mic(header, data).equals(token.subarray(-12))) throw new Error('bad checksum');
  return { data, sealed };
}

/** SSPI's words, as a German Windows says them (no SEC_E_ code in the message). */
const SSPI = {
  targetUnknown: 'Der angegebene Zielprinzipal ist unbekannt oder nicht erreichbar.',
  unsupported: 'Die angeforderte Funktion wird nicht unterstützt.',
  invalidToken: 'Das an die Funktion übergebene Token ist ungültig.',
  altered: 'Die Nachricht oder Signatur für die Überprüfung wurde geändert.',
};

export interface SspiCall {
  service: string;
  flags: number | undefined;
}

/** Failures to play: `firstStep` is what FormatMessage said when InitializeSecurityContext failed. */
export interface SspiFaults {
  firstStep?: string;
}

/** The `kerberos` package as it behaves on Windows (SSPI); `calls` records each initializeClient. */
export function sspiKerberos(calls: SspiCall[] = [], faults: SspiFaults = {}) {
  return {
    calls,
    GSS_MECH_OID_KRB5: 9,
    GSS_C_MUTUAL_FLAG: 2,
    GSS_C_SEQUENCE_FLAG: 8,
    GSS_C_CONF_FLAG: 16,
    GSS_C_INTEG_FLAG: 32,
    async initializeClient(service: string, options: { flags?: number }) {
      calls.push({ service, flags: options.flags });
      if (!/^ldap\/[a-z0-9.-]+$/.test(service)) throw new Error(SSPI.targetUnknown);
      if ((options.flags ?? 0) & 0x20) throw new Error(SSPI.unsupported);
      let started = false;
      let mutual = false;
      let seq = 0;
      return {
        contextComplete: false,
        username: null as string | null,
        responseConf: 0, // SSPI: never set
        async step(challenge: string) {
          if (!started) {
            // The package's words: the failed SSPI function, then the system's text, no code.
            if (faults.firstStep) throw new Error(`InitializeSecurityContext: ${faults.firstStep}`);
            started = true;
            this.contextComplete = true; // before the AP-REP: what the package's SSPI client does
            this.username = 'op@CORP.EXAMPLE.COM';
            return AP_REQ.toString('base64');
          }
          if (!mutual && Buffer.from(challenge, 'base64').equals(AP_REP)) {
            mutual = true;
            return '';
          }
          throw new Error(SSPI.invalidToken);
        },
        async unwrap(token: string) {
          // Without the AP-REP the DC's subkey is unknown: nothing it wrapped can be read.
          if (!mutual) throw new Error(SSPI.altered);
          return unwrapToken(Buffer.from(token, 'base64'), true).data.toString('base64');
        },
        async wrap(data: string, options: { protect?: boolean }) {
          const token = wrapToken(Buffer.from(data, 'base64'), {
            sealed: !!options.protect,
            acceptor: false,
            seq: seq++,
          });
          return token.toString('base64');
        },
      };
    },
  };
}

export interface FakeDc {
  server: Server;
  port: number;
  /** The client's answer to the layer offer, the sealing of each message received in the layer, the searches answered. */
  seen: { answer?: Buffer; sealedIn: boolean[]; searches: number };
}

/** The DC's side: SASL GSSAPI bind (AP-REP, then the offer of `layers` wrapped), then every message in sealed SASL buffers. */
export async function fakeDc(options: { layers: number; maxBuffer: number; replySealed?: boolean }): Promise<FakeDc> {
  const seen: FakeDc['seen'] = { sealedIn: [], searches: 0 };
  const server = createServer((socket) => serve(socket, options, seen));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, seen };
}

function serve(
  socket: Socket,
  options: { layers: number; maxBuffer: number; replySealed?: boolean },
  seen: FakeDc['seen'],
) {
  let plain: Buffer = Buffer.alloc(0);
  let layer: SaslBufferReader | undefined;
  let seq = 0;
  const sealedReply = (pdu: Buffer) =>
    socket.write(frameSaslBuffer(wrapToken(pdu, { sealed: options.replySealed ?? true, acceptor: true, seq: seq++ })));
  const bindStep = (id: number, body: Buffer) => {
    const [, , sasl] = children(body);
    const credentials = children(sasl!)[1] ?? Buffer.alloc(0);
    const reply = (code: number, creds?: Buffer) => socket.write(message(id, result(0x61, code, creds)));
    if (credentials.equals(AP_REQ)) return reply(14, AP_REP);
    if (credentials.length === 0) {
      const offer = Buffer.from([
        options.layers,
        options.maxBuffer >> 16,
        (options.maxBuffer >> 8) & 0xff,
        options.maxBuffer & 0xff,
      ]);
      return reply(14, wrapToken(offer, { sealed: false, acceptor: true, seq: seq++ }));
    }
    seen.answer = unwrapToken(credentials, false).data;
    reply(0);
    layer = new SaslBufferReader(options.maxBuffer);
  };
  socket.on('data', (chunk: Buffer) => {
    if (layer) {
      for (const token of layer.push(chunk)) {
        const { data, sealed } = unwrapToken(token, false);
        seen.sealedIn.push(sealed);
        plain = Buffer.concat([plain, data]);
      }
    } else plain = Buffer.concat([plain, chunk]);
    const { messages, rest } = ldapMessages(plain);
    plain = rest;
    for (const { id, op, body } of messages) {
      if (op === 0x60) bindStep(id, body);
      if (op === 0x63) {
        seen.searches++;
        const attribute = tlv(0x30, octets('msExchIMAddress'), tlv(0x31, octets('jdoe@im.corp.example.com')));
        sealedReply(message(id, tlv(0x64, octets('CN=jdoe,OU=Staff,DC=corp,DC=example,DC=com'), tlv(0x30, attribute))));
        sealedReply(message(id, result(0x65)));
      }
      if (op === 0x42) socket.end();
    }
  });
}
