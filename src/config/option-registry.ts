/**
 * The option registry: every setting declared once — its flag, environment name, config-file key,
 * kind, bounds, fixed choices, help text, and whether a project's config file may set it. From it
 * come commander's global options (src/cli/global-options.ts), the config file's keys and their
 * validation and protection (config-file.ts, config-trust.ts), the numeric settings' upper bounds
 * (setting-values.ts), the environment names in --help, and the values shell completion offers
 * (src/completion/model.ts), and how each is resolved from the flag, the environment and the config
 * file (setting-resolution.ts). Adding a setting is adding one entry here (and reading it where it
 * is used). Pure data: --help loads it, so it imports only constants.
 */
import { DEFAULT_ACTIVE_DAYS, DEFAULT_LOAD, LOAD_KINDS, MAX_ACTIVE_DAYS } from '../core/activity.js';
import {
  DEFAULT_CAPACITY,
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_SECONDS,
  MAX_CAPACITY,
  MAX_CONCURRENCY,
  MAX_TIMEOUT_SECONDS,
} from '../core/limits.js';
import { SASL_LAYER_MODES } from '../core/sasl-security-layer.js';
import type { SyncConfig } from './sync-rules.js';

/** how imctl signs in — a simple bind with a password, or the user's Kerberos ticket. */
export type AuthMode = 'simple' | 'kerberos';
export const AUTH_MODES: readonly AuthMode[] = ['simple', 'kerberos'];

/**
 * What a setting's value is, which says how it is read from every source: 'url' is one URL or a
 * list, 'path' a file (relative to the config file's folder there, to the current folder on the
 * command line and in the environment), 'im-domain' a DNS domain kept lower-case without the
 * absolute form's trailing dot, 'servers' per-server capacities, 'paths' a list of folders, 'hosts'
 * a list of `host[:port]` tried in order (a string, comma-separated, or a list; the flag repeated).
 */
export type ConfigKind =
  'string' | 'boolean' | 'number' | 'url' | 'hosts' | 'path' | 'im-domain' | 'servers' | 'paths' | 'sync';

interface ConfigTypes {
  string: string;
  boolean: boolean;
  number: number;
  url: string | string[];
  hosts: string | string[];
  path: string;
  'im-domain': string;
  servers: Record<string, { capacity?: number }>;
  paths: string[];
  sync: SyncConfig;
}

export interface OptionEntry {
  /** The name commander gives the parsed value (its camel-cased long flag; `--no-color` → color). */
  readonly key: string;
  /**
   * The command-line flag, if there is one: long name, short name, value placeholder; `repeatable`:
   * given several times, every value counts (in order); `negation`: the help of its `--no-…` form,
   * which drops a value the environment or a config file gives.
   */
  readonly flag?: {
    readonly long: string;
    readonly short?: string;
    readonly value?: string;
    readonly repeatable?: true;
    readonly negation?: string;
  };
  /** How `-v` names it, with its value and where that came from. */
  readonly shown?: string;
  /** The help text, without the environment names (added from `env`). */
  readonly help?: string;
  /** The README's words for it (Markdown), in its configuration table (options-table.ts). */
  readonly doc: string;
  /** Environment variables, the setting's own first; a switch's is shown as NAME=1 in --help. */
  readonly env?: readonly string[];
  /** The key in a config file, and how its value is checked. */
  readonly config?: { readonly key: string; readonly kind: ConfigKind };
  /** A whole number within these bounds, from every source (setting-resolution.ts). */
  readonly bounds?: { readonly min: number; readonly max: number };
  /** The only values it takes (any case): validated by setting-values.ts, offered by shell completion. */
  readonly choices?: readonly string[];
  /** The value when no source gives one (none: the setting is unset, or settings.ts derives it). */
  readonly default?: string | number | boolean;
  /**
   * A config key that a file in the current folder may not set unless trusted: it chooses where
   * credentials go (the DC, the account, the secret), how the connection is protected, or what is
   * written where (the IM domain in every address, the users in scope, the servers chosen by load).
   */
  readonly protected?: boolean;
}

