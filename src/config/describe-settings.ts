/** The settings as `-v` lists them: where imctl connects and how, each value with where it came from. */
import { shownAs } from './option-registry.js';
import { domainStartTls, sourceLabel, type Settings } from './settings.js';

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
    [shownAs('site'), 'site', settings.domain ? settings.site : undefined],
    [shownAs('dnsServer'), 'dnsServer', settings.dnsServer?.join(', ')],
    [shownAs('auth'), 'auth', settings.auth],
    [shownAs('saslLayer'), 'saslLayer', saslLayerApplies(settings) ? settings.saslLayer : undefined],
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

/**
 * Whether Kerberos would bind with a SASL security layer: only over plain ldap:// (a URL without
 * StartTLS, or DCs found by DNS and reached without it). Over TLS there is none, so -v lists none.
 */
function saslLayerApplies(settings: Settings): boolean {
  if (settings.auth !== 'kerberos') return false;
  if (settings.urls.length > 0) return !settings.startTls && settings.urls.some((url) => /^ldap:\/\//i.test(url));
  return settings.domain !== undefined && !domainStartTls(settings);
}
