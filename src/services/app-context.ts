/**
 * What the application layer needs from a run: merged settings, the environment (for the journal
 * folder), the run's abort signal (Ctrl-C) and a lazily opened directory. src/cli/ builds it; the
 * commands add their output edge on top (src/commands/command-context.ts).
 */
import type { Settings } from '../config/settings.js';
import type { DirectoryPort } from './directory-port.js';

export interface AppContext {
  settings: Settings;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** The arguments imctl was run with (after the program name), for the journal. */
  commandLine?: readonly string[] | undefined;
  /** Connect, TLS, bind and read the RootDSE; once per run. */
  directory(): Promise<DirectoryPort>;
}
