/**
 * Settings merged in the contract's fixed order — flags, then environment, then the config file,
 * then defaults — with the source of every value kept, so `--verbose` can say where it came from.
 *
 * Config files are trusted as git trusts its config (docs/security.md, "Config files"): the file
 * named by --config and the user's own file (config.json in the platform's config folder) may set
 * anything; an imctl.json found in the current folder — a cloned repository, a shared drive — is
 * read on top of the user's file but may not choose where credentials go or weaken transport
 * (PROTECTED_KEYS) unless the user trusts that folder ("trustedFolders" in their own file).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { SaslLayerMode } from '../core/sasl-security-layer.js';
import {
  DEFAULT_CAPACITY,
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_SECONDS,
  MAX_CAPACITY,
  MAX_CONCURRENCY,
  MAX_TIMEOUT_SECONDS,
} from '../core/limits.js';
import { configDir, hostHome } from '../platform/paths.js';
import { DEFAULT_ACTIVE_DAYS, DEFAULT_LOAD, MAX_ACTIVE_DAYS, type LoadKind } from '../core/activity.js';
import {
  CONFIG_KINDS,
  OPTIONS,
  PROTECTED_KEYS,
  envValue,
  optionEntry,
  shownAs,
  type AuthMode,
  type ChoiceKey,
  type ConfigFile,
  type GlobalFlags,
} from './options.js';
import { ticketCacheExists } from './ticket-cache.js';

export { DEFAULT_CAPACITY, DEFAULT_CONCURRENCY, MAX_CONCURRENCY };
export { AUTH_MODES, PROTECTED_KEYS, type AuthMode, type GlobalFlags } from './options.js';

export type Source = 'flag' | 'env' | 'config' | 'default';
export interface Settings {
  urls: string[];
  auth: AuthMode;
  /** Kerberos over plain LDAP: seal (default) or sign every message with the SASL security layer. */
  saslLayer: SaslLayerMode;
  domain?: string | undefined;
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
  imDomain?: string | undefined;
  capacity: number;
  /** Per-server capacity, keyed by lower-cased server name. */
  serverCapacity: Record<string, number>;
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

/**
 * 'explicit': named by --config; 'user': the user's own config.json; 'project': an imctl.json in the
 * current folder; 'trusted-project': one in a folder the user's file lists in "trustedFolders".
 */
export type ConfigTrust = 'explicit' | 'user' | 'project' | 'trusted-project';

export interface FoundConfig {
  path: string;
  trust: ConfigTrust;
}

/**
 * The config files to read, least specific first: `--config FILE` alone; else the user's
 * config.json (platform config folder; $XDG_CONFIG_HOME/imctl on Linux) and then ./imctl.json.
 */
export function findConfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): FoundConfig[] {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new UsageError(`The config file ${path} does not exist.`, 'config');
    return [{ path, trust: 'explicit' }];
  }
  const found: FoundConfig[] = [];
  const user = join(configDir(hostHome(env)), 'config.json'); // platform rules: src/platform/paths.ts
  if (existsSync(user)) found.push({ path: user, trust: 'user' });
  const local = join(cwd, 'imctl.json');
  if (existsSync(local) && local !== user) found.push({ path: local, trust: 'project' });
  return found;
}

