/**
 * `imctl …` in-process, through the entry module's run(), against an in-memory directory: the
 * commands' wiring, usage errors, exit codes and --json, with no LDAP and no lab. Each call gets
 * its own config, state and cache folders, so journals and the server cache land in a scratch
 * folder. The lab tests keep what only a directory can show (the wire, TLS, Kerberos, faults).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { imValues, type ImServer } from '../../src/core/im-model.js';
import type { UserRecord } from '../../src/core/user-record.js';
import { run } from '../../src/cli/main.js';
import { MemoryDirectory } from './memory-directory.js';

/**
 * A captured output stream that can pretend to be a terminal. Like process.stderr it outlives a
 * prompt: inquirer ends the stream it wrote to when the prompt closes, and here that is ignored.
 */
export class Capture extends Writable {
  text = '';
  columns = 200;
  constructor(readonly isTTY: boolean) {
    super();
    Object.defineProperty(this, 'end', {
      value: (...args: unknown[]) => {
        const done = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        if (done) queueMicrotask(done);
        return this;
      },
    });
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export const IM_DOMAIN = 'im.memory.test';

const vs = (name: string, host: string, hostsUsers = true): ImServer => ({
  dn: `CN=IM Virtual Server,CN=${name},CN=Servers,CN=First Site,DC=memory,DC=test`,
  name,
  cn: name,
  host,
  hostsUsers,
});
export const EAST = vs('im-east', 'exch1.memory.test');
export const WEST = vs('im-west', 'exch2.memory.test');
export const ROUTER = vs('im-router', 'imrouter.memory.test', false);

let guids = 0;
/** A user under OU=Staff; `home` makes it IM-enabled there. */
export function person(sam: string, home?: ImServer, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    dn: `CN=${sam},OU=Staff,DC=memory,DC=test`,
    guid: (++guids).toString(16).padStart(32, '0'),
    sAMAccountName: sam,
    userPrincipalName: `${sam}@memory.test`,
    mailNickname: sam,
    displayName: `User ${sam}`,
    accountDisabled: false,
    im: home ? imValues(sam, IM_DOMAIN, home) : {},
    ...extra,
  };
}

/** Three servers (one a router), two users on im-east, one on im-west, two without IM. */
export function sampleDirectory(): MemoryDirectory {
  return new MemoryDirectory(
    [EAST, WEST, ROUTER],
    // ann signed in yesterday: the one active user (the others never signed in).
    [
      person('ann', EAST, { lastLogonAt: Date.now() - 24 * 3600 * 1000 }),
      person('ben', EAST),
      person('cid', WEST),
      person('dee'),
      person('eve'),
    ],
  );
}

export interface ImctlRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The folder holding config/, state/ (journals) and cache/, and the working directory. */
  home: string;
  /** stdout parsed as one JSON document. */
  json<T = any>(): T;
}

export interface ImctlOptions {
  directory?: MemoryDirectory;
  env?: NodeJS.ProcessEnv;
  /** stdin, stdout and stderr report themselves as a terminal. */
  tty?: boolean;
  /** Reuse a scratch folder (e.g. to undo a journal written by an earlier run). */
  home?: string;
  /** The terminal's width (with tty); 200 otherwise. */
  columns?: number;
  /** Called once the run has started, with its stdin (to type into a prompt) and what it writes. */
  onStart?: (stdin: PassThrough, stderr: Capture, stdout: Capture) => void;
  /** Called when the run opens its directory (connects and binds, on a real DC), with what it has said by then. */
  onOpenDirectory?: (stderr: Capture) => void;
  /** The operating system the run behaves as (win32: Windows' signals and PowerShell quoting). */
  os?: NodeJS.Platform;
}

/** `imctl ARGV…` in this process against an in-memory directory (default sampleDirectory()); the settings point at a URL nothing is asked of. */
export async function imctlOnMemory(argv: string[], options: ImctlOptions = {}): Promise<ImctlRun> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'imctl-unit-'));
  const directory = options.directory ?? sampleDirectory();
  const tty = options.tty ?? false;
  const streams = {
    stdin: Object.assign(new PassThrough(), { isTTY: tty }),
    stdout: new Capture(tty),
    stderr: new Capture(tty),
  };
  if (options.columns !== undefined) streams.stdout.columns = streams.stderr.columns = options.columns;
  const env: NodeJS.ProcessEnv = {
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
    IMCTL_URL: 'ldaps://dc1.memory.test',
    IMCTL_BIND_DN: 'admin@memory.test',
    IMCTL_IM_DOMAIN: IM_DOMAIN,
    NO_COLOR: '1',
    ...options.env,
  };
  const running = run(['node', 'imctl', ...argv], {
    streams,
    env,
    cwd: home,
    ...(options.os ? { os: options.os } : {}),
    openDirectory: async () => {
      options.onOpenDirectory?.(streams.stderr);
      return directory;
    },
  });
  options.onStart?.(streams.stdin, streams.stderr, streams.stdout);
  const code = await running;
  const stdout = streams.stdout.text;
  return { code, stdout, stderr: streams.stderr.text, home, json: () => JSON.parse(stdout) };
}