/** In --help order. */
export const OPTIONS = [
  {
    key: 'config',
    doc: 'a config file to read instead of `./imctl.json` and the user config (see above)',
    shown: 'config file',
    flag: { long: '--config', value: 'file' },
    help: 'config file (default ./imctl.json, then $XDG_CONFIG_HOME/imctl/config.json)',
  },
  {
    key: 'url',
    doc: '`ldaps://…` or `ldap://…`; several are tried in order (failover on network errors only)',
    shown: 'url',
    flag: { long: '--url', value: 'urls' },
    help: 'ldaps://dc1.corp.example.com or ldap://… (comma-separated: tried in order)',
    env: ['IMCTL_URL'],
    config: { key: 'url', kind: 'url' },
    protected: true,
  },
  {
    key: 'domain',
    doc: 'with no URL: find DCs by SRV `_ldap._tcp.<domain>`',
    shown: 'domain',
    flag: { long: '--domain', value: 'dnsdomain' },
    help: 'find domain controllers by the SRV record _ldap._tcp.<domain>',
    env: ['IMCTL_DOMAIN'],
    config: { key: 'domain', kind: 'string' },
    protected: true,
  },
  {
    key: 'site',
    doc: "with `--domain`: the AD site to try first, by SRV `_ldap._tcp.<site>._sites.dc._msdcs.<domain>` (a Windows workstation's site: `nltest /dsgetsite`)",
    shown: 'site',
    flag: { long: '--site', value: 'name' },
    help: "with --domain: try this AD site's DCs first",
    env: ['IMCTL_SITE'],
    config: { key: 'site', kind: 'string' },
    protected: true,
  },
  {
    key: 'dnsServer',
    doc: "DNS server for `--domain` and `resolve` (default: the system's); several are tried in order: the flag given again, a comma-separated list, or a list in the config file",
    shown: 'dns server',
    flag: { long: '--dns-server', value: 'host[:port]', repeatable: true },
    help: 'DNS server for --domain and resolve (repeat it: tried in order)',
    env: ['IMCTL_DNS_SERVER'],
    config: { key: 'dnsServer', kind: 'hosts' },
    protected: true,
  },
  {
    key: 'auth',
    doc: '`simple` (bind DN + password) or `kerberos` (the ticket from `kinit`; the default when no bind DN is set and a ticket cache exists) — over plain `ldap://` (and `--domain` with no CA) every message is sealed by the SASL layer; [docs/kerberos.md](docs/kerberos.md)',
    shown: 'auth',
    flag: { long: '--auth', value: 'mode' },
    help: 'simple (bind DN + password) or kerberos (your ticket from kinit; default when no bind DN is set and a ticket cache exists)',
    env: ['IMCTL_AUTH'],
    config: { key: 'auth', kind: 'string' },
    choices: AUTH_MODES,
    protected: true,
  },
  {
    key: 'saslLayer',
    doc: 'Kerberos over plain LDAP: `seal` (the default) or `sign` (integrity only, where a DC offers no sealing)',
    shown: 'sasl layer',
    flag: { long: '--sasl-layer', value: 'mode' },
    help: 'kerberos over plain ldap://: seal (default) or sign every message',
    env: ['IMCTL_SASL_LAYER'],
    config: { key: 'saslLayer', kind: 'string' },
    choices: SASL_LAYER_MODES,
    default: 'seal',
    protected: true,
  },
  {
    key: 'bindDn',
    doc: 'a DN, a UPN (`admin@corp.example.com`) or `DOMAIN\\user`',
    shown: 'bind as',
    flag: { long: '--bind-dn', value: 'name' },
    help: 'bind as a DN, user@domain or DOMAIN\\user',
    env: ['IMCTL_BIND_DN'],
    config: { key: 'bindDn', kind: 'string' },
    protected: true,
  },
  {
    key: 'passwordFile',
    doc: 'there is no password flag; the flag beats `IMCTL_PASSWORD`, which beats `IMCTL_PASSWORD_FILE`, which beats the config file; on a terminal with none given, imctl asks (hidden)',
    shown: 'password from',
    flag: { long: '--password-file', value: 'file' },
    help: 'read the password from FILE',
    // IMCTL_PASSWORD holds the password itself; it outranks IMCTL_PASSWORD_FILE (settings.ts).
    env: ['IMCTL_PASSWORD_FILE', 'IMCTL_PASSWORD'],
    config: { key: 'passwordFile', kind: 'path' },
    protected: true,
  },
  {
    key: 'starttls',
    doc: 'upgrade `ldap://` with StartTLS',
    shown: 'starttls',
    flag: { long: '--starttls' },
    help: 'upgrade ldap:// with StartTLS',
    env: ['IMCTL_STARTTLS'],
    config: { key: 'startTls', kind: 'boolean' },
    default: false,
    protected: true,
  },
  {
    key: 'caFile',
    doc: "trust anchor for LDAPS/StartTLS, PEM (one or more certificates), one DER certificate (what Windows' export wizard writes by default) or a PKCS #7 bundle (`.p7b`, DER or PEM); the host name is always verified. `--no-ca-file`: the system's trust store, whatever `IMCTL_CA_FILE` or a config file says",
    shown: 'ca file',
    flag: { long: '--ca-file', value: 'pem', negation: "trust the system's CAs, not a configured caFile" },
    help: 'trust this CA for LDAPS/StartTLS',
    env: ['IMCTL_CA_FILE'],
    config: { key: 'caFile', kind: 'path' },
    protected: true,
  },
  // Never from a file or the environment: turning verification off is typed each time.
  {
    key: 'insecureTls',
    doc: 'skip certificate verification (warns on stderr: whoever poses as the DC gets the password and the session); refused with Kerberos',
    flag: { long: '--insecure-tls' },
    help: "do not verify the DC's certificate (warns)",
    default: false,
  },
  {
    key: 'allowCleartext',
    doc: 'permit a simple bind over `ldap://` without TLS (refused otherwise)',
    flag: { long: '--allow-cleartext' },
    help: 'allow a simple bind over ldap:// without TLS',
    config: { key: 'allowCleartext', kind: 'boolean' },
    default: false,
    protected: true,
  },
  {
    key: 'baseDn',
    doc: "where users are searched (default: the RootDSE's `defaultNamingContext`)",
    shown: 'base dn',
    flag: { long: '--base-dn', value: 'dn' },
    help: 'where users are searched (default: the domain)',
    env: ['IMCTL_BASE_DN'],
    config: { key: 'baseDn', kind: 'string' },
    protected: true,
  },
  {
    key: 'imDomain',
    doc: 'default IM domain for `enable`',
    shown: 'im domain',
    flag: { long: '--im-domain', value: 'domain' },
    help: 'IM domain for enable',
    env: ['IMCTL_IM_DOMAIN'],
    config: { key: 'imDomain', kind: 'im-domain' },
    protected: true,
  },
  {
    key: 'capacity',
    doc: `users per home server (default ${DEFAULT_CAPACITY.toLocaleString('en')}, at most ${MAX_CAPACITY.toLocaleString('en')}); the flag applies to every server, over \`servers.<name>.capacity\``,
    shown: 'capacity',
    flag: { long: '--capacity', value: 'n' },
    help: `users per home server (default ${DEFAULT_CAPACITY})`,
    config: { key: 'capacity', kind: 'number' },
    protected: true,
    bounds: { min: 0, max: MAX_CAPACITY },
    default: DEFAULT_CAPACITY,
  },
  {
    key: 'load',
    doc: 'what counts against capacity: `homed` (the default) or `active` (see [Two loads](#two-loads-homed-and-active---load---active-days))',
    shown: 'load',
    flag: { long: '--load', value: 'kind' },
    help: 'what counts against capacity: homed (every homed user, the default) or active (enabled, unexpired, logged on within --active-days)',
    config: { key: 'load', kind: 'string' },
    protected: true,
    choices: LOAD_KINDS,
    default: DEFAULT_LOAD,
  },
  {
    key: 'activeDays',
    doc: `the activity window for \`--load active\` (default ${DEFAULT_ACTIVE_DAYS}, at most ${MAX_ACTIVE_DAYS.toLocaleString('en')})`,
    flag: { long: '--active-days', value: 'n' },
    help: `the activity window for --load active (default ${DEFAULT_ACTIVE_DAYS}; lastLogonTimestamp lags 9–14 days)`,
    config: { key: 'activeDays', kind: 'number' },
    protected: true,
    bounds: { min: 1, max: MAX_ACTIVE_DAYS },
    default: DEFAULT_ACTIVE_DAYS,
  },
  {
    key: 'concurrency',
    doc: `LDAP writes in flight (default ${DEFAULT_CONCURRENCY}, at most ${MAX_CONCURRENCY})`,
    shown: 'concurrency',
    flag: { long: '--concurrency', value: 'n' },
    help: `LDAP writes in flight at once (default ${DEFAULT_CONCURRENCY})`,
    config: { key: 'concurrency', kind: 'number' },
    bounds: { min: 1, max: MAX_CONCURRENCY },
    default: DEFAULT_CONCURRENCY,
  },
  {
    key: 'timeout',
    doc: `per-request timeout in seconds (default ${DEFAULT_TIMEOUT_SECONDS}, at most ${MAX_TIMEOUT_SECONDS.toLocaleString('en')}); connecting to one DC gives up after 10 s (or the timeout, if shorter), so that failover to the next DC is quick`,
    shown: 'timeout',
    flag: { long: '--timeout', value: 'seconds' },
    help: `per-request timeout (default ${DEFAULT_TIMEOUT_SECONDS}; connecting gives up after 10 s, or this if shorter)`,
    config: { key: 'timeout', kind: 'number' },
    bounds: { min: 1, max: MAX_TIMEOUT_SECONDS },
    default: DEFAULT_TIMEOUT_SECONDS,
  },
  {
    key: 'json',
    doc: 'machine-readable output on stdout, nothing else on stdout',
    flag: { long: '--json' },
    help: 'machine-readable output on stdout',
    default: false,
  },
  // NO_COLOR is the cross-tool convention (no-color.org): any non-empty value, not only 1.
  {
    key: 'color',
    doc: 'no colour (pipes never get colour)',
    flag: { long: '--no-color' },
    help: 'no colour',
    env: ['NO_COLOR'],
  },
  {
    key: 'verbose',
    doc: 'which DC answered, retries, and every setting with where it came from',
    flag: { long: '--verbose', short: '-v' },
    help: 'say which DC answered and where settings came from',
    default: false,
  },
  // Config-file only: per-server capacities, and the folders whose imctl.json the user trusts.
  {
    key: 'servers',
    doc: 'per-server capacity, by server name: `{"im-east": {"capacity": 5000}}`',
    config: { key: 'servers', kind: 'servers' },
    protected: true,
  },
  {
    key: 'trustedFolders',
    doc: 'folders whose `./imctl.json` may set the protected keys (only in your user config)',
    config: { key: 'trustedFolders', kind: 'paths' },
    protected: true,
  },
  // `imctl sync RULE`: rules write IM onto (and with "remove" take it off) whole groups.
  {
    key: 'sync',
    doc: 'named rules for `imctl sync RULE`, and `maxRemovals`, the guard of a rule without its own (see [sync](#imctl-sync--im-follows-group-membership))',
    config: { key: 'sync', kind: 'sync' },
    protected: true,
  },
] as const satisfies readonly OptionEntry[];