/** The most specific config file (what `-v` calls "config file"), for callers that need one. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  return findConfigFiles(explicit, env, cwd).at(-1)?.path;
}

export function parseConfigFile(path: string, text: string): ConfigFile {
  let data: unknown;
  try {
    // Notepad saves UTF-8 with a BOM; JSON.parse does not accept one.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // Never quote the file: V8's message carries a piece of it, and a file given as --config by
    // mistake may hold a password (or control characters that would reach the terminal).
    throw new UsageError(
      `The config file ${path} is not valid JSON${jsonErrorWhere(text, error)}; check it with a JSON validator.`,
      'config',
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`The config file ${path} must hold a JSON object.`, 'config');
  }
  for (const [key, value] of Object.entries(data)) {
    // Own keys only: "constructor" or "__proto__" must be unknown keys, not Object.prototype's.
    const kind = Object.hasOwn(CONFIG_KINDS, key) ? CONFIG_KINDS[key as keyof ConfigFile] : undefined;
    const bad = (want: string) =>
      new UsageError(`The config file ${path}: ${JSON.stringify(key)} must be ${want}.`, 'config');
    switch (kind) {
      case undefined:
        throw new UsageError(
          `The config file ${path} has an unknown key ${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)} (known: ${Object.keys(CONFIG_KINDS).join(', ')}).`,
          'config',
        );
      case 'string':
        if (typeof value !== 'string' || value.length === 0) throw bad('a non-empty string');
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw bad('true or false');
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad('a whole number');
        break;
      case 'url':
        if (!(typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))))
          throw bad('a URL or a list of URLs');
        // A password in a URL is a password in the file: refused even when --url or IMCTL_URL overrides it.
        if (splitUrls(value as string | string[]).some(hasCredentials))
          throw bad('URLs without a user name or password (give those with "bindDn" and "passwordFile")');
        break;
      case 'paths':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0))
          throw bad('a list of folder paths');
        break;
      case 'servers':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('an object of server names');
        for (const [name, server] of Object.entries(value as Record<string, unknown>)) {
          const keys =
            typeof server === 'object' && server !== null && !Array.isArray(server) ? Object.keys(server) : undefined;
          const capacity = (server as { capacity?: unknown } | null)?.capacity;
          // A typo such as "capcity" would silently fall back to the global capacity: refuse it.
          if (
            !keys ||
            keys.some((k) => k !== 'capacity') ||
            typeof capacity !== 'number' ||
            !Number.isInteger(capacity) ||
            capacity < 0
          )
            throw bad(
              `{ "<name>": { "capacity": N } } (bad entry ${JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name)})`,
            );
        }
        break;
    }
  }
  return data as ConfigFile;
}

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/** " at line L, column C" from a JSON.parse error that gives a position, else "". */
function jsonErrorWhere(text: string, error: unknown): string {
  const position = /at position (\d+)/.exec((error as Error)?.message ?? '')?.[1];
  if (position === undefined)
    return /end of JSON input/.test((error as Error)?.message ?? '') ? ' (it ends too early)' : '';
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(position));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (at line ${line}, column ${column})`;
}

/** A config file is a few hundred bytes; anything near this is the wrong file. */
const MAX_CONFIG_BYTES = 1024 * 1024;

function splitUrls(value: string | string[]): string[] {
  const list = Array.isArray(value) ? value : value.split(',');
  return list.map((url) => url.trim()).filter((url) => url.length > 0);
}

export function validateUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not an LDAP URL; use ldaps://host[:port] or ldap://host[:port].`, 'url');
  }
  // Never echo the part before "@": it may be a password (and argv and config files are no place for one).
  const credentials = parsed.username !== '' || parsed.password !== '';
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') {
    throw new UsageError(
      `"${credentials ? `${parsed.protocol}//${parsed.host}` : url}" is not an LDAP URL; use ldaps://host[:port] or ldap://host[:port].`,
      'url',
    );
  }
  if (parsed.hostname === '' || parsed.hostname === '[]') {
    throw new UsageError(
      `"${url}" names no host; use ${parsed.protocol}//dc1.corp.example.com (an empty variable in a script?).`,
      'url',
    );
  }
  if (credentials) {
    throw new UsageError(
      `The URL for ${parsed.hostname} carries a user name or password: give the account with --bind-dn and the password with --password-file or IMCTL_PASSWORD_FILE, and the URL as ${parsed.protocol}//${parsed.host}.`,
      'url',
    );
  }
}

