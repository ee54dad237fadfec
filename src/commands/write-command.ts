/**
 * The edge of every writing command: the flags they share (--dry-run, --yes, --ldif, --report),
 * checked before any work, and the pieces the write path is handed — a confirmation prompt on a
 * terminal, the LDIF destination, and the result sink that renders outcomes.
 */
import type { WriteStream } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { DirectoryPort } from '../services/directory-port.js';
import { checkReportPath, openLdifFile } from '../services/output-files.js';
import { executeTargets, type LdifSink, type RunResult, type Target } from '../services/write-run.js';
import type { Output } from '../ui/output.js';
import { openResultSink } from '../ui/write-results.js';
import type { Context } from './command-context.js';
import { plural } from '../core/words.js';

/** Options every writing command takes. */
export interface WriteFlags {
  dryRun?: boolean;
  yes?: boolean;
  ldif?: string;
  report?: string;
}

/**
 * A bad --report path is a usage error before the directory is asked anything, and so are two
 * outputs for one stdout (`--ldif - --json`): a script reading either would get both mixed.
 */
export function checkWriteFlags(flags: WriteFlags, json = false): void {
  checkStdoutOutputs(
    [
      flags.ldif === '-' ? '--ldif -' : undefined,
      flags.report === '-' ? '--report -' : undefined,
      json ? '--json' : undefined,
    ],
    // The example is a file for the output that was sent to stdout besides --json / --ldif -.
    flags.report === '-' ? '--report report.csv' : '--ldif changes.ldif',
  );
  if (flags.report) checkReportPath(flags.report);
}

/** At most one of the outputs given (e.g. "--ldif -", "--report -", "--json") may print on stdout. */
export function checkStdoutOutputs(outputs: readonly (string | undefined)[], example: string): void {
  const onStdout = outputs.filter((f) => f !== undefined);
  if (onStdout.length > 1) {
    throw new UsageError(
      `${onStdout.join(' and ')} would ${onStdout.length > 2 ? 'all' : 'both'} print on stdout: keep one, and send the other to a file (e.g. ${example}).`,
      'two-stdout-outputs',
    );
  }
}

export async function runWrite(
  context: Context,
  directory: DirectoryPort,
  targets: readonly Target[],
  flags: WriteFlags & {
    command: string;
    jsonExtra?: Record<string, unknown>;
    stdoutTaken?: boolean;
    /** The file the targets came from (import), for the journal. */
    input?: string;
  },
): Promise<RunResult> {
  const { out } = context;
  checkWriteFlags(flags, out.json);
  // On a terminal, changing several users asks first; --yes and scripts (no terminal) never do.
  const asks = !flags.yes && out.interactive;
  // The report's home server columns and the question's split by server name servers: one read, only for them.
  const serverName = flags.report !== undefined || asks ? await serverNames(directory) : undefined;
  const sink = openResultSink(out, {
    command: flags.command,
    report: flags.report,
    ldifOnStdout: flags.ldif === '-' || !!flags.stdoutTaken,
    jsonExtra: flags.jsonExtra,
    serverName,
  });
  return executeTargets(context, directory, targets, {
    command: flags.command,
    dryRun: flags.dryRun,
    ldif: flags.ldif !== undefined ? openLdif(out, flags.ldif) : undefined,
    confirm: asks ? (message) => askConfirm(context, message) : undefined,
    serverName,
    input: flags.input,
    sink,
  });
}

/** Server names by DN (case-insensitive), as the directory lists them now. */
async function serverNames(directory: DirectoryPort): Promise<(dn: string) => string | null> {
  const byDn = new Map((await directory.servers()).map((s) => [s.dn.toLowerCase(), s.name]));
  return (dn) => byDn.get(dn.toLowerCase()) ?? null;
}

/** On the run's own streams (stderr, so that stdout stays data), cancelled by its abort signal or Esc. */
async function askConfirm(context: Context, message: string): Promise<boolean> {
  const { createPrompts } = await import('../ui/prompts.js');
  const { stdin, stderr } = context.out.streams;
  return createPrompts({ input: stdin, output: stderr, signal: context.signal }).confirm({ message, default: false });
}

/** `--ldif FILE` (owner-only: the plan names accounts) or `--ldif -` (stdout). */
function openLdif(out: Output, path: string): LdifSink {
  const stream = path === '-' ? out.streams.stdout : openLdifFile(path);
  return {
    write: (text) =>
      new Promise<void>((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve()))),
    async close(changes) {
      if (path === '-') return;
      await new Promise<void>((resolve, reject) => {
        (stream as WriteStream).on('error', reject);
        stream.end(() => resolve());
      });
      out.info(`LDIF for ${plural(changes, 'change')} written to ${path} (apply with: ldapmodify -f ${path}).`);
    },
  };
}
