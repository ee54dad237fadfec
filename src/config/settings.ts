/**
 * Settings merged in the contract's fixed order — flags, then environment, then the config file,
 * then defaults — with the source of every value kept, so `--verbose` can say where it came from.
 *
 * Config files are trusted as git trusts its config (docs/security.md, "Config files"): the file
 * named by --config and the user's own file (config.json in the platform's config folder) may set
 * anything; an imctl.json found in the current folder — a cloned repository, a shared drive — is
 * read on top of the user's file but may not choose where credentials go or weaken transport
 * (PROTECTED_KEYS) unless the user trusts that folder ("trustedFolders" in their own file).
 *
 * The parts: which files are read (config-discovery.ts), one file read and checked
 * (config-file.ts), the files merged under the trust model (config-trust.ts), each registry setting
 * resolved from its sources (setting-resolution.ts) and each value checked by its entry's rule
 * (setting-values.ts), LDAP URLs (ldap-urls.ts), per-server
 * capacities (server-capacity.ts) and the `-v` listing (describe-settings.ts).
 */
import { UsageError } from '../core/errors.js';
import type { SaslLayerMode } from '../core/sasl-security-layer.js';
import type { LoadKind } from '../core/activity.js';
import { findConfigFiles, type ConfigTrust } from './config-discovery.js';
import { mergedConfig } from './config-trust.js';
import { envValue, type AuthMode, type ConfigFile, type GlobalFlags, type SettingKey } from './option-registry.js';
import { resolveSetting, type SettingInputs } from './setting-resolution.js';
import { boundedSetting, refuseEmptyFlags, type Source } from './setting-values.js';
import type { SyncConfig, SyncRule } from './sync-rules.js';
import { ticketCacheExists } from './ticket-cache.js';

export { PROTECTED_KEYS, type AuthMode, type GlobalFlags } from './option-registry.js';
export type { ConfigTrust } from './config-discovery.js';
export type { Source } from './setting-values.js';
export interface Settings {
  urls: string[];
  auth: AuthMode;
  /** Kerberos over plain LDAP: seal (default) or sign every message with the SASL security layer. */
  saslLayer: SaslLayerMode;
  domain?: string | undefined;
  /** With --domain: the AD site whose DCs are tried first. */
  site?: string | undefined;
  /** DNS servers (host[:port]) for --domain and resolve, tried in order; unset: the system's. */
  dnsServer?: string[] | undefined;
  bindDn?: string | undefined;
  /**
   * Where the password comes from — decided here once, flags first: --password-file, then
   * IMCTL_PASSWORD, then IMCTL_PASSWORD_FILE, then "passwordFile" in the config file, else a
   * prompt on a terminal. The password itself is read only when binding.
   */
  passwordFile?: string | undefined;
  passwordFromEnv: boolean;
  startTls: boolean;
  caFile?: string | undefined;
  insecureTls: boolean;
  allowCleartext: boolean;
  baseDn?: string | undefined;
  /**
   * Count server loads under the base DN instead of the whole domain. For the lab's small worlds
   * only (IMCTL_TEST_LOADS_UNDER_BASE_DN=1), whose few users must not share servers with the
   * 12,000 seeded ones; loads are a fact about the servers, so nothing else sets it.
   */
  loadsUnderBaseDn?: boolean | undefined;
  imDomain?: string | undefined;
  capacity: number;
  /** Per-server capacity, keyed by lower-cased server name. */
  serverCapacity: Record<string, number>;
  /** The config file's named sync rules and default guard (sync-rules.ts). */
  sync: SyncConfig;
  /** What counts against capacity: every homed user, or the active ones (src/core/activity.ts). */
  load: LoadKind;
  /** The activity window in days (lastLogonTimestamp within it). */
  activeDays: number;
  concurrency: number;
  timeoutMs: number;
  json: boolean;
  color: boolean;
  verbose: boolean;
  configFile?: string | undefined;
  /** Every config file read, most specific last, and how far it was trusted. */
  configFiles: { path: string; trust: ConfigTrust }[];
  /** What the admin must be told before anything connects (ignored config keys, unsafe files). */
  warnings: string[];
  /**
   * How the endpoint was chosen when both a URL and a domain were set: the one from the higher
   * source wins (a --domain flag beats a config file's url), at the same level the URL does.
   */
  endpointChoice?: string | undefined;
  /** Where each setting came from (`password` is where the password will be read from). */
  sources: Partial<Record<keyof Settings | 'password', Source>>;
}

