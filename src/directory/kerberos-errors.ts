/**
 * GSS-API / krb5 / SSPI failures (from the `kerberos` package, or in the DC's refusal of a GSSAPI
 * bind) in plain sentences that say what to do. On Unix the texts matched are MIT krb5's and
 * Samba's/AD's. On Windows the package's SSPI client passes on FormatMessage's text in the user's
 * language ("InitializeSecurityContext: Der angegebene Zielprinzipal ist unbekannt …") with no
 * code, so a failure is classified by its SEC_E_* or Win32 status where one appears (by name or
 * number: AD's refusals carry it as `80090303:`), and the hints are Windows' own: klist, being
 * signed in to the domain, `runas /netonly` — never kinit or krb5.conf, which Windows does not use.
 */
import { ResultCodeError } from 'ldapts';
import { DirectoryError } from '../core/errors.js';

export interface KerberosErrorContext {
  /** The DC's host name, as used in the service principal ldap/<host>. */
  host: string;
  /** The platform's Kerberos: MIT's GSS-API, or SSPI on Windows. Default: MIT's. */
  os?: NodeJS.Platform;
}

/** A status code SSPI may report: its name, and its number (an HRESULT such as 0x80090303, or a Win32 error). */
type Status = [name: string, code: number];

interface Rule {
  reason: string;
  /** MIT krb5's texts (and AD's KDC error names in a refusal). */
  mit: RegExp;
  /** SSPI's status codes for the same failure. */
  sspi: Status[];
  /** What to do, with MIT's tools. */
  unix: (context: KerberosErrorContext) => string;
  /** What to do, with Windows' tools. */
  windows: (context: KerberosErrorContext) => string;
}

const RUNAS = 'runas /netonly /user:CORP\\you powershell';

const unknownService = ({ host }: KerberosErrorContext) =>
  `The domain has no Kerberos service ldap/${host}: connect by the domain controller's real host name (not an address, alias or load-balancer name), e.g. the name its certificate and the SRV record _ldap._tcp.<domain> give.`;

const clockSkew = ({ host }: KerberosErrorContext, fix: string) =>
  `This computer's clock and the domain's (${host}, the KDC) differ by more than Kerberos allows (5 minutes by default): ${fix}`;

