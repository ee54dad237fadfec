/**
 * A real terminal for tests: tmux on a private socket. A command starts in a detached session of
 * a given size, keys go in with send-keys, the screen comes back with capture-pane. The shell
 * prints `[exit N]` when the command ends (then sleeps, so that the pane stays to be read).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { shellQuote } from '../../src/commands/wizard/equivalent-command.js';
import { repoRoot } from './lab.js';

export class Tmux {
  private sessions = 0;

  constructor(private readonly socket: string) {}

  run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color' },
    });
  }

  /** `args` of the built imctl (from the repository root) in a fresh `columns`×`rows` session with exactly `env`. */
  startImctl(args: string, env: NodeJS.ProcessEnv, columns = 200, rows = 50): string {
    const name = `imctl-${++this.sessions}`;
    const vars = Object.entries({ ...env, TERM: 'screen-256color' })
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => shellQuote(`${key}=${value}`));
    const command = `cd ${shellQuote(repoRoot)} && env -i ${vars.join(' ')} ${shellQuote(process.execPath)} bin/imctl ${args}; echo "[exit $?]"; sleep 600`;
    this.run('new-session', '-d', '-x', String(columns), '-y', String(rows), '-s', name, command);
    return name;
  }

  /** The pane's text and history; `joined`: lines the terminal wrapped are joined back (-J). */
  screen(session: string, joined = true): string {
    return this.run('capture-pane', '-p', ...(joined ? ['-J'] : []), '-S', '-', '-t', session);
  }

  /** Poll the pane until it shows `expected` (no fixed sleeps); fail early if the command ended without it. */
  async waitFor(session: string, expected: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const found = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
    for (;;) {
      const text = this.screen(session);
      if (found(text)) return text;
      if (/\[exit \d+\]/.test(text)) throw new Error(`the command exited before showing ${String(expected)}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; pane:\n${text}`);
      await sleep(50);
    }
  }

  keys(session: string, ...names: string[]): void {
    this.run('send-keys', '-t', session, ...names);
  }

  type(session: string, text: string): void {
    // "--": text that starts with "-" is typed, not read as a flag.
    this.run('send-keys', '-t', session, '-l', '--', text);
  }

  /** Kill the server and its socket file. */
  close(): void {
    try {
      this.run('kill-server');
    } catch {
      // no server left: every session ended
    }
    rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid!()}`, this.socket), { force: true });
  }
}
