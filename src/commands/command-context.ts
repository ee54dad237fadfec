/** What every command receives: the application context plus the output edge it renders to. */
import type { AppContext } from '../services/app-context.js';
import type { Output } from '../ui/output.js';

export interface Context extends AppContext {
  out: Output;
  /** The operating system imctl runs on, for what it prints for pasting (PowerShell quoting on Windows). */
  os: NodeJS.Platform;
  /** Runs a big plan (an import's file and pages) with V8 sized for memory; src/cli supplies it (heap-mode.ts). */
  whilePlanning?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Runs a pass over every user (audit) with V8 collecting its garbage sooner; src/cli supplies it (heap-mode.ts). */
  whileStreaming?: <T>(work: () => Promise<T>) => Promise<T>;
}
