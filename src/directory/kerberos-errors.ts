/**
 * GSS-API / krb5 failures (from the `kerberos` package, or in the DC's refusal of a GSSAPI bind)
 * in plain sentences that say what to do. The texts matched are MIT krb5's and Samba's/AD's.
 */
import { ResultCodeError } from 'ldapts';
import { DirectoryError } from '../core/errors.js';

export interface KerberosErrorContext {
  /** The DC's host name, as used in the service principal ldap/<host>. */
  host: string;
}

type Rule = [pattern: RegExp, reason: string, message: (context: KerberosErrorContext, text: string) => string];

const RULES: Rule[] = [
  [
    /No Kerberos credentials available|No credentials cache found|Credentials cache (?:file )?'?[^']*'? not found|No credentials were supplied|ccache.*(?:not found|does not exist)/i,
    'kerberos-no-ticket',
    () =>
      'No Kerberos ticket: run kinit (e.g. "kinit admin@CORP.EXAMPLE.COM"), or point KRB5CCNAME at your ticket cache.',
  ],
  [
    /Ticket expired|credentials? ha(?:s|ve) expired|KRB5KRB_AP_ERR_TKT_EXPIRED|KDC_ERR_TGT_REVOKED/i,
    'kerberos-ticket-expired',
    () => 'Your Kerberos ticket has expired: run kinit again (klist shows its end time).',
  ],
  [
    /Clock skew too great|KRB5KRB_AP_ERR_SKEW|TIME_DIFFERENCE_AT_DC/i,
    'kerberos-clock-skew',
    ({ host }) =>
      `This computer's clock and the domain's (${host}, the KDC) differ by more than Kerberos allows (5 minutes by default): set the clock right, e.g. with NTP against a domain controller.`,
  ],
  [
    /Server not found in Kerberos database|Server .* not found in Kerberos database|KDC_ERR_S_PRINCIPAL_UNKNOWN/i,
    'kerberos-unknown-service',
    ({ host }) =>
      `The domain has no Kerberos service ldap/${host}: connect by the domain controller's real host name (not an address, alias or load-balancer name), e.g. the name its certificate and the SRV record _ldap._tcp.<domain> give.`,
  ],
  [
    /Cannot contact any KDC|Cannot find KDC|unable to reach any KDC|Cannot resolve network address for KDC/i,
    'kerberos-kdc-unreachable',
    () =>
      'No Kerberos KDC of the realm answered: check the network to the domain controllers, and the kdc entries of krb5.conf (KRB5_CONFIG) or DNS SRV records _kerberos._tcp.<domain>.',
  ],
  [
    /Cannot find realm|Cannot determine realm/i,
    'kerberos-no-realm',
    ({ host }) =>
      `Kerberos cannot tell which realm ${host} belongs to: add it to [domain_realm] in krb5.conf, or set default_realm.`,
  ],
];

/** A DirectoryError (exit 1) for a Kerberos failure; unknown texts are passed on, shortened. */
export function translateKerberosError(error: unknown, context: KerberosErrorContext): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const text = (error as Error)?.message ?? String(error);
  for (const [pattern, reason, message] of RULES) {
    if (pattern.test(text)) return new DirectoryError(message(context, text), reason);
  }
  const first = text.split('\n')[0]!.replace(/\s+/g, ' ').trim();
  if (error instanceof ResultCodeError) {
    return new DirectoryError(
      `${context.host} refused the Kerberos bind (LDAP error ${error.code}): ${first}.`,
      'kerberos-refused',
      error.code,
    );
  }
  return new DirectoryError(`Kerberos sign-in to ${context.host} failed: ${first}.`, 'kerberos-failed');
}
