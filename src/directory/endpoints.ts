/** Where a run connects: each DC's URL, the name TLS verifies, and whether StartTLS is used. */

export interface Endpoint {
  /** What the socket connects to (an address when the host was found by DNS). */
  url: string;
  /** What messages call it and what the certificate must name. */
  host: string;
  startTls: boolean;
}

/** Endpoints from --url: each URL as given, StartTLS as configured. */
export function endpointsFromUrls(urls: string[], startTls: boolean): Endpoint[] {
  return urls.map((url) => ({
    url,
    host: new URL(url).hostname.replace(/^\[|\]$/g, ''),
    startTls: startTls && url.startsWith('ldap:'),
  }));
}
