/**
 * The directory adapter's connection (LdapConnection): paged reads and single writes, failover
 * and a serialised reconnect-and-rebind, and a broken protection that stops the run. Beside it,
 * one step or concept each: the client and its sockets (ldap-client), TLS (tls-options), the
 * cleartext rule (cleartext-policy), the password bind (simple-bind), endpoints, root-dse,
 * bind-credentials, backoff, semaphore, read-ahead (pages asked for one ahead). The only module
 * family that talks to ldapts.
 */
import { Attribute, Change, type Client, type SearchResult } from 'ldapts';
import { DirectoryError, ImctlError, UsageError } from '../core/errors.js';
import type { ModOp } from '../core/mod-ops.js';
import { sourceLabel, type Settings } from '../config/settings.js';
import { DirEntry } from './entry.js';
import { isBusy, isConnectionLoss, translateError } from './errors.js';
import { SaslSocketLayer } from './sasl-socket.js';
import { backoffMs, RETRIES, sleep } from './backoff.js';
import { checkCleartext } from './cleartext-policy.js';
import type { Endpoint } from './endpoints.js';
import { newLdapClient } from './ldap-client.js';
import { readAhead } from './read-ahead.js';
import { readRootDse, type RootDse } from './root-dse.js';
import { Semaphore } from './semaphore.js';
import { BindPassword, simpleBind } from './simple-bind.js';
import { describeTls, tlsOptionsFor } from './tls-options.js';
import { count, plural } from '../core/words.js';

export { CONNECT_TIMEOUT_MS } from './ldap-client.js';

/** AD's MaxPageSize: never ask for more per page. */
export const PAGE_SIZE = 1000;
/**
 * Paged searches open at once on one connection. AD's MaxResultSetsPerConn is 10 and Samba
 * refuses an eleventh with unwillingToPerform (53): stay well below it.
 */
export const MAX_OPEN_SEARCHES = 4;

export interface SearchSpec {
  filter: string;
  attributes: string[];
  scope?: 'base' | 'one' | 'sub';
  /** Attributes to fetch as binary (objectGUID, octet strings). */
  buffers?: string[];
  sizeLimit?: number;
  /**
   * Entries per page, when fewer than the connection's page size are wanted: a listing that stops
   * after its first N (users --limit N) asks for no more than that many, not a page of 1,000.
   */
  pageSize?: number;
  /**
   * A person is waiting on it (the wizard's search as you type): it takes no turn behind the
   * paged searches already open, and those send no further page request until it is answered.
   */
  interactive?: boolean;
}

export interface ConnectOptions {
  settings: Settings;
  endpoints: Endpoint[];
  /** Asked once, when the first bind needs it; kept in memory only for re-binds. */
  password: () => Promise<string>;
  log?: (message: string) => void;
  /** Told when a lost DC makes the run continue on another endpoint (the admin must know). */
  warn?: (message: string) => void;
  /** Entries per page (default PAGE_SIZE): smaller only where a test needs many pages from a small OU. */
  pageSize?: number;
}

/** One bound connection to a DC, and the failover to the next one: what every directory module reads and writes through. */
export class LdapConnection {
  private client: Client | undefined;
  private reconnecting: Promise<Client> | undefined;
  private readonly password: BindPassword;
  private closed = false;
  private rootDseValue: RootDse | undefined;
  /** Who the DC knows us as: the bind DN, or the Kerberos principal from the GSS context. */
  boundAs: string | undefined;
  private readonly searchSlots = new Semaphore(MAX_OPEN_SEARCHES);
  /**
   * Interactive searches under way, and what background pages wait on meanwhile. A DC answers one
   * connection's requests in order (Samba's single process, every request): behind the wizard's
   * inventory (30 paged counts) and IM-domain sample, a search waited 48 s at 100,000 users.
   */
  private interactiveRunning = 0;
  private interactiveDone: Promise<void> | undefined;
  private endInteractive: (() => void) | undefined;
  /** The SASL security layer of each client bound with Kerberos over plain LDAP. */
  private readonly layers = new WeakMap<Client, SaslSocketLayer>();
  /**
   * Set once a connection's protection failed (a message that does not unwrap, octets in clear
   * where none may be): the run stops, and nothing more is sent — no reconnect, no new bind, not
   * even for a read already waiting for a connection.
   */
  private broken: DirectoryError | undefined;
  /**
   * The DC that answered; one run stays on it so it reads its own writes — until that DC stops
   * answering, when `reconnect` moves the run to the next endpoint (see there).
   */
  endpoint: Endpoint;

