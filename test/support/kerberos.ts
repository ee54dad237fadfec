/**
 * Kerberos helpers for the lab tests: the lab's Kerberos facts, kinit into a private cache, imctl's
 * environment with only a ticket (no bind DN, no password), and the independent check — OpenLDAP's
 * ldapsearch with its own SASL GSSAPI bind (over LDAPS without a layer, or over ldap:// sealed).
 */
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { imctlEnv, lab, ldapToolEnv, parseLdif, runProcess, scratchDir, searchArgs, type LdifEntry } from './lab.js';

export interface KerberosFacts {
  krb5Conf: string;
  hostsFile: string;
  dcHost: string;
  spn: string;
  adminPrincipal: string;
  operator: { principal: string; upn: string; passwordFile: string; ou: string };
}
export const krb = (): KerberosFacts => (lab() as unknown as { kerberos: KerberosFacts }).kerberos;
export const labDns = () => `${lab().dnsServer}:${lab().dnsPort}`;
export const NSS_WRAPPER_LIB = '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so';

let cacheDir: string | undefined;
let caches = 0;
/** kinit into a fresh cache file of its own; returns KRB5CCNAME. `extraEnv` e.g. runs it under libfaketime. */
export async function kinit(
  principal: string,
  passwordFile: string,
  options: { lifetime?: string; krb5Conf?: string; extraEnv?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  cacheDir ??= scratchDir('imctl-krb5cc-');
  const cache = `FILE:${join(cacheDir, `cc-${++caches}`)}`;
  const args = [...(options.lifetime ? ['-l', options.lifetime] : []), principal];
  const env = {
    PATH: process.env.PATH,
    KRB5_CONFIG: options.krb5Conf ?? krb().krb5Conf,
    KRB5CCNAME: cache,
    ...options.extraEnv,
  };
  const result = await runProcess('kinit', args, { env: env, input: readFileSync(passwordFile, 'utf8') });
  if (result.code !== 0) throw new Error(`kinit ${principal} failed: ${result.stderr}`);
  return cache;
}

/** The keytab of `principal`, exported by samba-tool into `path` (0600), as cron's KRB5_CLIENT_KTNAME would name it. */
export async function exportKeytab(principal: string, path: string): Promise<void> {
  const exported = await runProcess(
    'samba-tool',
    ['domain', 'exportkeytab', path, `--principal=${principal}`, '-s', join(lab().labDir, 'samba', 'etc', 'smb.conf')],
    { env: { PATH: process.env.PATH, HOME: join(lab().labDir, 'home') } },
  );
  if (exported.code !== 0) throw new Error(`samba-tool exportkeytab ${principal} failed: ${exported.stderr}`);
  chmodSync(path, 0o600);
}

/** A directory for scratch cache files (for tests that need a cache name that was never created). */
export function kerberosScratch(): string {
  cacheDir ??= scratchDir('imctl-krb5cc-');
  return cacheDir;
}

/**
 * imctl's environment in Kerberos mode: the DC found by DNS (so it is reached by its real name,
 * dc1.lab.imctl.test, which the lab's DNS serves and the host's does not), the lab's krb5.conf and
 * a ticket cache — and no bind DN, password or password file at all.
 */
export function kerberosEnv(cache: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return imctlEnv({
    IMCTL_URL: undefined,
    IMCTL_BIND_DN: undefined,
    IMCTL_PASSWORD_FILE: undefined,
    IMCTL_DOMAIN: lab().domain,
    IMCTL_DNS_SERVER: labDns(),
    KRB5_CONFIG: krb().krb5Conf,
    KRB5CCNAME: cache,
    ...extra,
  });
}

/** ldapsearch's environment: the DC's name from the lab's hosts file (nss_wrapper), the lab's CA and krb5.conf. */
export function gssapiToolEnv(cache: string, hostsFile = krb().hostsFile): NodeJS.ProcessEnv {
  return ldapToolEnv({
    KRB5_CONFIG: krb().krb5Conf,
    KRB5CCNAME: cache,
    LD_PRELOAD: NSS_WRAPPER_LIB,
    NSS_WRAPPER_HOSTS: hostsFile,
    NSS_WRAPPER_PASSWD: '/etc/passwd',
    NSS_WRAPPER_GROUP: '/etc/group',
  });
}

/**
 * The independent check: ldapsearch with its own GSSAPI bind to the DC by name (-N: no reverse-DNS
 * canonicalisation). `sealed`: over ldap:// with the SASL layer Cyrus SASL picks (it seals);
 * otherwise over LDAPS with no layer inside TLS (maxssf=0), as imctl binds there.
 */
export async function gssapiSearch(
  cache: string,
  base: string,
  filter: string,
  attributes: string[],
  scope: 'base' | 'one' | 'sub' = 'sub',
  sealed = false,
): Promise<LdifEntry[]> {
  const transport = sealed ? ['-H', `ldap://${krb().dcHost}`] : ['-O', 'maxssf=0', '-H', `ldaps://${krb().dcHost}`];
  const args = searchArgs(['-N', '-Y', 'GSSAPI', ...transport], { base, filter, attributes, scope });
  const result = await runProcess('ldapsearch', args, { env: gssapiToolEnv(cache) });
  if (result.code !== 0) throw new Error(`ldapsearch -Y GSSAPI failed (${result.code}): ${result.stderr}`);
  expect(result.stderr).toMatch(/SASL username: Administrator@LAB\.IMCTL\.TEST/);
  if (sealed) expect(result.stderr).toMatch(/SASL SSF: (?:[1-9]\d{1,})/);
  return parseLdif(result.stdout.replace(/^# pagedresults:.*$/gm, ''));
}