const RULES: Rule[] = [
  {
    reason: 'kerberos-no-ticket',
    mit: /No Kerberos credentials available|No credentials cache found|Credentials cache (?:file )?'?[^']*'? not found|No credentials were supplied|ccache.*(?:not found|does not exist)/i,
    sspi: [
      ['SEC_E_NO_CREDENTIALS', 0x8009030e],
      ['ERROR_NO_SUCH_LOGON_SESSION', 1312],
    ],
    unix: () =>
      'No Kerberos ticket: run kinit (e.g. "kinit admin@CORP.EXAMPLE.COM"), or point KRB5CCNAME at your ticket cache.',
    windows: () =>
      `Windows holds no Kerberos ticket for you: sign in to Windows with your domain account (klist lists your tickets); on a computer outside the domain, start a shell as your domain account ("${RUNAS}") and run imctl there.`,
  },
  {
    reason: 'kerberos-ticket-expired',
    mit: /Ticket expired|credentials? ha(?:s|ve) expired|KRB5KRB_AP_ERR_TKT_EXPIRED|KDC_ERR_TGT_REVOKED/i,
    sspi: [['SEC_E_CONTEXT_EXPIRED', 0x80090317]],
    unix: () => 'Your Kerberos ticket has expired: run kinit again (klist shows its end time).',
    windows: () =>
      'Your Kerberos ticket has expired: lock and unlock Windows (or sign in again) for a new one; klist shows the end times, "klist purge" drops the old tickets.',
  },
  {
    reason: 'kerberos-clock-skew',
    mit: /Clock skew too great|KRB5KRB_AP_ERR_SKEW|TIME_DIFFERENCE_AT_DC/i,
    sspi: [
      ['SEC_E_TIME_SKEW', 0x80090324],
      ['ERROR_TIME_SKEW', 1398],
    ],
    unix: (context) => clockSkew(context, 'set the clock right, e.g. with NTP against a domain controller.'),
    windows: (context) => clockSkew(context, 'set the clock from the domain ("w32tm /resync", as an administrator).'),
  },
  {
    reason: 'kerberos-unknown-service',
    mit: /Server not found in Kerberos database|Server .* not found in Kerberos database|KDC_ERR_S_PRINCIPAL_UNKNOWN/i,
    sspi: [
      ['SEC_E_TARGET_UNKNOWN', 0x80090303],
      ['SEC_E_WRONG_PRINCIPAL', 0x80090322],
    ],
    unix: unknownService,
    windows: (context) =>
      `${unknownService(context)} "klist get ldap/${context.host}" shows whether the domain knows the name.`,
  },
  {
    reason: 'kerberos-kdc-unreachable',
    mit: /Cannot contact any KDC|Cannot find KDC|unable to reach any KDC|Cannot resolve network address for KDC/i,
    sspi: [
      ['SEC_E_NO_AUTHENTICATING_AUTHORITY', 0x80090311],
      ['ERROR_DOMAIN_CONTROLLER_NOT_FOUND', 1908],
    ],
    unix: () =>
      'No Kerberos KDC of the realm answered: check the network to the domain controllers, and the kdc entries of krb5.conf (KRB5_CONFIG) or DNS SRV records _kerberos._tcp.<domain>.',
    windows: () =>
      'No domain controller answered for Kerberos: check that this computer reaches the domain (a VPN?); "nltest /dsgetdc:<domain>" shows whether Windows finds one.',
  },
  {
    reason: 'kerberos-no-realm',
    mit: /Cannot find realm|Cannot determine realm/i,
    sspi: [],
    unix: ({ host }) =>
      `Kerberos cannot tell which realm ${host} belongs to: add it to [domain_realm] in krb5.conf, or set default_realm.`,
    windows: ({ host }) => `Kerberos cannot tell which domain ${host} belongs to: connect by its full DNS name.`,
  },
];

/** Whether `text` names the status: SEC_E_TARGET_UNKNOWN, 0x80090303, AD's bare 80090303, its signed decimal, or "error 1312". */
function mentions(text: string, [name, code]: Status): boolean {
  if (new RegExp(`\\b${name}\\b`).test(text)) return true;
  const hex = code.toString(16).padStart(8, '0');
  if (code > 0xffff)
    return new RegExp(`(?<![0-9a-f])(?:0x)?${hex}(?![0-9a-f])|(?<!\\d)${code - 2 ** 32}(?!\\d)`, 'i').test(text);
  return new RegExp(`\\b(?:error|status|code)\\W{0,3}(?:${code}(?!\\d)|0x${hex}\\b)`, 'i').test(text);
}

/** A DirectoryError (exit 1) for a Kerberos failure; unknown texts are passed on, shortened. */
export function translateKerberosError(error: unknown, context: KerberosErrorContext): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const text = (error as Error)?.message ?? String(error);
  const windows = context.os === 'win32';
  for (const rule of RULES) {
    if (rule.sspi.some((status) => mentions(text, status)) || rule.mit.test(text))
      return new DirectoryError((windows ? rule.windows : rule.unix)(context), rule.reason);
  }
  const first = text.split('\n')[0]!.replace(/\s+/g, ' ').trim();
  if (error instanceof ResultCodeError) {
    return new DirectoryError(
      `${context.host} refused the Kerberos bind (LDAP error ${error.code}): ${first}.`,
      'kerberos-refused',
      error.code,
    );
  }
  if (windows)
    return new DirectoryError(
      `Kerberos sign-in to ${context.host} failed (Windows SSPI: ${first.replace(/\.$/, '')}). Kerberos there uses the ticket of your Windows sign-in: sign in with your domain account, or start a shell with "${RUNAS}"; klist lists your tickets, "klist get ldap/${context.host}" asks for the DC's.`,
      'kerberos-failed',
    );
  return new DirectoryError(`Kerberos sign-in to ${context.host} failed: ${first}.`, 'kerberos-failed');
}