  private constructor(private readonly options: ConnectOptions) {
    this.endpoint = options.endpoints[0]!;
    this.password = new BindPassword(options.password);
  }

  static async open(options: ConnectOptions): Promise<LdapConnection> {
    if (options.endpoints.length === 0) {
      throw new UsageError(
        'No domain controller to talk to: give --url (or IMCTL_URL, or "url" in the config file), or --domain to find DCs by DNS.',
        'no-url',
      );
    }
    const directory = new LdapConnection(options);
    directory.client = await directory.connectFirst(options.endpoints);
    return directory;
  }

  get rootDse(): RootDse {
    if (!this.rootDseValue) throw new Error('RootDSE not read yet');
    return this.rootDseValue;
  }

  get baseDn(): string {
    return this.options.settings.baseDn ?? this.rootDse.defaultNamingContext;
  }

  /**
   * Where server loads are counted: the whole domain, whatever --base-dn narrows users to — a
   * server holds the users of every OU (except in the lab's small worlds; see Settings).
   */
  get loadBase(): string {
    return this.options.settings.loadsUnderBaseDn ? this.baseDn : this.rootDse.defaultNamingContext;
  }

  /** Tell the admin something about this run whatever -v (a failover, counts narrowed). */
  warn(message: string): void {
    this.options.warn?.(message);
  }

  get label(): string {
    return this.endpoint.host === new URL(this.endpoint.url).hostname
      ? this.endpoint.url
      : `${this.endpoint.url} (${this.endpoint.host})`;
  }

  /**
   * A paged search, one page of entries at a time, for listings that hand each page on (written
   * out, counted) and keep none. Before the first entry is handed on, a lost connection or a busy
   * DC is retried as any read is. After it, those entries cannot be taken back and the DC's paging
   * cookie belonged to the lost connection: the listing stops with a clear error, never a short list.
   */
  async *pages(base: string, spec: SearchSpec): AsyncGenerator<DirEntry[]> {
    const doing = `searching ${base}`;
    const release = await this.searchSlots.acquire(spec.interactive);
    const leave = spec.interactive ? this.enterInteractive() : undefined;
    try {
      let handedOn = 0;
      for (let attempt = 0; ; attempt++) {
        let client: Client | undefined;
        try {
          client = await this.boundClient();
          for await (const page of this.pagesAhead(client, base, spec)) {
            const entries = page.searchEntries.map((raw) => new DirEntry(raw.dn, raw));
            handedOn += entries.length;
            yield entries;
          }
          return;
        } catch (error) {
          if (client) this.throwIfLayerBroken(client);
          const lost = isConnectionLoss(error);
          if (lost && client) this.invalidate(client);
          if (!lost && !isBusy(error)) throw translateError(error, { server: this.endpoint.host, doing });
          if (handedOn > 0) throw listingInterrupted(this.endpoint.host, handedOn, error);
          if (attempt >= RETRIES) throw translateError(error, { server: this.endpoint.host, doing });
          this.options.log?.(`${doing}: ${(error as Error).message.split('\n')[0]}; retrying`);
          await sleep(backoffMs(attempt));
        }
      }
    } finally {
      leave?.();
      release();
    }
  }

