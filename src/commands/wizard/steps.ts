/**
 * The wizard's Back button: a flow is a list of steps, and Esc at a step's prompt (PromptBack)
 * goes back to the step before, which opens as the admin left it — each step keeps its answers in
 * the task's memory and offers them as the defaults. A step gone back to is told so (`resumed`),
 * so that a step of several pages opens on its last one. Esc at the first step lets PromptBack
 * through: to the flow around it (the task question), or, at the wizard's first question, to the
 * entry module, which ends the run as a cancel (exit 130, nothing written).
 */
import { isPromptBack, PromptBack } from '../../ui/prompts.js';

/** A step asks its questions; one that had nothing to ask (e.g. no server for users all enabled) says 'skipped'. */
export type Step = (resumed: boolean) => Promise<void | 'skipped'>;

export async function runSteps(steps: readonly Step[]): Promise<void> {
  let index = 0;
  let resumed = false;
  while (index < steps.length) {
    try {
      const outcome = await steps[index]!(resumed);
      // Going back through a step that asks nothing: on to the one before it.
      if (outcome === 'skipped' && resumed) throw new PromptBack();
      index++;
      resumed = false;
    } catch (error) {
      if (!isPromptBack(error) || index === 0) throw error;
      index--;
      resumed = true;
    }
  }
}
