/**
 * The prompts the wizard asks, behind one thin seam: tests drive them with @inquirer/testing or
 * replace them outright, and every prompt gets the same treatment — it writes to the given
 * output, is cancelled by the run's abort signal, and Esc cancels it as Ctrl-C does (inquirer
 * itself ignores Esc), rejecting with AbortPromptError, which the entry module maps to exit 130.
 */
import { emitKeypressEvents } from 'node:readline';
import * as inquirer from '@inquirer/prompts';
import { Separator } from '@inquirer/prompts';

export { Separator };
export { isPromptCancel } from './prompt-cancel.js';

export interface Choice<V> {
  value: V;
  name?: string;
  description?: string;
  short?: string;
  /** `true`, or the reason the choice cannot be taken (shown beside it). */
  disabled?: boolean | string;
}

export type Choices<V> = ReadonlyArray<Choice<V> | Separator>;

export interface Prompts {
  select<V>(config: { message: string; choices: Choices<V>; default?: V; pageSize?: number; loop?: boolean }): Promise<V>;
  /** Search as you type: `source` is called for every change of the term, the previous call aborted. */
  search<V>(config: {
    message: string;
    source: (term: string | undefined, options: { signal: AbortSignal }) => Promise<Choices<V>>;
    pageSize?: number;
  }): Promise<V>;
  checkbox<V>(config: { message: string; choices: ReadonlyArray<(Choice<V> & { checked?: boolean }) | Separator>; required?: boolean; pageSize?: number }): Promise<V[]>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  input(config: { message: string; default?: string; validate?: (value: string) => boolean | string | Promise<boolean | string> }): Promise<string>;
  /** Opens $VISUAL / $EDITOR on a temporary file. */
  editor(config: { message: string; default?: string; postfix?: string; validate?: (value: string) => boolean | string | Promise<boolean | string> }): Promise<string>;
}

export interface PromptStreams {
  input?: NodeJS.ReadableStream | undefined;
  output?: NodeJS.WritableStream | undefined;
  /** The run's abort signal (SIGINT outside a prompt): a prompt started after it fired rejects at once. */
  signal?: AbortSignal | undefined;
}

interface InquirerContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  signal: AbortSignal;
}

interface Key {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
}

/**
 * Run one prompt with its own AbortController: aborted by the run's signal or by Esc. readline
 * reports a lone Esc byte as the key "escape" after its escape-code timeout (500 ms); arrow keys
 * and Alt-combinations arrive as other keys.
 */
async function withCancel<T>(streams: PromptStreams, ask: (context: InquirerContext) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(streams.signal?.reason);
  if (streams.signal?.aborted) controller.abort(streams.signal.reason);
  else streams.signal?.addEventListener('abort', onRunAbort, { once: true });

  const input = streams.input ?? process.stdin;
  const onKeypress = (_sequence: unknown, key: Key | undefined) => {
    if (key?.name === 'escape' && !key.ctrl) controller.abort(new Error('Esc pressed'));
  };
  // Real streams need readline's keypress decoder; test streams emit 'keypress' themselves.
  if ('isTTY' in input && (input as { isTTY?: boolean }).isTTY) emitKeypressEvents(input);
  input.on('keypress', onKeypress);
  try {
    return await ask({ ...(streams.input ? { input: streams.input } : {}), ...(streams.output ? { output: streams.output } : {}), signal: controller.signal });
  } finally {
    input.removeListener('keypress', onKeypress);
    streams.signal?.removeEventListener('abort', onRunAbort);
  }
}

/** The real prompts, bound to the given streams and signal. */
export function createPrompts(streams: PromptStreams = {}): Prompts {
  // The generic inquirer signatures infer `const` value types from literal configs; these
  // wrappers pass configs through unchanged, so the casts only bridge the two type spellings.
  type Any = any;
  return {
    select: (config) => withCancel(streams, (context) => inquirer.select(config as Any, context) as Promise<Any>),
    search: (config) => withCancel(streams, (context) => inquirer.search(config as Any, context) as Promise<Any>),
    checkbox: (config) => withCancel(streams, (context) => inquirer.checkbox(config as Any, context) as Promise<Any>),
    confirm: (config) => withCancel(streams, (context) => inquirer.confirm(config, context)),
    input: (config) => withCancel(streams, (context) => inquirer.input(config, context)),
    editor: (config) => withCancel(streams, (context) => inquirer.editor(config, context)),
  };
}
