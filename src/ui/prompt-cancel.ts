/**
 * Errors with which @inquirer/prompts reports Ctrl-C (ExitPromptError), Esc/abort
 * (AbortPromptError) and cancel — by name, so the entry module can tell without loading inquirer.
 */
export function isPromptCancel(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}