  /** Count an interactive search in; the function returned counts it out (once). */
  private enterInteractive(): () => void {
    if (this.interactiveRunning++ === 0)
      this.interactiveDone = new Promise((resolve) => (this.endInteractive = resolve));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.interactiveRunning === 0) {
        this.endInteractive?.();
        this.interactiveDone = this.endInteractive = undefined;
      }
    };
  }

  /** Resolves at once, or when the interactive searches under way are answered. */
  private interactiveIdle(): Promise<void> | undefined {
    return this.interactiveDone;
  }

  /**
   * ldapts's pages of one search, the next asked for while this one is handled (read-ahead.ts);
   * a listing asks for its next page only once the searches a person waits on are answered. A
   * search that wants only its first N (spec.pageSize) stops after them: no page is read ahead.
   */
  private pagesAhead(client: Client, base: string, spec: SearchSpec): AsyncIterable<SearchResult> {
    const pages = client.searchPaginated(base, this.pagedSearch(spec));
    if (spec.pageSize !== undefined) return this.pagesInTurn(pages, spec);
    return readAhead(pages, () => (spec.interactive ? undefined : this.interactiveIdle()));
  }

  private async *pagesInTurn(pages: AsyncIterable<SearchResult>, spec: SearchSpec): AsyncGenerator<SearchResult> {
    for await (const page of pages) {
      yield page;
      if (!spec.interactive) await this.interactiveIdle();
    }
  }

  /** ldapts's options for a paged search of `spec`. */
  private pagedSearch(spec: SearchSpec) {
    const pageSize = this.options.pageSize ?? PAGE_SIZE;
    return pagedSearchOptions(spec, spec.pageSize ? Math.min(spec.pageSize, pageSize) : pageSize);
  }

  /** Every entry of a paged, subtree search. Restarts from scratch if the connection drops. */
  async searchAll(base: string, spec: SearchSpec): Promise<DirEntry[]> {
    let entries: DirEntry[] = [];
    await this.forEachEntry(
      base,
      spec,
      (entry) => entries.push(entry),
      () => (entries = []),
    );
    return entries;
  }

  /**
   * Visit every entry of a paged search page by page, without keeping them. On a lost connection
   * the search restarts, so `visit` must tolerate a restart: `onRestart` is called first.
   * Continuation references (DomainDnsZones, ForestDnsZones) are ignored, never chased.
   */
  async forEachEntry(
    base: string,
    spec: SearchSpec,
    visit: (entry: DirEntry) => void,
    onRestart?: () => void,
  ): Promise<void> {
    let attempt = 0;
    const leave = spec.interactive ? this.enterInteractive() : undefined;
    try {
      await this.searchSlots.run(
        () =>
          this.withRetry(`searching ${base}`, async (client) => {
            if (attempt++ > 0) onRestart?.();
            for await (const page of this.pagesAhead(client, base, spec))
              for (const raw of page.searchEntries) visit(new DirEntry(raw.dn, raw));
          }),
        spec.interactive,
      );
    } finally {
      leave?.();
    }
  }

  async readEntry(
    dn: string,
    spec: Omit<SearchSpec, 'filter' | 'scope'> & { filter?: string },
  ): Promise<DirEntry | undefined> {
    return this.withRetry(`reading ${dn}`, async (client) => {
      try {
        const result = await client.search(dn, {
          scope: 'base',
          filter: spec.filter ?? '(objectClass=*)',
          attributes: spec.attributes,
          explicitBufferAttributes: spec.buffers ?? [],
        });
        const raw = result.searchEntries[0];
        return raw ? new DirEntry(raw.dn, raw) : undefined;
      } catch (error) {
        if ((error as { code?: number }).code === 32) return undefined;
        throw error;
      }
    });
  }

  /**
   * One ModifyRequest — applied atomically to its entry. Not retried here: after a lost
   * connection the caller must re-read the entry to learn whether the write landed.
   * `onSend` is called just before the request goes out (not when connecting failed first), so
   * the caller knows whether the DC may have received it.
   */
  async modifyOnce(dn: string, ops: readonly ModOp[], onSend?: () => void): Promise<void> {
    const client = await this.boundClient();
    const changes = ops.map(
      (op) =>
        new Change({ operation: op.operation, modification: new Attribute({ type: op.attribute, values: op.values }) }),
    );
    try {
      onSend?.();
      await client.modify(dn, changes);
    } catch (error) {
      this.throwIfLayerBroken(client);
      if (isConnectionLoss(error)) this.invalidate(client);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.password.forget();
    if (client) await client.unbind().catch(() => undefined);
    const layer = client && this.layers.get(client);
    if (layer?.active) {
      const { wraps, buffersOut, unwraps, gssMs } = layer.stats;
      this.options.log?.(
        `sasl layer: ${plural(wraps, 'wrap')} for ${plural(buffersOut, 'buffer')} out, ${plural(unwraps, 'unwrap')} in, ${count(Math.round(gssMs))} ms in GSS calls`,
      );
    }
  }

  /** Run a read with reconnect-and-retry on a lost connection and back-off on busy/unavailable. */
  async withRetry<T>(doing: string, operation: (client: Client) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      let client: Client | undefined;
      try {
        client = await this.boundClient();
        return await operation(client);
      } catch (error) {
        lastError = error;
        if (client) this.throwIfLayerBroken(client);
        if (isConnectionLoss(error)) {
          if (client) this.invalidate(client);
        } else if (!isBusy(error)) {
          throw translateError(error, { server: this.endpoint.host, doing });
        }
        this.options.log?.(`${doing}: ${(error as Error).message.split('\n')[0]}; retrying`);
        await sleep(backoffMs(attempt));
      }
    }
    throw translateError(lastError, { server: this.endpoint.host, doing });
  }

  /** The bound client, reconnecting and re-binding first if the connection was lost (serialised). */
  async boundClient(): Promise<Client> {
    if (this.broken) throw this.broken;
    if (this.closed) throw new DirectoryError('The directory connection was closed.', 'closed');
    if (this.client?.isConnected) return this.client;
    if (!this.reconnecting) {
      this.options.log?.(`reconnecting to ${this.endpoint.host}`);
      this.reconnecting = this.reconnect()
        .then((client) => (this.client = client))
        .finally(() => (this.reconnecting = undefined));
    }
    return this.reconnecting;
  }

  /**
   * Reconnect after a lost connection: to the same DC first (a restarted DC, a dropped socket);
   * if it does not answer and other endpoints were given (several --url, or --domain), fail over
   * to the next that does, in order, wrapping round. A write whose answer was lost is then
   * re-read on the new DC by the writer: a replica that has not yet received the write shows the
   * entry as before, so the writer re-does it there — the same values, which replication later
   * settles with the first DC's copy (AD keeps one per attribute). Writes the first DC had already
   * confirmed reach the new DC only when the first one replicates again.
   */
  private async reconnect(): Promise<Client> {
    const from = this.endpoint;
    const { endpoints } = this.options;
    const start = Math.max(0, endpoints.indexOf(from));
    const client = await this.connectFirst([...endpoints.slice(start), ...endpoints.slice(0, start)]);
    if (this.endpoint !== from) {
      this.options.warn?.(
        `${from.host} stopped answering (the connection was lost and it did not take a new one); this run continues on ${this.endpoint.host} (${this.endpoint.url}). Writes ${from.host} had confirmed reach ${this.endpoint.host} only when it replicates.`,
      );
    }
    return client;
  }

  /**
   * A message that failed its Kerberos check (tampered with, or a wrong key) is not a lost
   * connection to retry: the run stops (exit 1), and writes in flight are in doubt.
   */
  private throwIfLayerBroken(client: Client): void {
    if (!this.layers.get(client)?.failure) return;
    this.invalidate(client);
    throw this.broken ?? this.layerBroken(this.layers.get(client)!);
  }

  /** The run-stopping error for a broken layer, recorded so that no later operation reconnects. */
  private layerBroken(layer: SaslSocketLayer): DirectoryError {
    const cleartext = layer.cleartextFailure;
    this.broken ??= cleartext
      ? this.cleartextViolation(cleartext, 'the Kerberos security layer')
      : new DirectoryError(
          `A message from ${this.endpoint.host} failed its Kerberos integrity check (${layer.failure!.message.replace(/^the Kerberos security layer failed: /, '')}): it was altered on the way or the keys do not match. The run stops; nothing more is sent.`,
          'sasl-layer',
        );
    return this.broken;
  }

  /** Octets in clear where none may be: someone on the path is writing into the connection. */
  private cleartextViolation(failure: Error, protection: string): DirectoryError {
    return new DirectoryError(
      `Refusing the connection to ${this.endpoint.host}: ${failure.message} — ${protection} would have treated them as protected. Someone on the network path is tampering with the connection (or the DC is broken). Nothing more is sent.`,
      'protocol-violation',
    );
  }

  /** Forget a client whose connection failed; the next operation reconnects. */
  invalidate(client: Client): void {
    if (this.client === client) {
      this.client = undefined;
      client.unbind().catch(() => undefined);
    }
  }

  /**
   * The first of `endpoints` that answers becomes the run's DC. Fail over only on network errors:
   * a bad password would be the same everywhere, and a retry could lock the account.
   */
  private async connectFirst(endpoints: readonly Endpoint[]): Promise<Client> {
    const failures: string[] = [];
    let last: DirectoryError | undefined;
    for (const endpoint of endpoints) {
      try {
        const client = await this.connect(endpoint);
        this.endpoint = endpoint;
        this.options.log?.(`connected to ${endpoint.host} (${endpoint.url})`);
        return client;
      } catch (error) {
        // Our own refusals (cleartext, no password, unreadable CA file) are not the DC's fault: no failover.
        if (error instanceof ImctlError && !(error instanceof DirectoryError)) throw error;
        const translated = translateError(error, {
          server: endpoint.host,
          doing: 'connecting',
          caFile: this.options.settings.caFile,
        });
        if (!translated.transient) throw translated;
        failures.push(`${endpoint.host}: ${translated.message}`);
        this.options.log?.(`${endpoint.host} failed: ${translated.message}`);
        last = translated;
      }
    }
    if (endpoints.length === 1 && last) throw last;
    throw new DirectoryError(
      `No domain controller answered (tried ${endpoints.length}): ${failures.join(' ')}`,
      'no-dc',
      undefined,
      true,
    );
  }

  /**
   * Connect to `endpoint` and bind: with the ticket cache (Kerberos; on plain LDAP through the SASL
   * layer), or as the bind account with its password (refused in clear text unless allowed). The
   * RootDSE is read once, on the first connection.
   */
  private async connect(endpoint: Endpoint): Promise<Client> {
    const { settings } = this.options;
    const secure = endpoint.url.startsWith('ldaps:');
    const kerberos = settings.auth === 'kerberos';
    checkCleartext(endpoint, settings, (message) => this.warn(message));
    // Kerberos on plain LDAP: the SASL security layer protects every message (no TLS needed).
    const layer = kerberos && !secure && !endpoint.startTls ? new SaslSocketLayer() : undefined;
    const tlsOptions = tlsOptionsFor(endpoint, settings);
    const { client, tlsSocket, guard } = newLdapClient(endpoint, settings, tlsOptions, layer);
    if (layer) {
      this.layers.set(client, layer);
      // A broken layer stops the run at once, even for operations already waiting to reconnect.
      layer.onFailure = () => void this.layerBroken(layer);
    }
    try {
      if (!secure && endpoint.startTls) await client.startTLS(tlsOptions);
      if (kerberos) await this.kerberosBind(client, endpoint, layer, () => describeTls(tlsSocket()));
      else {
        this.boundAs = await simpleBind(client, endpoint, settings, this.password, (message) => this.warn(message));
        this.options.log?.(
          `protection: ${secure || endpoint.startTls ? describeTls(tlsSocket()) : 'none (--allow-cleartext: the messages travel in clear)'}`,
        );
      }
      if (!this.rootDseValue) this.rootDseValue = await readRootDse(client);
      return client;
    } catch (error) {
      await client.unbind().catch(() => undefined);
      const violation = guard()?.failure ?? layer?.cleartextFailure;
      if (violation)
        throw (this.broken = this.cleartextViolation(violation, guard() ? 'TLS' : 'the Kerberos security layer'));
      if (layer?.failure) throw this.layerBroken(layer);
      if (error instanceof ImctlError) throw error;
      throw translateError(error, { server: endpoint.host, doing: 'connecting', caFile: this.options.settings.caFile });
    }
  }

  /** Bind with the ticket cache: no password is read, prompted for or kept. `tls` names the TLS under it, if any. */
  private async kerberosBind(
    client: Client,
    endpoint: Endpoint,
    layer: SaslSocketLayer | undefined,
    tls: () => string,
  ): Promise<void> {
    const { settings } = this.options;
    if (layer) await (await import('./sasl-bind.js')).openConnection(client);
    const bound = await (
      await import('./gssapi-bind.js')
    ).gssapiBind(client, endpoint.host, layer ? { socket: layer, mode: settings.saslLayer } : undefined);
    this.boundAs = bound.principal;
    this.options.log?.(`auth kerberos (${sourceLabel(settings.sources.auth ?? 'default')}): bound as ${this.boundAs}`);
    this.options.log?.(`protection: ${bound.protection ?? tls()}`);
    this.options.log?.(`kerberos: ${bound.kerberos}`);
  }
}