type Entry = (typeof OPTIONS)[number];
/** The settings with fixed choices. */
export type ChoiceKey = Extract<Entry, { choices: object }>['key'];
/** The whole-number settings, with bounds. */
export type BoundedKey = Extract<Entry, { bounds: object }>['key'];
type FlagEntry = Extract<Entry, { flag: object }>;
type ConfigEntry = Extract<Entry, { config: object }>;

/** The global flags as commander hands them over: numbers parsed, switches as booleans. */
export type GlobalFlags = {
  [E in FlagEntry as E['key']]?: E extends { bounds: object }
    ? number
    : E['flag'] extends { repeatable: true }
      ? string[]
      : E['flag'] extends { negation: string }
        ? string | false
        : E['flag'] extends { value: string }
          ? string
          : boolean;
};

/**
 * The settings resolved alike from the flag, the environment and the config file
 * (setting-resolution.ts): every flag but --config, which names the file, and --no-color, which
 * follows NO_COLOR's own rule (settings.ts).
 */
export type SettingKey = Exclude<FlagEntry['key'], 'config' | 'color'>;
type EntryOf<K> = Extract<Entry, { key: K }>;
/** A setting's value once resolved, whichever source gave it. */
export type SettingValue<K extends SettingKey> =
  EntryOf<K> extends { bounds: object }
    ? number
    : EntryOf<K> extends { choices: readonly (infer C)[] }
      ? C
      : EntryOf<K> extends { config: { kind: 'url' | 'hosts' } }
        ? string[]
        : EntryOf<K>['flag'] extends { value: string }
          ? string
          : boolean;

