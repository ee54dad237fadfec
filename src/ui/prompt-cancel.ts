/**
 * Errors with which @inquirer/prompts reports Ctrl-C (ExitPromptError), an abort
 * (AbortPromptError) and cancel — by name, so the entry module can tell without loading inquirer —
 * and imctl's own for Esc: back one step (PromptBack). A flow that has no step to go back to lets
 * it through, and it ends the run as a cancel does.
 */
export function isPromptCancel(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return (
    name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError' || isPromptBack(error)
  );
}

/** Esc at a prompt: the admin wants the step before, not the end of the run. */
export class PromptBack extends Error {
  override name = 'PromptBackError';
  constructor() {
    super('Esc pressed: back one step');
  }
}

export function isPromptBack(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'PromptBackError';
}
