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
 * (config-file.ts), the files merged under the trust model (config-trust.ts), each value checked
 * (setting-values.ts, bounds from the option registry), LDAP URLs (ldap-urls.ts), per-server
 * capacities (server-capacity.ts) and the `-v` listing (describe-settings.ts).
 */
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { SaslLayerMode } from '../core/sasl-security-layer.js';
import { DEFAULT_CAPACITY, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_SECONDS } from '../core/limits.js';
import { DEFAULT_ACTIVE_DAYS, DEFAULT_LOAD, type LoadKind } from '../core/activity.js';
import { findConfigFiles, type ConfigTrust } from './config-discovery.js';
import { mergedConfig } from './config-trust.js';
import { splitUrls, validateUrl } from './ldap-urls.js';
import { envValue, type AuthMode, type GlobalFlags } from './option-registry.js';
import { boundedSetting, choiceSources, envFlag, imDomainForm, refuseEmptyFlags } from './setting-values.js';
import type { SyncConfig, SyncRule } from './sync-rules.js';
import { ticketCacheExists } from './ticket-cache.js';

export { PROTECTED_KEYS, type AuthMode, type GlobalFlags } from './option-registry.js';
export type { ConfigTrust } from './config-discovery.js';

export type Source = 'flag' | 'env' | 'config' | 'default';
export interface Settings {
  urls: string[];
  auth: AuthMode;
  /** Kerberos over plain LDAP: seal (default) or sign every message with the SASL security layer. */
  saslLayer: SaslLayerMode;
  domain?: string | undefined;
  /** With --domain: the AD site whose DCs are tried first. */
  site?: string | undefined;
  dnsServer?: string | undefined;
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
  const configFile = files.at(-1)?.path;
  const sources: Settings['sources'] = {};
  const pick = <K extends keyof Settings, T>(
    key: K,
    flag: T | undefined,
    fromEnv: T | undefined,
    fromFile: T | undefined,
    fallback: T,
  ): T => {
    if (flag !== undefined) return ((sources[key] = 'flag'), flag);
    if (fromEnv !== undefined) return ((sources[key] = 'env'), fromEnv);
    if (fromFile !== undefined) return ((sources[key] = 'config'), fromFile);
    sources[key] = 'default';
    return fallback;
  };
  const nonEmpty = (v: string | undefined) => (v && v.length > 0 ? v : undefined);
  const fromEnv = (key: Parameters<typeof envValue>[1]) => nonEmpty(envValue(env, key));

  refuseEmptyFlags(flags);
  let urls = pick(
    'urls',
    flags.url ? splitUrls(flags.url) : undefined,
    fromEnv('url') ? splitUrls(fromEnv('url')!) : undefined,
    file.url ? splitUrls(file.url) : undefined,
    [] as string[],
  );
  urls.forEach(validateUrl);
  const domain = pick('domain', flags.domain, fromEnv('domain'), file.domain, undefined);
  // The endpoint is one choice: a URL and a domain from different levels are settled by the level.
  let endpointChoice: string | undefined;
  if (domain !== undefined && urls.length > 0) {
    const urlSource = sources.urls!;
    const domainSource = sources.domain!;
    if (SOURCE_RANK[domainSource] > SOURCE_RANK[urlSource]) {
      endpointChoice = `DCs found by DNS for ${domain}: the domain (${sourceLabel(domainSource)}) outranks the url (${sourceLabel(urlSource)}), which is not used`;
      urls = [];
      sources.urls = domainSource;
    } else {
      endpointChoice = `the url (${sourceLabel(urlSource)}) is used; the domain ${domain} (${sourceLabel(domainSource)}) is not used to find DCs`;
    }
  }

  // The password source, flags first like every other setting: a --password-file given on the
  // command line wins over IMCTL_PASSWORD left in the environment.
  const passwordFromEnv = !flags.passwordFile && nonEmpty(env.IMCTL_PASSWORD) !== undefined;
  const passwordFile = passwordFromEnv
    ? undefined
    : pick(
        'passwordFile',
        flags.passwordFile ? resolve(cwd, flags.passwordFile) : undefined,
        fromEnv('passwordFile') ? resolve(cwd, fromEnv('passwordFile')!) : undefined,
        file.passwordFile,
        undefined,
      );
  sources.password = passwordFromEnv ? 'env' : sources.passwordFile;