/** IM domains compare and are written lower-case, without the absolute form's trailing dot (validated where used). */
function imDomainForm(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * A setting with fixed choices (--auth, --sasl-layer, --load) from each source: one of its choices
 * in any case, else a usage error naming where the bad value came from.
 */
function choiceSources<T extends string>(
  key: ChoiceKey,
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  file: string | undefined,
): [T | undefined, T | undefined, T | undefined] {
  const entry = optionEntry(key);
  const choices = entry.choices!;
  const envName = entry.env?.[0];
  const check = (where: string, value: string | undefined): T | undefined => {
    if (value === undefined) return undefined;
    const choice = value.toLowerCase();
    if (!choices.includes(choice)) {
      throw new UsageError(
        `${where} must be ${choices.map((c) => `"${c}"`).join(' or ')}, not ${JSON.stringify(value.slice(0, 40))}.`,
        'usage',
      );
    }
    return choice as T;
  };
  const fromEnv = envName === undefined ? undefined : env[envName];
  return [
    check(entry.flag!.long, flag),
    check(envName ?? '', fromEnv === '' ? undefined : fromEnv),
    check(`"${entry.config!.key}" in the config file`, file),
  ];
}

function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function positiveInt(name: string, value: number | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new UsageError(`${name} must be a whole number from 0 to ${max}.`, 'usage');
  }
  return value;
}

/** A window of at least one day. */
function activeDays(name: string, value: number | undefined): number | undefined {
  if (value === 0) throw new UsageError(`${name} must be a whole number from 1 to ${MAX_ACTIVE_DAYS}.`, 'usage');
  return positiveInt(name, value, MAX_ACTIVE_DAYS);
}

