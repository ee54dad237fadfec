/**
 * The entry module: builds the program, runs it, and is the one place that turns errors into
 * messages and exit codes. Commands throw; nothing else calls process.exit.
 */
import { CommanderError } from 'commander';
import { ExitCode, ImctlError, Interrupted, UsageError } from '../core/errors.js';
import type { GlobalFlags } from '../config/settings.js';
import type { Output, Streams } from '../ui/output.js';
import { disableCoreDumps } from '../platform/core-dumps.js';
import { environmentWithoutSecrets } from '../platform/environment.js';
import { interruptSignals } from '../platform/interrupt-signals.js';
import { isPromptCancel } from '../ui/prompt-cancel.js';
import type { Context, OpenDirectory } from './composition-root.js';
import { checkHelpTopic } from './help-topic.js';
import { buildProgram, redactOptionValue } from './program.js';
import { version } from './version.js';

// Settings, output (chalk) and context load only once a command runs, so that `--version` and
// `--help` cost little more than commander itself (start-up is measured by `npm run bench`).
async function loadOutput(streams: Streams, json: boolean, color: boolean, verbose = false): Promise<Output> {
  const { Output } = await import('../ui/output.js');
  return new Output(streams, json, color, verbose);
}

export interface RunEnvironment {
  /** Every byte in and out, prompts included. */
  streams: Streams;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The directory the commands work on; default: LDAP, from the settings. */
  openDirectory?: OpenDirectory;
  /** The operating system to behave as (signals, quoting for pasting); default: this one. Tests pass win32. */
  os?: NodeJS.Platform;
}

export async function run(argv: string[], environment: RunEnvironment): Promise<number> {
  const { streams, env } = environment;
  const os = environment.os ?? process.platform;
  const abort = new AbortController();
  let context: (Context & { close(): Promise<void> }) | undefined;
  let out: Output | undefined;

  // Ctrl-C, and on Windows Ctrl-Break and a closed console: the same stop, the same exit code.
  const signals = interruptSignals(os);
  const onInterrupt = () => {
    if (abort.signal.aborted) return;
    abort.abort();
    const notice = 'imctl: interrupted; finishing the writes in flight, then stopping (Ctrl-C again to force).';
    // Above a progress bar, which the notice must not land in; else on a line of its own, after the echoed ^C.
    if (out?.liveLineShown) out.info(notice);
    else streams.stderr.write(`\n${notice}\n`);
    for (const signal of signals) process.once(signal, force);
  };
  const force = () => {
    // Forced: the bar goes first, so that the shell's prompt starts on a clean line.
    out?.endLive();
    process.exit(ExitCode.interrupted);
  };
  for (const signal of signals) process.on(signal, onInterrupt);

  const program = buildProgram({
    streams,
    async execute(flags: GlobalFlags, action: (context: Context) => Promise<void>) {
      const [{ loadSettings }, { describeSettings }, { createContext }, { registerSecret }, { readPasswordFile }] =
        await Promise.all([
          import('../config/settings.js'),
          import('../config/describe-settings.js'),
          import('./composition-root.js'),
          import('../core/redact.js'),
          import('../io/password-file.js'),
        ]);
      const settings = loadSettings(flags, env, environment.cwd);
      registerKnownPassword(settings, env, registerSecret, readPasswordFile);
      out = await loadOutput(streams, settings.json, settings.color, settings.verbose);
      for (const warning of settings.warnings) out.warn(warning);
      for (const line of describeSettings(settings)) out.debug(line);
      context = createContext(settings, out, env, abort.signal, environment.openDirectory, os, argv.slice(2));
      await action(context);
      if (abort.signal.aborted) throw new Interrupted('Interrupted; what was done is in the journal.');
    },
  });

  try {
    refusePasswordFlag(argv);
    // --json promises one JSON document: the version too (commander prints it bare).
    if (jsonAsked(argv) && argv.slice(2).some((a) => a === '--version' || a === '-V')) {
      streams.stdout.write(`${JSON.stringify({ version })}\n`);
      return ExitCode.ok;
    }
    checkHelpTopic(program, argv);
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    // A bar still live here would be drawn again under the error and leave the prompt beside it.
    out?.endLive();
    if (error instanceof CommanderError) {
      const code = commanderExit(error);
      // --json promises one document on stdout in every case, a usage error included.
      if (code !== ExitCode.ok && jsonAsked(argv)) {
        out ??= await loadOutput(streams, true, false);
        out.printJson({
          error: {
            reason: commanderReason(error),
            message: redactOptionValue(error.message.replace(/^error: /, '')),
            exitCode: code,
          },
        });
      }
      return code;
    }
    out ??= await loadOutput(streams, argv.includes('--json'), !argv.includes('--no-color') && !env.NO_COLOR);
    return report(error, out);
  } finally {
    // The run is over: a later signal is no longer this run's to handle (nor to force).
    for (const signal of signals) process.off(signal, onInterrupt).off(signal, force);
    await context?.close();
  }
}