  // No prototype: a server named "constructor" or "__proto__" must find no capacity here.
  const serverCapacity: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, server] of Object.entries(file.servers ?? {})) {
    if (server.capacity !== undefined)
      serverCapacity[name.toLowerCase()] = boundedSetting(
        'capacity',
        `"servers.${name.length > 64 ? `${name.slice(0, 64)}…` : name}.capacity" in the config file`,
        server.capacity,
      )!;
  }
  if (Object.keys(serverCapacity).length > 0) sources.serverCapacity = 'config';
  // Kerberos by default only when no bind account is configured and a ticket cache exists.
  const bindDn = pick('bindDn', flags.bindDn, fromEnv('bindDn'), file.bindDn, undefined);
  const auth = pick(
    'auth',
    ...choiceSources<AuthMode>('auth', flags.auth, env, file.auth),
    !bindDn && ticketCacheExists(env) ? 'kerberos' : 'simple',
  );

  // Over TLS a Kerberos bind carries no channel binding: whoever terminates an unverified TLS
  // session relays the bind to the DC and then uses the admin's session as their own.
  if (auth === 'kerberos' && flags.insecureTls)
    throw new UsageError(
      `--insecure-tls cannot be used with Kerberos (--auth kerberos${sources.auth === 'default' ? ', chosen because a ticket cache exists' : ''}): whoever sits between you and the DC could relay your Kerberos bind and then use the whole session as you. Drop --insecure-tls (Kerberos on ldap:// seals every message without a certificate) or give the DC's CA with --ca-file.`,
      'insecure-kerberos',
    );

  const noColor = envValue(env, 'color');
  const color = flags.color === false || (noColor !== undefined && noColor !== '') ? false : true;

  const saslLayer = pick(
    'saslLayer',
    ...choiceSources<SaslLayerMode>('saslLayer', flags.saslLayer, env, file.saslLayer),
    'seal' as SaslLayerMode,
  );

  return {
    urls,
    auth,
    saslLayer,
    domain,
    site: pick('site', flags.site, fromEnv('site'), file.site, undefined),
    dnsServer: pick('dnsServer', flags.dnsServer, fromEnv('dnsServer'), file.dnsServer, undefined),
    bindDn,
    passwordFile,
    passwordFromEnv,
    startTls: pick('startTls', flags.starttls, envFlag(envValue(env, 'starttls')), file.startTls, false),
    caFile: pick(
      'caFile',
      flags.caFile ? resolve(cwd, flags.caFile) : undefined,
      fromEnv('caFile') ? resolve(cwd, fromEnv('caFile')!) : undefined,
      file.caFile,
      undefined,
    ),
    insecureTls: flags.insecureTls ?? false,
    allowCleartext: pick('allowCleartext', flags.allowCleartext, undefined, file.allowCleartext, false),
    baseDn: pick('baseDn', flags.baseDn, fromEnv('baseDn'), file.baseDn, undefined),
    loadsUnderBaseDn: env.IMCTL_TEST_LOADS_UNDER_BASE_DN === '1' || undefined,
    imDomain: pick(
      'imDomain',
      imDomainForm(flags.imDomain),
      imDomainForm(fromEnv('imDomain')),
      imDomainForm(file.imDomain),
      undefined,
    ),
    capacity: pick(
      'capacity',
      boundedSetting('capacity', '--capacity', flags.capacity),
      undefined,
      boundedSetting('capacity', '"capacity" in the config file', file.capacity),
      DEFAULT_CAPACITY,
    ),
    serverCapacity,
    sync: file.sync ?? { rules: Object.create(null) as Record<string, SyncRule> },
    load: pick('load', ...choiceSources<LoadKind>('load', flags.load, env, file.load), DEFAULT_LOAD),
    activeDays: pick(
      'activeDays',
      boundedSetting('activeDays', '--active-days', flags.activeDays),
      undefined,
      boundedSetting('activeDays', '"activeDays" in the config file', file.activeDays),
      DEFAULT_ACTIVE_DAYS,
    ),
    concurrency: pick(
      'concurrency',
      boundedSetting('concurrency', '--concurrency', flags.concurrency),
      undefined,
      boundedSetting('concurrency', '"concurrency" in the config file', file.concurrency),
      DEFAULT_CONCURRENCY,
    ),
    // Seconds on the flag and in the file; milliseconds only inside, for the LDAP client.
    timeoutMs:
      pick(
        'timeoutMs',
        boundedSetting('timeout', '--timeout', flags.timeout),
        undefined,
        boundedSetting('timeout', '"timeout" in the config file', file.timeout),
        DEFAULT_TIMEOUT_SECONDS,
      ) * 1000,
    json: flags.json ?? false,
    color,
    verbose: flags.verbose ?? false,
    configFile,
    configFiles: files,
    warnings,
    endpointChoice,
    sources,
  };
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