/** Read and parse one config file, with its relative paths made absolute against its own folder. */
function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new UsageError(
        `The config file ${path} is ${(size / 1024 / 1024).toFixed(1)} MB; an imctl config file is a small JSON object: is this the right file?`,
        'config',
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `Cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      'config',
    );
  }
  const file = parseConfigFile(path, text);
  // Paths in a config file are relative to the file; `~/` means the home directory.
  const absolute = (value: string) =>
    value.startsWith('~/') ? join(homedir(), value.slice(2)) : resolve(join(path, '..'), value);
  if (file.passwordFile) file.passwordFile = absolute(file.passwordFile);
  if (file.caFile) file.caFile = absolute(file.caFile);
  if (file.trustedFolders) file.trustedFolders = file.trustedFolders.map(absolute);
  return file;
}

/** Who may have written `path`: a file another user owns, or anyone may change, is not the user's choice. */
function foreignOrShared(path: string): string | undefined {
  if (typeof process.getuid !== 'function') return undefined; // Windows: ACLs, not modes
  const stat = statSync(path);
  const uid = process.getuid();
  if (stat.uid !== uid && stat.uid !== 0) return `it belongs to another user (uid ${stat.uid})`;
  if ((stat.mode & 0o002) !== 0) return 'anyone on this machine can change it (mode o+w)';
  return undefined;
}

const canonical = (folder: string) => {
  try {
    return realpathSync(folder);
  } catch {
    return resolve(folder);
  }
};

/**
 * The config files merged into one, with what was left out and why. A project file's protected
 * keys count only in a folder the user trusts; a file that another user owns or anyone can
 * change is the user's choice nowhere: the user's own is refused, a project one ignored.
 */
function mergedConfig(
  found: FoundConfig[],
  cwd: string,
): { file: ConfigFile; files: FoundConfig[]; warnings: string[] } {
  const warnings: string[] = [];
  const files: FoundConfig[] = [];
  let file: ConfigFile = {};
  for (const config of found) {
    const unsafe = config.trust === 'explicit' ? undefined : foreignOrShared(config.path);
    if (unsafe && config.trust === 'user')
      throw new UsageError(
        `Refusing the config file ${config.path}: ${unsafe}. Make it yours and not writable by others (chmod go-w).`,
        'config',
      );
    if (unsafe) {
      warnings.push(`Ignoring ${config.path}: ${unsafe}. Give it with --config if you mean to use it.`);
      continue;
    }
    const contents = readConfigFile(config.path);
    let trust = config.trust;
    if (trust === 'project') {
      const trusted = (file.trustedFolders ?? []).map(canonical);
      if (trusted.includes(canonical(cwd))) trust = 'trusted-project';
    }
    if (trust === 'project') {
      const dropped = PROTECTED_KEYS.filter((key) => contents[key] !== undefined);
      for (const key of dropped) delete contents[key];
      if (dropped.length > 0) {
        warnings.push(
          `Ignoring ${dropped.map((k) => `"${k}"`).join(', ')} in ${config.path}: a config file in the current folder may not choose where your credentials go or how the connection is protected. ` +
            `If this folder is yours, list it in "trustedFolders" in your own config file, or pass --config ${config.path}.`,
        );
      }
    }
    // Own keys only ever come from the user's file: a project cannot trust itself or others.
    if (trust !== 'user' && trust !== 'explicit') delete contents.trustedFolders;
    file = { ...file, ...contents, servers: { ...file.servers, ...contents.servers } };
    files.push({ path: config.path, trust });
  }
  if (Object.keys(file.servers ?? {}).length === 0) delete file.servers;
  return { file, files, warnings };
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

  // A flag given empty (`--url "$DC"` with DC unset) is a mistake, not "use the config file".
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
      serverCapacity[name.toLowerCase()] = positiveInt(
        `"servers.${name.length > 64 ? `${name.slice(0, 64)}…` : name}.capacity" in the config file`,
        server.capacity,
        MAX_CAPACITY,
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
    imDomain: pick(
      'imDomain',
      imDomainForm(flags.imDomain),
      imDomainForm(fromEnv('imDomain')),
      imDomainForm(file.imDomain),
      undefined,
    ),
    capacity: pick(
      'capacity',
      positiveInt('--capacity', flags.capacity, MAX_CAPACITY),
      undefined,
      positiveInt('"capacity" in the config file', file.capacity, MAX_CAPACITY),
      DEFAULT_CAPACITY,
    ),
    serverCapacity,
    load: pick('load', ...choiceSources<LoadKind>('load', flags.load, env, file.load), DEFAULT_LOAD),
    activeDays: pick(
      'activeDays',
      activeDays('--active-days', flags.activeDays),
      undefined,
      activeDays('"activeDays" in the config file', file.activeDays),
      DEFAULT_ACTIVE_DAYS,
    ),
    concurrency: Math.max(
      1,
      pick(
        'concurrency',
        positiveInt('--concurrency', flags.concurrency, MAX_CONCURRENCY),
        undefined,
        positiveInt('"concurrency" in the config file', file.concurrency, MAX_CONCURRENCY),
        DEFAULT_CONCURRENCY,
      ),
    ),
    timeoutMs: pick(
      'timeoutMs',
      flags.timeout !== undefined ? positiveInt('--timeout', flags.timeout, MAX_TIMEOUT_SECONDS)! * 1000 : undefined,
      undefined,
      positiveInt('"timeoutMs" in the config file', file.timeoutMs, MAX_TIMEOUT_SECONDS * 1000),
      DEFAULT_TIMEOUT_SECONDS * 1000,
    ),
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

/** Flags that take a text value, by the name an admin typed: an empty value there is an error. */
const VALUE_FLAGS = OPTIONS.flatMap((e) =>
  'flag' in e && 'value' in e.flag && !('bounds' in e) ? [[e.key, e.flag.long] as const] : [],
);

function refuseEmptyFlags(flags: GlobalFlags): void {
  for (const [key, flag] of VALUE_FLAGS) {
    const value = flags[key];
    if (typeof value === 'string' && value.trim() === '') {
      throw new UsageError(
        `${flag} was given an empty value (an unset shell variable?): give a value or leave the flag out.`,
        'usage',
      );
    }
  }
}

/** Capacity of one server: per-server config by name, else the global capacity. */
export function capacityFor(
  settings: Pick<Settings, 'capacity' | 'serverCapacity' | 'sources'>,
  names: string[],
): number {
  if (settings.sources.capacity !== 'flag') {
    for (const name of names) {
      const own = settings.serverCapacity[name.toLowerCase()];
      if (own !== undefined) return own;
    }
  }
  return settings.capacity;
}

/**
 * With --domain (no URL), DCs are reached over ldap://: StartTLS when asked for; otherwise
 * Kerberos with no CA seals with the SASL layer instead (no certificate needed), and anything
 * else uses StartTLS unless cleartext is allowed.
 */
export function domainStartTls(
  settings: Pick<Settings, 'startTls' | 'allowCleartext' | 'auth' | 'caFile' | 'insecureTls'>,
): boolean {
  const sealed = settings.auth === 'kerberos' && !settings.caFile && !settings.insecureTls;
  return settings.startTls || (!settings.allowCleartext && !sealed);
}

/**
 * The config file's per-server capacities must name servers that exist: a typo ("im-eats") would
 * otherwise leave that server at the global capacity without a word.
 */
export function checkServerCapacities(
  settings: Pick<Settings, 'serverCapacity' | 'configFile'>,
  servers: readonly { name: string; cn: string; host: string }[],
): void {
  const known = new Set(servers.flatMap((s) => [s.name, s.cn, s.host].filter(Boolean).map((n) => n.toLowerCase())));
  const unknown = Object.keys(settings.serverCapacity).filter((name) => !known.has(name));
  if (unknown.length === 0) return;
  const names = unknown.map((n) => JSON.stringify(n.length > 64 ? `${n.slice(0, 64)}…` : n)).join(', ');
  throw new UsageError(
    `The config file ${settings.configFile ?? ''} sets a capacity for ${unknown.length === 1 ? 'a server that does not exist' : 'servers that do not exist'}: ${names} (the servers are ${servers.map((s) => s.name).join(', ')}). Correct the name in "servers".`,
    'config',
  );
}

/** The settings that say where imctl connects and how, each with where it came from — for `-v`. Never a secret. */
export function describeSettings(settings: Settings): string[] {
  const shown: [string, keyof Settings | 'password', unknown][] = [
    [
      shownAs('config'),
      'configFile',
      settings.configFiles.length ? settings.configFiles.map((f) => `${f.path} [${f.trust}]`).join(', ') : '(none)',
    ],
    [shownAs('url'), 'urls', settings.urls.length ? settings.urls.join(', ') : '(none)'],
    [shownAs('domain'), 'domain', settings.domain],
    [shownAs('dnsServer'), 'dnsServer', settings.dnsServer],
    [shownAs('auth'), 'auth', settings.auth],
    [shownAs('saslLayer'), 'saslLayer', settings.auth === 'kerberos' ? settings.saslLayer : undefined],
    [shownAs('bindDn'), 'bindDn', settings.auth === 'kerberos' ? undefined : settings.bindDn],
    [
      shownAs('passwordFile'),
      'password',
      settings.auth === 'kerberos'
        ? undefined
        : settings.passwordFromEnv
          ? 'IMCTL_PASSWORD'
          : settings.passwordFile
            ? `file ${settings.passwordFile}`
            : 'a prompt on the terminal',
    ],
    ['endpoint', 'urls', settings.endpointChoice],
    [
      shownAs('starttls'),
      'startTls',
      settings.urls.length === 0 && settings.domain
        ? `${domainStartTls(settings)} (DCs found by DNS for --domain are reached over ldap://${domainStartTls(settings) ? ' with StartTLS' : ''})`
        : settings.startTls,
    ],
    [shownAs('caFile'), 'caFile', settings.caFile ?? '(system trust store)'],
    [shownAs('baseDn'), 'baseDn', settings.baseDn ?? "(the domain's defaultNamingContext)"],
    [shownAs('imDomain'), 'imDomain', settings.imDomain],
    [shownAs('capacity'), 'capacity', settings.capacity],
    [shownAs('load'), 'load', settings.load === 'active' ? `active (${settings.activeDays} days)` : settings.load],
    ...Object.entries(settings.serverCapacity).map(([name, capacity]): [string, keyof Settings, unknown] => [
      `capacity of ${name}`,
      'serverCapacity',
      settings.sources.capacity === 'flag' ? `${capacity}, overridden by --capacity ${settings.capacity}` : capacity,
    ]),
    [shownAs('concurrency'), 'concurrency', settings.concurrency],
    [shownAs('timeout'), 'timeoutMs', `${settings.timeoutMs / 1000} s`],
  ];
  return shown
    .filter(([, , value]) => value !== undefined)
    .map(
      ([label, key, value]) =>
        `${label}: ${String(value)} (${key === 'configFile' ? (settings.configFile ? 'found' : 'none found') : sourceLabel(settings.sources[key] ?? 'default')})`,
    );
}

function sourceLabel(source: Source): string {
  return source === 'flag'
    ? 'flag'
    : source === 'env'
      ? 'environment'
      : source === 'config'
        ? 'config file'
        : 'default';
}
