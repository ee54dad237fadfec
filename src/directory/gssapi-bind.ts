/**
 * Kerberos sign-in: an LDAP SASL GSSAPI bind (RFC 4752) with the user's ticket cache, driven on
 * top of ldapts. The GSS-API calls come from the optional `kerberos` package (N-API), imported only
 * here and only when a Kerberos bind is asked for, so that imctl works without it otherwise.
 *
 * The exchange: initial token → (saslBindInProgress, the server's token → our next token)* → once
 * the context is established the server offers security layers, and we answer:
 * - over TLS (ldaps://, StartTLS): no layer, maximum size 0 — Active Directory refuses a SASL
 *   layer inside TLS (MS-ADTS 5.1.1.1.2);
 * - over plain LDAP: the layer asked for (seal by default, or sign) with our maximum buffer, and
 *   from then on `SaslSocketLayer` wraps and unwraps every message. A server that offers only
 *   "no layer" there is refused: imctl never runs unprotected.
 */
import { isIP } from 'node:net';
import { ResultCodeError, type Client } from 'ldapts';
import { DirectoryError } from '../core/errors.js';
import {
  chooseSecurityLayer,
  describeLayer,
  noSecurityLayerAnswer,
  offersNoSecurityLayer,
  parseSecurityLayerOffer,
  securityLayerAnswer,
  type SaslLayerMode,
} from '../core/sasl-security-layer.js';
import { translateKerberosError } from './kerberos-errors.js';
import { loadOwnKerberos } from './kerberos-package.js';
import { saslBindStep } from './sasl-bind.js';
import type { SaslSocketLayer } from './sasl-socket.js';

/** What imctl uses of the `kerberos` package (it ships no type declarations). Tokens are base64. */
interface GssClient {
  step(challenge: string): Promise<string | null>;
  wrap(challenge: string, options: { user?: string; protect?: boolean }): Promise<string>;
  unwrap(challenge: string): Promise<string>;
  readonly responseConf?: number;
  readonly username: string | null;
  readonly contextComplete: boolean;
}
export interface KerberosModule {
  // The native code reads `flags` (the package's documentation says gssFlags, which it ignores).
  initializeClient(service: string, options: { mechOID: number; flags?: number }): Promise<GssClient>;
  GSS_MECH_OID_KRB5: number;
  GSS_C_MUTUAL_FLAG: number;
  GSS_C_SEQUENCE_FLAG: number;
  GSS_C_CONF_FLAG: number;
  GSS_C_INTEG_FLAG: number;
}

/** What the bind established: who we are, and what protects the connection's messages. */
export interface GssapiBound {
  principal: string;
  /** For -v: the SASL layer's protection (undefined over TLS, where TLS protects). */
  protection?: string | undefined;
  /** For -v: which Kerberos addon was loaded, and from where. */
  kerberos: string;
}

/** Steps a sane exchange never needs (Kerberos takes one or two): a guard against a server that loops. */
const MAX_STEPS = 10;

let loaded: Promise<{ kerberos: KerberosModule; source: string }> | undefined;

/**
 * The `kerberos` package, loaded once, and where it came from (for -v): the addon the single
 * executable carries, else the package in imctl's own node_modules; a clear error otherwise.
 */
export function loadKerberos(
  os: NodeJS.Platform = process.platform,
): Promise<{ kerberos: KerberosModule; source: string }> {
  loaded ??= import('./kerberos-addon.js').then(async ({ embeddedKerberos }) => {
    const embedded = embeddedKerberos();
    if (embedded) return { kerberos: embedded.module as KerberosModule, source: embedded.source };
    const own = loadOwnKerberos(undefined, os);
    return { kerberos: own.module as KerberosModule, source: `the kerberos package at ${own.path}` };
  });
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/**
 * The service principal's name as the platform's Kerberos library takes it: MIT's GSS-API wants the
 * host-based form `ldap@host`; Windows' SSPI takes the principal itself, `ldap/host` (given
 * `ldap@host` it asks the KDC for a principal that does not exist).
 */
export function servicePrincipalName(host: string, os: NodeJS.Platform): string {
  return `ldap${os === 'win32' ? '/' : '@'}${servicePrincipalHost(host)}`;
}

/** SSPI's ISC_REQ_* bits (sspi.h), which the package passes to InitializeSecurityContext as they are. */
const ISC_REQ = { mutualAuth: 0x2, sequenceDetect: 0x8, confidentiality: 0x10, integrity: 0x10000 };

/**
 * The context flags to ask for: mutual authentication proves the DC holds the ldap/ key; over
 * plain LDAP the context must also allow integrity and confidentiality, or wrapping with
 * protection may be refused. On Windows the numbers are SSPI's: GSS_C_INTEG_FLAG (32) there is
 * ISC_REQ_USE_SESSION_KEY, which the DC refuses.
 */
export function contextFlags(kerberos: KerberosModule, os: NodeJS.Platform, layered: boolean): number {
  if (os === 'win32')
    return ISC_REQ.mutualAuth | ISC_REQ.sequenceDetect | (layered ? ISC_REQ.integrity | ISC_REQ.confidentiality : 0);
  return (
    kerberos.GSS_C_MUTUAL_FLAG |
    kerberos.GSS_C_SEQUENCE_FLAG |
    (layered ? kerberos.GSS_C_INTEG_FLAG | kerberos.GSS_C_CONF_FLAG : 0)
  );
}

/** The DC's name for the service principal ldap/<host>: a real host name, never an address. */
export function servicePrincipalHost(host: string): string {
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) {
    throw new DirectoryError(
      `Kerberos needs the domain controller's real host name, but it was reached by the address ${host}: connect by its name (e.g. --url ldaps://dc1.corp.example.com, or --domain to find it by DNS).`,
      'kerberos-by-address',
    );
  }
  return host.replace(/\.$/, '').toLowerCase();
}