/** A config file's keys and value types, as parseConfigFile has checked them. */
export type ConfigFile = { [E in ConfigEntry as E['config']['key']]?: ConfigTypes[E['config']['kind']] };
export type ConfigKey = keyof ConfigFile;

const entries: readonly OptionEntry[] = OPTIONS;

/** Every config key and how its value is checked. */
export const CONFIG_KINDS: Readonly<Record<ConfigKey, ConfigKind>> = Object.fromEntries(
  entries.flatMap((e) => (e.config ? [[e.config.key, e.config.kind]] : [])),
) as Record<ConfigKey, ConfigKind>;

/** The bounds of every whole-number config key: a file is held to the flag's. */
export const CONFIG_BOUNDS: Readonly<Partial<Record<ConfigKey, { readonly min: number; readonly max: number }>>> =
  Object.fromEntries(entries.flatMap((e) => (e.config && e.bounds ? [[e.config.key, e.bounds]] : [])));

/** What a file the user did not choose may not set (see `protected`). */
export const PROTECTED_KEYS: readonly ConfigKey[] = entries.flatMap((e) =>
  e.protected && e.config ? [e.config.key as ConfigKey] : [],
);

/** The flag's commander spelling: `-v, --verbose`, `--url <urls>`. */
export function flagSpelling(flag: NonNullable<OptionEntry['flag']>): string {
  return `${flag.short ? `${flag.short}, ` : ''}${flag.long}${flag.value ? ` <${flag.value}>` : ''}`;
}

