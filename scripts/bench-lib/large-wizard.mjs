// @ts-check
// The wizard at 100,000 users (issue 32): start to the first prompt, and a name search, timed as a
// person sees them — the built imctl in a real pseudo-terminal (tmux on a private socket), the pane
// polled until the prompt or the first match is on screen.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 20;
/** @param {string} s */
const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** One tmux server of its own, so the bench never touches a person's sessions. */
export class Terminal {
  /** @param {string} socket */
  constructor(socket) {
    this.socket = socket;
    this.sessions = 0;
  }

  /** @param {...string} args */
  tmux(...args) {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color' },
    });
  }

  /** `argv` (the command and its arguments) in a fresh 200×50 session with exactly `env`. */
  /**
   * @param {string[]} argv
   * @param {Record<string, string | undefined>} env
   * @param {string} cwd
   */
  start(argv, env, cwd) {
    const name = `bench-${++this.sessions}`;
    const vars = Object.entries({ ...env, TERM: 'screen-256color' })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => quote(`${k}=${v}`));
    const command = `cd ${quote(cwd)} && env -i ${vars.join(' ')} ${argv.map(quote).join(' ')}; echo "[exit $?]"; sleep 600`;
    this.tmux('new-session', '-d', '-x', '200', '-y', '50', '-s', name, command);
    return name;
  }

  /** @param {string} session */
  screen(session) {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session);
  }

  /** Poll until the pane shows `expected`; the time it was first seen (hrtime ms). */
  /**
   * @param {string} session
   * @param {RegExp} expected
   */
  async waitFor(session, expected, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen(session);
      if (expected.test(text)) return now();
      if (/\[exit \d+\]/.test(text)) throw new Error(`the wizard exited before showing ${expected}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expected}:\n${text}`);
      await sleep(POLL_MS);
    }
  }

  /** Move the highlight (the line starting with ❯) down to `option`, and choose it. */
  /**
   * @param {string} session
   * @param {string} option
   */
  async choose(session, option) {
    for (let i = 0; i < 20; i++) {
      const active = this.screen(session)
        .split('\n')
        .filter((l) => l.startsWith('❯'))
        .at(-1);
      if (active?.includes(option)) return this.tmux('send-keys', '-t', session, 'Enter');
      this.tmux('send-keys', '-t', session, 'Down');
      await sleep(100);
    }
    throw new Error(`no choice "${option}":\n${this.screen(session)}`);
  }

  close() {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * One run: { startMs, searchMs }. start: spawn to "What do you want to do?" on screen; search: the
 * term typed (one send-keys) to its first match highlighted.
 */
/**
 * @param {Terminal} terminal
 * @param {{ argv: string[], env: Record<string, string | undefined>, cwd: string, term: string, match: RegExp }} run
 */
export async function timeWizard(terminal, { argv, env, cwd, term, match }) {
  const t0 = now();
  const s = terminal.start(argv, env, cwd);
  const startMs = (await terminal.waitFor(s, /What do you want to do\?/)) - t0;
  await terminal.choose(s, 'Enable Instant Messaging for users');
  await terminal.waitFor(s, /How do you want to find the users to enable\?/);
  await terminal.choose(s, 'Search by name, account or mail');
  await terminal.waitFor(s, /Find the user to enable/);
  const t1 = now();
  terminal.tmux('send-keys', '-t', s, '-l', term);
  const searchMs = (await terminal.waitFor(s, match)) - t1;
  terminal.tmux('kill-session', '-t', s);
  return { startMs, searchMs };
}
