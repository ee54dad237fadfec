/**
 * One step of a multi-step SASL bind on an ldapts Client, with binary credentials both ways.
 *
 * ldapts's `bindSASL` cannot carry a GSSAPI exchange: it writes the credentials as a UTF-8 string
 * (a Kerberos token is arbitrary octets), throws away the server's credentials (it decodes them as
 * UTF-8), and has no way to continue after saslBindInProgress (14). So:
 * - the request is a subclass of ldapts's BindRequest that writes the credentials as octets;
 * - the response's serverSaslCreds are read as octets by a wrapper around BindResponse's
 *   parseMessage that re-reads the same bytes after ldapts has parsed them (its own fields stay as
 *   they were: the wrapper changes nothing for any other bind);
 * - it is sent through the client's own bind path (`_sendBind`: connect if needed, send, turn the
 *   result into ldapts's typed errors), so message ids, time-outs and connection handling stay
 *   ldapts's. These two private members are the only ones used, and are checked at run time.
 */
import {
  Ber,
  BindRequest,
  BindResponse,
  ProtocolOperation,
  SaslBindInProgressError,
  type BerReader,
  type BerWriter,
  type Client,
} from 'ldapts';

/** serverSaslCreds [7] OCTET STRING (RFC 4511 §4.2.2). */
const SERVER_SASL_CREDS = 0x87;

export interface SaslStep {
  /** true: the bind is done (success); false: saslBindInProgress, the server waits for the next step. */
  done: boolean;
  /** The server's credentials for the next step (empty if it sent none). */
  serverCredentials: Buffer;
}

interface BindInternals {
  _nextMessageId(): number;
  _sendBind(request: BindRequest): Promise<void>;
}

class SaslBindRequest extends BindRequest {
  constructor(
    messageId: number,
    mechanism: string,
    private readonly credentials: Buffer,
  ) {
    super({ messageId, mechanism });
  }

  override writeMessage(writer: BerWriter): void {
    writer.writeInt(this.version);
    writer.writeString(this.dn);
    writer.startSequence(ProtocolOperation.LDAP_REQ_BIND_SASL);
    writer.writeString(this.mechanism ?? '');
    writer.writeBuffer(this.credentials, Ber.OctetString);
    writer.endSequence();
  }
}

const serverCredentials = new WeakMap<BindResponse, Buffer>();
let responsesKeepCredentials = false;

/** Wrap BindResponse.parseMessage once, so that every bind response keeps its serverSaslCreds as octets. */
function keepServerCredentials(): void {
  if (responsesKeepCredentials) return;
  responsesKeepCredentials = true;
  const prototype = BindResponse.prototype as unknown as { parseMessage(this: BindResponse, reader: BerReader): void };
  const parse = prototype.parseMessage;
  prototype.parseMessage = function (this: BindResponse, reader: BerReader): void {
    const start = reader.offset;
    parse.call(this, reader);
    const end = reader.offset;
    try {
      reader.offset = start;
      reader.readEnumeration(); // resultCode
      reader.readString(); // matchedDN
      reader.readString(); // diagnosticMessage
      while (reader.offset < end) {
        const tag = reader.peek();
        if (tag === null || tag === ProtocolOperation.LDAP_CONTROLS) break;
        const value = reader.readString(tag, true);
        if (tag === SERVER_SASL_CREDS && value) serverCredentials.set(this, Buffer.from(value));
      }
    } finally {
      reader.offset = end;
    }
  };
}

/**
 * Open the client's connection without sending anything (ldapts's `_connect`), so that a DC that
 * does not answer fails over before any Kerberos work is done for it — as StartTLS does on the
 * TLS path.
 */
export async function openConnection(client: Client): Promise<void> {
  const internals = client as unknown as { _connect?: () => Promise<void> | void };
  if (typeof internals._connect !== 'function')
    throw new Error('this version of ldapts cannot open a connection on its own (Client._connect is missing)');
  await internals._connect.call(client);
}

/** Send one SASL BindRequest with these credentials and return the server's answer. */
export async function saslBindStep(client: Client, mechanism: string, credentials: Buffer): Promise<SaslStep> {
  const internals = client as unknown as Partial<BindInternals>;
  if (typeof internals._nextMessageId !== 'function' || typeof internals._sendBind !== 'function') {
    throw new Error('this version of ldapts cannot send a SASL bind step (Client._sendBind is missing)');
  }
  keepServerCredentials();
  const request = new SaslBindRequest(internals._nextMessageId.call(client), mechanism, credentials);
  try {
    await internals._sendBind.call(client, request);
    return { done: true, serverCredentials: Buffer.alloc(0) };
  } catch (error) {
    if (error instanceof SaslBindInProgressError) {
      return { done: false, serverCredentials: serverCredentials.get(error.response) ?? Buffer.alloc(0) };
    }
    throw error;
  }
}