/** The help text with its environment names: `… [IMCTL_URL]`, `… [IMCTL_STARTTLS=1]`, `… [A; or B]`. */
export function helpText(entry: OptionEntry): string {
  if (!entry.env?.length) return entry.help ?? '';
  const isSwitch = entry.flag !== undefined && entry.flag.value === undefined && !entry.flag.long.startsWith('--no-');
  const names = entry.env.map((name, i) => (i === 0 && isSwitch ? `${name}=1` : name));
  return `${entry.help} [${names.join('; or ')}]`;
}

/** The entry whose flag is spelled `long` (`--auth`), if it is a global option. */
export function optionByFlag(long: string): OptionEntry | undefined {
  return entries.find((e) => e.flag?.long === long);
}

export type OptionKey = Entry['key'];

/** The entry for `key`. */
export function optionEntry(key: OptionKey): OptionEntry {
  return entries.find((e) => e.key === key)!;
}

/** The `-v` label of `key`. */
export function shownAs(key: OptionKey): string {
  return optionEntry(key).shown ?? key;
}

/** The environment variable that sets `key` (its first name), read from `env`. */
export function envValue(env: NodeJS.ProcessEnv, key: OptionKey): string | undefined {
  const name = optionEntry(key).env?.[0];
  return name === undefined ? undefined : env[name];
}
