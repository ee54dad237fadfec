/**
 * What every wizard step shares: the run's context, the prompts, the directory, and the lookups
 * started early (servers, loads, IM domains in use) so they are ready when a question needs them.
 */
import type { ImServer } from '../../core/im-model.js';
import { LARGE_DOMAIN_USERS, type DirectoryPort } from '../../services/directory-port.js';
import { sampleImDomains } from '../../services/im-domains.js';
import { takeInventory, type Inventory } from '../../services/inventory.js';
import type { Output } from '../../ui/output.js';
import type { Prompts } from '../../ui/prompts.js';
import { printFitted } from '../../ui/wrap.js';
import type { Context } from '../command-context.js';

export const fmt = (n: number) => n.toLocaleString('en-US');
export const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

/** A line of the wizard's own, broken at words to the terminal. The equivalent commands are not: they are copied whole. */
export function say(out: Output, text = ''): void {
  printFitted(out, text);
}

export class WizardSession {
  readonly servers: Promise<ImServer[]>;
  private inventoryPromise: Promise<Inventory> | undefined;
  private domainsPromise: ReturnType<typeof sampleImDomains> | undefined;
  private readonly memories = new Map<string, unknown>();

  constructor(
    readonly context: Context,
    readonly prompts: Prompts,
    readonly directory: DirectoryPort,
    /** Wait this long after a keystroke before searching. */
    readonly debounceMs: number,
  ) {
    this.servers = directory.servers();
    this.servers.catch(() => undefined);
  }

  get out() {
    return this.context.out;
  }

  get c() {
    return this.context.out.color;
  }

  /**
   * What the admin has answered in a task, kept while the wizard runs: a step gone back to (Esc),
   * or the task chosen again, opens with those answers.
   */
  memory<T>(task: string, create: () => T): T {
    if (!this.memories.has(task)) this.memories.set(task, create());
    return this.memories.get(task) as T;
  }

  /** Server loads take a paged count of every homed user: started while the admin picks users. */
  inventory(): Promise<Inventory> {
    if (!this.inventoryPromise) {
      this.inventoryPromise = takeInventory(this.directory, this.context.settings, this.servers, { active: true }); // the picker shows homed and active
      this.inventoryPromise.catch(() => undefined);
    }
    return this.inventoryPromise;
  }

  /**
   * Start the loads (and, to enable, the IM domains in use) while the admin picks users — in a
   * domain of at most LARGE_DOMAIN_USERS users. In a larger one they start when asked for, once
   * the users are picked: a DC answers one connection's requests in order (Samba's single process,
   * every connection's), and at 100,000 users the inventory is ~30 s of the DC's time, with single
   * requests of 8–13 s (the orphan scan; the IM-address sample), so a name search typed meanwhile
   * waited for all of it (48 s), however quick the search itself.
   */
  prefetchWhilePicking(domains: boolean): void {
    this.directory.usersAtMost().then(
      (bound) => {
        if ((bound ?? 0) > LARGE_DOMAIN_USERS) return;
        void this.inventory();
        if (domains) void this.imDomainsInUse();
      },
      () => undefined,
    );
  }

  /** A bounded sample of the IM domains in use (AD stops at its size limit; Samba reads them all). */
  imDomainsInUse(): ReturnType<typeof sampleImDomains> {
    if (!this.domainsPromise) {
      this.domainsPromise = sampleImDomains(this.directory);
      this.domainsPromise.catch(() => undefined);
    }
    return this.domainsPromise;
  }
}
