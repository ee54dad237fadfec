/**
 * The signals that mean "stop" as Ctrl-C does. On Windows, Node maps Ctrl-Break to SIGBREAK and
 * closing the console window to SIGHUP (after which Windows ends the process within about ten
 * seconds, time enough to close the journal). On POSIX a hang-up keeps its default meaning.
 */
export function interruptSignals(os: NodeJS.Platform): NodeJS.Signals[] {
  return os === 'win32' ? ['SIGINT', 'SIGBREAK', 'SIGHUP'] : ['SIGINT'];
}