/** `--json` among the options (not after `--`, where it would be an argument). */
function jsonAsked(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** commander.unknownOption → "unknown-option", commander.invalidArgument → "invalid-argument". */
function commanderReason(error: CommanderError): string {
  return error.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Help and --version end here with code 0; parse errors were already printed by commander. */
function commanderExit(error: CommanderError): number {
  if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
    return ExitCode.ok;
  return ExitCode.usage;
}

function report(error: unknown, out: Output): number {
  if (isPromptCancel(error)) {
    out.error('Cancelled; nothing was written.');
    return ExitCode.interrupted;
  }
  if (error instanceof ImctlError) {
    // audit's "findings remain" is a report's last line (exit 3), not an error.
    if (error.message && error.reason === 'findings') out.info(error.message);
    else if (error.message) out.error(error.message);
    // Partial and interrupted runs already printed their results; stdout holds one JSON document.
    const resultsPrinted = error.exitCode === ExitCode.partial || error.exitCode === ExitCode.interrupted;
    if (out.json && !resultsPrinted)
      out.printJson({
        error: { reason: error.reason, message: error.message, exitCode: error.exitCode },
        ...error.details,
      });
    return error.exitCode;
  }
  out.error(`unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
  return ExitCode.cannotRun;
}

/** The password, as soon as imctl can know it, is kept out of every line it writes (src/core/redact.ts). */
function registerKnownPassword(
  settings: { passwordFile?: string | undefined },
  env: NodeJS.ProcessEnv,
  registerSecret: (secret: string | undefined) => void,
  readPasswordFile: (path: string) => string,
): void {
  registerSecret(env.IMCTL_PASSWORD);
  if (settings.passwordFile) {
    try {
      registerSecret(readPasswordFile(settings.passwordFile));
    } catch {
      // Unreadable or refused: the bind reports it, if a bind is needed.
    }
  }
}

/**
 * There is no password flag: argv is readable by every user of the host (ps, /proc/PID/cmdline)
 * and lands in shell history. Someone who tries one gets the way that works, and what follows the
 * flag is never echoed.
 */
function refusePasswordFlag(argv: string[]): void {
  for (const arg of argv.slice(2)) {
    if (arg === '--') return;
    if (/^--?(password|passwd|pass|pwd|pw)(=|$)/i.test(arg)) {
      throw new UsageError(
        'There is no password option: a password on the command line can be read by every user of this host (ps) and stays in the shell history. ' +
          'Use --password-file FILE or IMCTL_PASSWORD_FILE (a file only you can read), or IMCTL_PASSWORD; on a terminal imctl asks. If you typed a real password, consider it exposed and change it.',
        'password-flag',
      );
    }
  }
}

export async function main(argv: string[]): Promise<void> {
  disableCoreDumps();
  // `imctl users | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = await run(argv, { streams: process, env: environmentWithoutSecrets(), cwd: process.cwd() });
  process.exitCode = code;
}