export function loadSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const { file, files, warnings } = mergedConfig(findConfigFiles(flags.config, env, cwd), cwd);
  refuseEmptyFlags(flags);
  const inputs: SettingInputs = { flags, env, file, cwd };
  const sources: Settings['sources'] = {};
  /** The registry's setting `key`, its source kept under `field`, the name Settings gives it. */
  const setting = <K extends SettingKey>(key: K, field = key as keyof Settings) => {
    const { value, source } = resolveSetting(key, inputs);
    sources[field] = source;
    return value;
  };

  const domain = setting('domain');
  const { urls, endpointChoice } = chooseEndpoint(setting('url', 'urls') ?? [], domain, sources);
  const password = passwordSource(setting('passwordFile'), flags, env, sources);
  const bindDn = setting('bindDn');
  // Kerberos by default only when no bind account is configured and a ticket cache exists.
  const auth = setting('auth') ?? (!bindDn && ticketCacheExists(env) ? 'kerberos' : 'simple');
  const insecureTls = setting('insecureTls')!;
  refuseInsecureKerberos(auth, insecureTls, sources);
  const noColor = envValue(env, 'color');

  return {
    urls,
    auth,
    saslLayer: setting('saslLayer')!,
    domain,
    site: setting('site'),
    dnsServer: setting('dnsServer'),
    bindDn,
    ...password,
    startTls: setting('starttls', 'startTls')!,
    caFile: setting('caFile') ?? undefined, // null: --no-ca-file
    insecureTls,
    allowCleartext: setting('allowCleartext')!,
    baseDn: setting('baseDn'),
    loadsUnderBaseDn: env.IMCTL_TEST_LOADS_UNDER_BASE_DN === '1' || undefined,
    imDomain: setting('imDomain'),
    capacity: setting('capacity')!,
    serverCapacity: serverCapacities(file, sources),
    sync: file.sync ?? { rules: Object.create(null) as Record<string, SyncRule> },
    load: setting('load')!,
    activeDays: setting('activeDays')!,
    concurrency: setting('concurrency')!,
    // Seconds from every source; milliseconds only inside, for the LDAP client.
    timeoutMs: setting('timeout', 'timeoutMs')! * 1000,
    json: setting('json')!,
    // NO_COLOR is any non-empty value (no-color.org), not a switch that "0" turns off.
    color: flags.color !== false && (noColor === undefined || noColor === ''),
    verbose: setting('verbose')!,
    configFile: files.at(-1)?.path,
    configFiles: files,
    warnings,
    endpointChoice,
    sources,
  };
}

/**
 * The endpoint is one choice: a URL and a domain from different levels are settled by the level
 * (a --domain flag beats a config file's url); at the same level the URL wins.
 */
function chooseEndpoint(
  urls: string[],
  domain: string | undefined,
  sources: Settings['sources'],
): { urls: string[]; endpointChoice?: string } {
  if (domain === undefined || urls.length === 0) return { urls };
  const urlSource = sources.urls!;
  const domainSource = sources.domain!;
  if (SOURCE_RANK[domainSource] > SOURCE_RANK[urlSource]) {
    sources.urls = domainSource;
    return {
      urls: [],
      endpointChoice: `DCs found by DNS for ${domain}: the domain (${sourceLabel(domainSource)}) outranks the url (${sourceLabel(urlSource)}), which is not used`,
    };
  }
  return {
    urls,
    endpointChoice: `the url (${sourceLabel(urlSource)}) is used; the domain ${domain} (${sourceLabel(domainSource)}) is not used to find DCs`,
  };
}

/**
 * Where the password comes from, flags first like every other setting: a --password-file given on
 * the command line wins over IMCTL_PASSWORD left in the environment, which wins over
 * IMCTL_PASSWORD_FILE and the config file's "passwordFile".
 */
function passwordSource(
  passwordFile: string | undefined,
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
  sources: Settings['sources'],
): Pick<Settings, 'passwordFile' | 'passwordFromEnv'> {
  const passwordFromEnv = !flags.passwordFile && (env.IMCTL_PASSWORD ?? '') !== '';
  if (passwordFromEnv) delete sources.passwordFile;
  sources.password = passwordFromEnv ? 'env' : sources.passwordFile;
  return { passwordFile: passwordFromEnv ? undefined : passwordFile, passwordFromEnv };
}

/**
 * Over TLS a Kerberos bind carries no channel binding: whoever terminates an unverified TLS
 * session relays the bind to the DC and then uses the admin's session as their own.
 */
function refuseInsecureKerberos(auth: AuthMode, insecureTls: boolean, sources: Settings['sources']): void {
  if (auth === 'kerberos' && insecureTls)
    throw new UsageError(
      `--insecure-tls cannot be used with Kerberos (--auth kerberos${sources.auth === 'default' ? ', chosen because a ticket cache exists' : ''}): whoever sits between you and the DC could relay your Kerberos bind and then use the whole session as you. Drop --insecure-tls (Kerberos on ldap:// seals every message without a certificate) or give the DC's CA with --ca-file.`,
      'insecure-kerberos',
    );
}

/** The config file's per-server capacities, keyed by lower-cased server name, each within the registry's bounds. */
function serverCapacities(file: ConfigFile, sources: Settings['sources']): Record<string, number> {
  // No prototype: a server named "constructor" or "__proto__" must find no capacity here.
  const serverCapacity: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, server] of Object.entries(file.servers ?? {})) {
    if (server.capacity !== undefined)
      serverCapacity[name.toLowerCase()] = boundedSetting(
        'capacity',
        `"servers.${name.length > 64 ? `${name.slice(0, 64)}…` : name}.capacity" in the config file`,
        server.capacity,
      );
  }
  if (Object.keys(serverCapacity).length > 0) sources.serverCapacity = 'config';
  return serverCapacity;
}

const SOURCE_RANK: Record<Source, number> = { flag: 3, env: 2, config: 1, default: 0 };

/**
 * With --domain (no URL), DCs are reached over ldap://: StartTLS when asked for; otherwise
 * Kerberos with no CA seals with the SASL layer instead (no certificate needed), and anything
 * else uses StartTLS unless cleartext is allowed.
 */
export function domainStartTls(settings: Pick<Settings, 'startTls' | 'allowCleartext' | 'auth' | 'caFile'>): boolean {
  const sealed = settings.auth === 'kerberos' && !settings.caFile;
  return settings.startTls || (!settings.allowCleartext && !sealed);
}

/** A source as `-v` and the endpoint note name it. */
export function sourceLabel(source: Source): string {
  return source === 'flag'
    ? 'flag'
    : source === 'env'
      ? 'environment'
      : source === 'config'
        ? 'config file'
        : 'default';
}
