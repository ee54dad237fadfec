/**
 * Kerberos sign-in: an LDAP SASL GSSAPI bind (RFC 4752) with the user's ticket cache, driven on
 * top of ldapts. The GSS-API calls come from the optional `kerberos` package (N-API), imported only
 * here and only when a Kerberos bind is asked for, so that imctl works without it otherwise.
 *
 * The exchange: initial token → (saslBindInProgress, the server's token → our next token)* → once
 * the context is established the server offers security layers; we choose none with a maximum
 * message size of 0, because the connection is already TLS and Active Directory refuses a SASL
 * layer inside TLS (MS-ADTS 5.1.1.1.2). The caller guarantees the TLS.
 */
import { isIP } from 'node:net';
import { ResultCodeError, type Client } from 'ldapts';
import { DirectoryError, UsageError } from '../core/errors.js';
import { noSecurityLayerAnswer, offersNoSecurityLayer, parseSecurityLayerOffer } from '../core/sasl-security-layer.js';
import { translateKerberosError } from './kerberos-errors.js';
import { saslBindStep } from './sasl-bind.js';

/** What imctl uses of the `kerberos` package (it ships no type declarations). Tokens are base64. */
interface GssClient {
  step(challenge: string): Promise<string | null>;
  wrap(challenge: string, options: { user?: string; protect?: boolean }): Promise<string>;
  unwrap(challenge: string): Promise<string>;
  readonly username: string | null;
  readonly contextComplete: boolean;
}
interface KerberosModule {
  initializeClient(service: string, options: { mechOID: number; flags?: number }): Promise<GssClient>;
  GSS_MECH_OID_KRB5: number;
  GSS_C_MUTUAL_FLAG: number;
  GSS_C_SEQUENCE_FLAG: number;
}

/** Steps a sane exchange never needs (Kerberos takes one or two): a guard against a server that loops. */
const MAX_STEPS = 10;

export const KERBEROS_PACKAGE_HINT =
  'Kerberos sign-in needs the optional "kerberos" package, which did not load: install the Kerberos development files (Debian: apt-get install libkrb5-dev python3 make g++), then run "npm rebuild kerberos" (or "npm install kerberos") in imctl\'s folder.';

let loaded: Promise<KerberosModule> | undefined;

/** The `kerberos` package, loaded once; a clear error if it is not installed or not built. */
export function loadKerberos(): Promise<KerberosModule> {
  // A specifier in a variable: TypeScript does not look for declarations, and the package may be absent.
  const specifier = 'kerberos';
  loaded ??= import(specifier).then(
    (module: { default?: KerberosModule } & KerberosModule) => module.default ?? module,
    () => {
      loaded = undefined;
      throw new DirectoryError(KERBEROS_PACKAGE_HINT, 'kerberos-unavailable');
    },
  );
  return loaded;
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
 * Bind `client` (already on TLS) with the ticket cache, as the service ldap/<host>. Returns the
 * principal the DC now knows us as (from the established GSS context).
 */
export async function gssapiBind(client: Client, host: string): Promise<string> {
  const spnHost = servicePrincipalHost(host);
  const kerberos = await loadKerberos();
  const context = { host: spnHost };
  let gss: GssClient;
  let token: string | null;
  try {
    gss = await kerberos.initializeClient(`ldap@${spnHost}`, {
      mechOID: kerberos.GSS_MECH_OID_KRB5,
      // Mutual authentication proves the DC holds the ldap/ key; no integrity/confidentiality flags:
      // TLS carries the protection.
      flags: kerberos.GSS_C_MUTUAL_FLAG | kerberos.GSS_C_SEQUENCE_FLAG,
    });
    token = await gss.step('');
  } catch (error) {
    throw translateKerberosError(error, context);
  }
  for (let step = 0; step < MAX_STEPS; step++) {
    const answer = await saslBindStep(client, 'GSSAPI', Buffer.from(token ?? '', 'base64')).catch((error: unknown) => {
      // The DC's refusal (invalidCredentials with its Kerberos reason) reads like the GSS errors;
      // a lost connection stays what it is, for the caller's retry.
      throw error instanceof ResultCodeError ? translateKerberosError(error, context) : error;
    });
    if (answer.done) {
      if (!gss.contextComplete) throw new DirectoryError(`${spnHost} accepted the Kerberos bind before the security context was complete; refusing to trust it.`, 'kerberos-protocol');
      return gss.username ?? 'an unknown principal';
    }
    const serverToken = answer.serverCredentials.toString('base64');
    try {
      if (!gss.contextComplete) {
        token = await gss.step(serverToken);
      } else {
        // The context is established: this is the server's security-layer offer (RFC 4752 §3.1).
        const offer = parseSecurityLayerOffer(Buffer.from(await gss.unwrap(serverToken), 'base64'));
        if (!offersNoSecurityLayer(offer)) {
          throw new DirectoryError(`${spnHost} requires a SASL security layer (signing or sealing) on top of TLS, which imctl does not do: allow GSSAPI over TLS without one, as Active Directory does.`, 'kerberos-layer');
        }
        // The package's wrap rewrites the first four octets from its input (layer "none", the size
        // given): with our answer as input that is exactly our answer.
        token = await gss.wrap(noSecurityLayerAnswer().toString('base64'), { protect: false });
      }
    } catch (error) {
      if (error instanceof DirectoryError) throw error;
      throw translateKerberosError(error, context);
    }
  }
  throw new DirectoryError(`The Kerberos bind to ${spnHost} did not finish after ${MAX_STEPS} steps.`, 'kerberos-protocol');
}

/** The refusal for plain ldap:// without TLS (a SASL layer on every message is not implemented). */
export function kerberosNeedsTls(url: string): UsageError {
  return new UsageError(
    `Kerberos sign-in needs TLS, and ${url} has none: use ldaps://, add --starttls, or --domain (which uses StartTLS).`,
    'kerberos-needs-tls',
  );
}