/**
 * A listing cut off after some of it was handed on: the connection was lost (a DC restarted, a
 * dropped socket) or the DC turned busy between pages. Said plainly, exit 1: a short list must
 * never pass for the whole one.
 */
function listingInterrupted(server: string, handedOn: number, cause: unknown): DirectoryError {
  return new DirectoryError(
    `The listing was cut off after ${handedOn.toLocaleString('en-US')} entries: ${server} ${isBusy(cause) ? 'turned busy' : 'stopped answering'} between two pages (${(cause as Error).message.split('\n')[0]}). A paged search cannot resume on a new connection, so what was printed is incomplete; run the command again.`,
    'listing-interrupted',
    undefined,
    false,
  );
}

/**
 * ldapts's options for a paged search. ldapts asks the server for a 10 s time limit on every
 * search unless told otherwise; Samba counts it over the whole paged search, so a listing of
 * 44,000 users on a busy DC ended in timeLimitExceeded after 13 s (ldapsearch, which sends 0, read
 * them in 28 s). 0: no limit of imctl's own; the DC's MaxQueryDuration still applies, reported as a
 * server limit.
 */
export function pagedSearchOptions(spec: SearchSpec, pageSize: number) {
  return {
    scope: spec.scope ?? 'sub',
    filter: spec.filter,
    attributes: spec.attributes,
    explicitBufferAttributes: spec.buffers ?? [],
    paged: { pageSize },
    timeLimit: 0,
    ...(spec.sizeLimit ? { sizeLimit: spec.sizeLimit } : {}),
  } as const;
}
