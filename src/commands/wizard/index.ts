/**
 * `imctl wizard`: the Exchange Task Wizard at a console, for the admin who does this twice a
 * month and does not remember the flags. Pick a task; find users as a person would; pick the
 * home server and the IM domain; review exactly what will change; confirm; apply through the one
 * write path; read the result, the journal and the equivalent scripted command. Nothing is
 * written before the admin confirms. Esc goes back one step, its answers kept (steps.ts); Esc at
 * the first question, or Ctrl-C at any, ends the run at once (exit 130). The flow is here; each
 * task is in tasks.ts.
 */
import { ExitCode, ImctlError, UsageError } from '../../core/errors.js';
import { createPrompts, isPromptCancel, type Prompts } from '../../ui/prompts.js';
import type { Context } from '../command-context.js';
import { say, WizardSession } from './session.js';
import { runSteps } from './steps.js';
import { disableTask, enableTask, moveTask, rebalanceTask, showTask } from './tasks.js';

export interface WizardOptions {
  /** The prompts to ask with (tests inject their own); default: @inquirer/prompts on the terminal. */
  prompts?: Prompts;
  /** Wait this long after a keystroke before searching (default 200 ms). */
  debounceMs?: number;
}

const TASKS = {
  enable: {
    run: enableTask,
    name: 'Enable Instant Messaging for users',
    description: 'Give users an IM address on a home server, as the Exchange Task Wizard did.',
  },
  disable: {
    run: disableTask,
    name: 'Disable Instant Messaging for users',
    description: 'Clear their IM address, URLs and home server (their privacy lists, msExchIMACL, stay).',
  },
  move: {
    run: moveTask,
    name: 'Move users to another home server',
    description: 'Change the home server; the IM address and the public URL stay, so their contacts change nothing.',
  },
  show: {
    run: showTask,
    name: "Show a user's IM settings",
    description: 'IM address, URLs, home server, account state, and any drift from what imctl would write.',
  },
  rebalance: {
    run: rebalanceTask,
    name: 'Rebalance the home servers',
    description:
      'Move the fewest users that bring every home server within capacity, spread them evenly, or empty a server.',
  },
} as const;
type Task = keyof typeof TASKS;

export async function wizardCommand(context: Context, options: WizardOptions = {}): Promise<void> {
  const { out } = context;
  const { stdin, stdout } = out.streams;
  if (out.json) {
    throw new UsageError(
      'imctl wizard is interactive and has no --json output: use the scripted commands (enable, disable, move, show, rebalance) with --json.',
      'wizard-json',
    );
  }
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new UsageError(
      'imctl wizard needs a terminal (stdin and stdout). In scripts use the commands it stands for: imctl enable|disable|move USER… (--server, --to, --im-domain, --yes), imctl show USER, imctl rebalance --apply; see imctl --help.',
      'not-a-tty',
    );
  }
  const prompts = options.prompts ?? createPrompts({ input: stdin, output: stdout, signal: context.signal });
  try {
    const c = out.color;
    say(
      out,
      `${c.bold('imctl wizard')} — Exchange Instant Messaging tasks. ${c.dim('Esc goes back a step, Ctrl-C quits; nothing is written before you confirm.')}`,
    );
    const session = new WizardSession(context, prompts, await context.directory(), options.debounceMs ?? 200);
    say(
      out,
      c.dim(
        `Connected to ${session.directory.label} as ${session.directory.boundAs ?? 'an unknown account'}; users under ${session.directory.baseDn}.`,
      ),
    );
    let task: Task | undefined;
    await runSteps([
      async () => {
        task = await prompts.select<Task>({
          message: 'What do you want to do?',
          ...(task ? { default: task } : {}),
          choices: Object.entries(TASKS).map(([value, t]) => ({
            value: value as Task,
            name: t.name,
            description: t.description,
          })),
        });
        // Loads and IM domains in use take a while: start them while the admin picks users (not
        // in a large domain, where they would hold up the admin's searches: see the session).
        if (task === 'rebalance') void session.inventory();
        if (task === 'enable' || task === 'move') session.prefetchWhilePicking(task === 'enable');
      },
      // Esc at the task's first question comes back to the one above.
      () => TASKS[task!].run(session),
    ]);
  } catch (error) {
    throw explain(error);
  }
}

/** Our own errors and prompt cancels pass through to the entry module; anything else becomes one plain sentence, not a stack. */
function explain(error: unknown): unknown {
  if (error instanceof ImctlError || isPromptCancel(error)) return error;
  const message = (error as Error | undefined)?.message?.split('\n')[0] ?? String(error);
  return new ImctlError(
    `The wizard stopped: ${message}. Nothing was written after the last result shown. Run it again, or run the equivalent command with --verbose to see more.`,
    ExitCode.cannotRun,
    'wizard-failed',
  );
}
