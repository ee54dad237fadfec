/**
 * The product's own errors. Commands throw these; the entry module is the one place that
 * prints them and maps them to the exit codes of the command-line contract.
 */
export const ExitCode = {
  ok: 0,
  cannotRun: 1,
  usage: 2,
  partial: 3,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class ImctlError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    /** A short machine-readable reason, e.g. "bad-password", for --json and tests. */
    readonly reason: string,
    /** Data that explains the error, printed with it in the one --json document (e.g. an infeasible plan). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, bad input files, unknown users or servers: nothing was written (exit 2). */
export class UsageError extends ImctlError {
  constructor(message: string, reason = 'usage', details?: Record<string, unknown>) {
    super(message, ExitCode.usage, reason, details);
  }
}

/** Connection, TLS, bind or unexpected directory failures: the run could not start (exit 1). */
export class DirectoryError extends ImctlError {
  constructor(
    message: string,
    reason: string,
    /** LDAP result code where there was one. */
    readonly resultCode?: number,
    /** True when the connection itself is gone and a retry on a new one may succeed. */
    readonly transient = false,
  ) {
    super(message, ExitCode.cannotRun, reason);
  }
}

/** Some targets failed, the rest were done (exit 3). Thrown after the report was printed. */
export class PartialFailure extends ImctlError {
  constructor(message: string) {
    super(message, ExitCode.partial, 'partial');
  }
}

/** Ctrl-C, Esc in a prompt, or "no" at a confirmation (exit 130). */
export class Interrupted extends ImctlError {
  constructor(message = 'Interrupted; nothing further was written.') {
    super(message, ExitCode.interrupted, 'interrupted');
  }
}

/** A name as typed, in double quotes, for a message; a very long one is cut (a 10,000-character name makes no clearer error). */
export function quoted(value: string, max = 100): string {
  const chars = [...value];
  return chars.length > max ? `"${chars.slice(0, max).join('')}…" (${chars.length} characters)` : `"${value}"`;
}