/**
 * Bind `client` with the ticket cache, as the service ldap/<host>. Over TLS (no `layer`): no
 * SASL layer. Over plain LDAP (`layer`, the client's socket factory): the layer `mode` asks for,
 * started on the socket once the server has accepted it. Returns the principal the DC now knows
 * us as (from the established GSS context) and the protection.
 */
export async function gssapiBind(
  client: Client,
  host: string,
  layer?: { socket: SaslSocketLayer; mode: SaslLayerMode },
  os: NodeJS.Platform = process.platform,
): Promise<GssapiBound> {
  const spnHost = servicePrincipalHost(host);
  const { kerberos, source } = await loadKerberos(os);
  const context = { host: spnHost, os };
  let gss: GssClient;
  let token: string | null;
  try {
    gss = await kerberos.initializeClient(servicePrincipalName(host, os), {
      mechOID: kerberos.GSS_MECH_OID_KRB5,
      flags: contextFlags(kerberos, os, layer !== undefined),
    });
    token = await gss.step('');
  } catch (error) {
    throw translateKerberosError(error, context);
  }
  let chosen: { layer: number; serverMax: number } | undefined;
  // With mutual authentication the DC's first token is its AP-REP, for the context, never the
  // offer: SSPI calls the context complete after the first step, before it has seen the AP-REP.
  let apRepStepped = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    const answer = await saslBindStep(client, 'GSSAPI', Buffer.from(token ?? '', 'base64')).catch((error: unknown) => {
      // The DC's refusal (invalidCredentials with its Kerberos reason) reads like the GSS errors;
      // a lost connection stays what it is, for the caller's retry.
      throw error instanceof ResultCodeError ? translateKerberosError(error, context) : error;
    });
    if (answer.done) {
      if (!gss.contextComplete)
        throw new DirectoryError(
          `${spnHost} accepted the Kerberos bind before the security context was complete; refusing to trust it.`,
          'kerberos-protocol',
        );
      if (layer && !chosen)
        throw new DirectoryError(
          `${spnHost} accepted the Kerberos bind without negotiating a SASL security layer; on plain LDAP imctl never runs unprotected.`,
          'kerberos-layer',
        );
      if (layer && chosen) layer.socket.start(gss, chosen.layer, chosen.serverMax);
      return {
        principal: gss.username ?? 'an unknown principal',
        kerberos: source,
        protection: chosen ? describeLayer(chosen.layer, chosen.serverMax) : undefined,
      };
    }
    const serverToken = answer.serverCredentials.toString('base64');
    try {
      if (!gss.contextComplete || !apRepStepped) {
        token = await gss.step(serverToken);
        apRepStepped = true;
      } else {
        // The context is established: this is the server's security-layer offer (RFC 4752 §3.1).
        const offer = parseSecurityLayerOffer(Buffer.from(await gss.unwrap(serverToken), 'base64'));
        if (layer) {
          const choice = chooseSecurityLayer(offer, layer.mode);
          if ('refusal' in choice)
            throw new DirectoryError(
              `${spnHost} ${choice.refusal}: refusing to continue on plain LDAP (${layer.mode === 'seal' ? 'imctl seals every message there' : 'imctl signs every message there'}).`,
              'kerberos-layer',
            );
          chosen = { layer: choice.layer, serverMax: offer.maxMessageSize };
          const answerOctets = securityLayerAnswer(choice.layer);
          // RFC 4752: the answer is wrapped without confidentiality.
          token = await gss.wrap(answerOctets.toString('base64'), { protect: false });
          assertWrapCarries(Buffer.from(token, 'base64'), answerOctets);
          continue;
        }
        if (!offersNoSecurityLayer(offer)) {
          throw new DirectoryError(
            `${spnHost} requires a SASL security layer (signing or sealing) on top of TLS: allow GSSAPI over TLS without one, as Active Directory does, or connect with ldap:// and no TLS (sealed).`,
            'kerberos-layer',
          );
        }
        token = await gss.wrap(noSecurityLayerAnswer().toString('base64'), { protect: false });
      }
    } catch (error) {
      if (error instanceof DirectoryError) throw error;
      throw translateKerberosError(error, context);
    }
  }
  throw new DirectoryError(
    `The Kerberos bind to ${spnHost} did not finish after ${MAX_STEPS} steps.`,
    'kerberos-protocol',
  );
}

export const KERBEROS_WRAP_HINT =
  'The installed "kerberos" package cannot wrap LDAP messages: its wrap() ignores the data and always wraps a "no security layer" answer (mongodb-js/kerberos#206). Rebuild it with imctl\'s fix: "node scripts/kerberos-wrap-fix.mjs" in imctl\'s folder (needs libkrb5-dev, python3, make, g++), or connect over TLS (ldaps:// or --starttls).';

/**
 * An integrity-only wrap token carries its plaintext readable (RFC 4121 §4.2.4, RFC 4757): if our
 * answer is not in it, the package wrapped something else — the unfixed `kerberos` package, which
 * would turn every LDAP message into four octets. Caught here, before the server sees the answer.
 */
function assertWrapCarries(token: Buffer, plaintext: Buffer): void {
  if (!token.includes(plaintext)) throw new DirectoryError(KERBEROS_WRAP_HINT, 'kerberos-wrap-broken');
}
