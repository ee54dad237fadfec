/**
 * The journal of a writing run: JSON lines in journal/ of the platform's state folder
 * (src/platform/paths.ts; $XDG_STATE_HOME/imctl/journal/ on Linux), one line per entry
 * changed (DN, objectGUID, values before and after), written as each change lands so an
 * interrupted run still leaves a complete record. Owner-only: it names accounts.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ImState } from '../core/im-model.js';
import { UsageError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { privateFolder, UnsafeFileError } from '../io/owned-file.js';
import { hostHome, stateDir } from '../platform/paths.js';

export interface JournalHeader {
  type: 'run';
  version: 1;
  command: string;
  startedAt: string;
  server: string;
  /** The domain's naming context: undo refuses a journal of another domain. Absent in journals of imctl before 0.2. */
  domain?: string | undefined;
  /** who was bound — the bind DN, or the Kerberos principal. */
  boundAs?: string | undefined;
  /** The arguments imctl was given (after the program name), secrets masked: what to re-run or quote in a ticket. */
  commandLine?: string[] | undefined;
  /** The file the targets came from (import's CSV), as given. */
  input?: string | undefined;
}

export interface JournalChange {
  /**
   * `change`: the DC confirmed it. `unconfirmed`: the write was sent, the connection died before
   * the answer, and the DC could not be asked afterwards — the entry is as `before` or as `after`.
   * Undo handles both (compare-and-set); readers that count changes count only `change`.
   */
  type: 'change' | 'unconfirmed';
  dn: string;
  guid: string;
  before: ImState;
  after: ImState;
  at: string;
  /** The DC that took the write (after a mid-run failover it is not the header's `server`). */
  server?: string;
}

/**
 * The last line of a run that closed its journal: how it ended, for `imctl history`. A journal
 * without one was cut off (kill -9, a crash, a power cut).
 */
export interface JournalEnd {
  type: 'end';
  endedAt: string;
  /** done: everything asked for; partial: some targets failed; stopped: the DC was lost; interrupted: Ctrl-C. */
  outcome: 'done' | 'partial' | 'stopped' | 'interrupted';
  changed: number;
  unchanged: number;
  failed: number;
}

export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(hostHome(env)), 'journal'); // platform rules: src/platform/paths.ts
}

export class Journal {
  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {}

  static open(
    command: string,
    where: { server: string; domain: string },
    env: NodeJS.ProcessEnv = process.env,
    boundAs?: string,
    provenance: { commandLine?: readonly string[] | undefined; input?: string | undefined } = {},
  ): Journal {
    // Whoever controls the folder, or one above it, can replace a journal in it, and undo trusts
    // what it reads there. A folder that already existed is made owner-only too (the names of the
    // journals say which commands ran when), never through a link.
    let dir: string;
    try {
      dir = privateFolder(journalDir(env));
    } catch (error) {
      if (!(error instanceof UnsafeFileError)) throw error;
      throw new UsageError(
        `The journal folder ${journalDir(env)} is not yours alone (${error.message}): imctl will not keep its journals there. Set XDG_STATE_HOME to a folder of your own.`,
        'journal-folder',
      );
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = join(dir, `${stamp}-${command}-${process.pid}.jsonl`);
    const stream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    const journal = new Journal(path, stream);
    journal.writeLine({
      type: 'run',
      version: 1,
      command,
      startedAt: new Date().toISOString(),
      server: where.server,
      domain: where.domain,
      boundAs,
      // There is no password flag (main.ts refuses one), and a secret imctl knows is masked anyway.
      ...(provenance.commandLine ? { commandLine: provenance.commandLine.map((arg) => redact(arg)) } : {}),
      ...(provenance.input !== undefined ? { input: provenance.input } : {}),
    } satisfies JournalHeader);
    return journal;
  }

  record(change: Omit<JournalChange, 'type' | 'at'>, type: JournalChange['type'] = 'change'): void {
    this.writeLine({ type, ...change, at: new Date().toISOString() } satisfies JournalChange);
  }

  /** Ends the journal, with how the run ended when it is known. */
  close(end?: Omit<JournalEnd, 'type' | 'endedAt'>): Promise<void> {
    if (end) this.writeLine({ type: 'end', endedAt: new Date().toISOString(), ...end } satisfies JournalEnd);
    return new Promise((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }

  private writeLine(value: unknown): void {
    this.stream.write(`${JSON.stringify(value)}\n`);
  }
}
