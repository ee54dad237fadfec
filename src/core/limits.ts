/**
 * Bounds shared by the option parser, the config file and the core, so a value the command line
 * accepts is one the planner accepts too.
 */

/** Users per home server: keeps the planner's integer arithmetic exact in doubles. */
export const MAX_CAPACITY = 10_000_000;
/** Microsoft's recommended ceiling per Exchange 2000 IM home server. */
export const DEFAULT_CAPACITY = 7500;
export const DEFAULT_CONCURRENCY = 16;
export const MAX_CONCURRENCY = 256;
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 3600;
