/**
 * The prompts the wizard asks, behind one thin seam: tests drive them with @inquirer/testing or
 * replace them outright, and every prompt gets the same treatment — it writes to the given
 * output, is cancelled by the run's abort signal (Ctrl-C: inquirer's ExitPromptError), and Esc
 * (which inquirer itself ignores) rejects with PromptBack: the wizard goes back one step; where
 * there is none, the entry module maps it to exit 130 as it does Ctrl-C.
 */
import { emitKeypressEvents } from 'node:readline';
import * as inquirer from '@inquirer/prompts';
import { Separator } from '@inquirer/prompts';
import { terminalSafe } from './output.js';
import { PromptBack } from './prompt-cancel.js';
import { searchPrompt } from './search-prompt.js';
import { textWidth } from './table.js';
import { wrapToWidth } from './wrap.js';

export { Separator };
export { isPromptBack, isPromptCancel, PromptBack } from './prompt-cancel.js';

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
  select<V>(config: {
    message: string;
    choices: Choices<V>;
    default?: V;
    pageSize?: number;
    loop?: boolean;
  }): Promise<V>;
  /** Search as you type: `source` is called for every change of the term, the previous call aborted. */
  search<V>(config: {
    message: string;
    source: (term: string | undefined, options: { signal: AbortSignal }) => Promise<Choices<V>>;
    pageSize?: number;
    /** The search already typed when the prompt opens. */
    term?: string;
  }): Promise<V>;
  checkbox<V>(config: {
    message: string;
    choices: ReadonlyArray<(Choice<V> & { checked?: boolean }) | Separator>;
    required?: boolean;
    pageSize?: number;
  }): Promise<V[]>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  input(config: {
    message: string;
    default?: string;
    /** 'editable': the default is typed in already, to edit (a step gone back to shows what was typed). */
    prefill?: 'tab' | 'editable';
    validate?: (value: string) => boolean | string | Promise<boolean | string>;
  }): Promise<string>;
  /** Opens $VISUAL / $EDITOR on a temporary file. */
  editor(config: {
    message: string;
    default?: string;
    postfix?: string;
    validate?: (value: string) => boolean | string | Promise<boolean | string>;
  }): Promise<string>;
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
 * Run one prompt with its own AbortController: aborted by the run's signal or by Esc, which then
 * rejects with PromptBack. readline reports a lone Esc byte as the key "escape" after its
 * escape-code timeout (500 ms); arrow keys and Alt-combinations arrive as other keys.
 */
async function withCancel<T>(streams: PromptStreams, ask: (context: InquirerContext) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(streams.signal?.reason);
  if (streams.signal?.aborted) controller.abort(streams.signal.reason);
  else streams.signal?.addEventListener('abort', onRunAbort, { once: true });

  const input = streams.input ?? process.stdin;
  let escaped = false;
  const onKeypress = (_sequence: unknown, key: Key | undefined) => {
    if (key?.name !== 'escape' || key.ctrl || controller.signal.aborted) return;
    escaped = true;
    controller.abort(new PromptBack());
  };
  // Real streams need readline's keypress decoder; test streams emit 'keypress' themselves.
  if ('isTTY' in input && (input as { isTTY?: boolean }).isTTY) emitKeypressEvents(input);
  input.on('keypress', onKeypress);
  try {
    return await ask({
      ...(streams.input ? { input: streams.input } : {}),
      ...(streams.output ? { output: streams.output } : {}),
      signal: controller.signal,
    });
  } catch (error) {
    // inquirer reports any abort as AbortPromptError; Esc's is a step back (Ctrl-C's stays an exit).
    throw escaped && (error as Error | undefined)?.name === 'AbortPromptError' ? new PromptBack() : error;
  } finally {
    input.removeListener('keypress', onKeypress);
    streams.signal?.removeEventListener('abort', onRunAbort);
  }
}

/**
 * Every text a prompt shows can hold directory data (a displayName, a DN, a server name): it goes
 * through the same terminalSafe as `show` and `users`, here at the one seam all prompts pass, so
 * no step can forget it. Colour (SGR) that chalk added passes; cursor moves, OSC sequences (window
 * titles, clipboard writes, hyperlinks), C1 controls and bidi overrides are shown as \xNN.
 */
const safe = (text: string) => terminalSafe(text, true);
const safeOptional = (text: string | undefined) => (text === undefined ? undefined : safe(text));

function safeChoices<V, C extends Choice<V>>(
  choices: ReadonlyArray<C | Separator>,
  width?: number,
): Array<C | Separator> {
  return choices.map((choice) => {
    if (choice instanceof Separator || Separator.isSeparator(choice))
      // Sentences, not table cells: broken at words (inquirer's own wrapping cuts words); it draws a space before.
      return new Separator(
        wrapToWidth(safe((choice as Separator).separator), width === undefined ? undefined : width - 1),
      );
    const c = choice as C;
    // A disabled reason can name directory data too; `true` is inquirer's own "(disabled)".
    const disabled = typeof c.disabled === 'string' ? safe(c.disabled) : c.disabled;
    // inquirer draws "❯ name (reason)": the name gives way so that the line fits the terminal.
    const reason =
      disabled === true ? '(disabled)'.length + 1 : typeof disabled === 'string' ? textWidth(disabled) + 1 : 0;
    const name =
      c.name === undefined ? undefined : fitLine(safe(c.name), width === undefined ? undefined : width - 2 - reason);
    const description = c.description === undefined ? undefined : wrapToWidth(safe(c.description), width);
    return { ...c, name, description, short: safeOptional(c.short), disabled };
  });
}

/**
 * `text` cut to `width` columns at a space, with "…", so that a terminal does not wrap it
 * mid-word; colour codes are kept (and reset after the cut). Undefined width: as it is.
 */
export function fitLine(text: string, width: number | undefined): string {
  if (width === undefined || textWidth(text) <= width) return text;
  const limit = Math.max(width - 1, 1);
  let visible = 0;
  let cut = -1;
  let lastSpace = -1;
  for (let i = 0; i < text.length && cut === -1;) {
    const ansi = /^\x1b\[[0-9;]*m/.exec(text.slice(i));
    if (ansi) {
      i += ansi[0].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    if (visible === limit) {
      // A space right at the limit: the word before it ends exactly there.
      if (ch === ' ') lastSpace = i;
      cut = i;
    } else {
      if (ch === ' ') lastSpace = i;
      visible++;
      i += ch.length;
    }
  }
  if (cut === -1) return text;
  // At the last space when it keeps most of the line; a long word is cut where it must be.
  const at = lastSpace > 0 && textWidth(text.slice(0, lastSpace)) >= limit / 2 ? lastSpace : cut;
  return `${text.slice(0, at).trimEnd()}…${/\x1b\[/.test(text) ? '\x1b[0m' : ''}`;
}

/** The first choice that can be taken: where the cursor starts (inquirer starts on the first, even a disabled one). */
function firstEnabled<V>(choices: Choices<V>): { value: V } | undefined {
  return choices.find(
    (c): c is Choice<V> => !(c instanceof Separator || Separator.isSeparator(c)) && !(c as Choice<V>).disabled,
  );
}

function safeValidate(validate: ((value: string) => boolean | string | Promise<boolean | string>) | undefined) {
  if (!validate) return undefined;
  return async (value: string) => {
    const verdict = await validate(value);
    return typeof verdict === 'string' ? safe(verdict) : verdict;
  };
}

/** The real prompts, bound to the given streams and signal. */
export function createPrompts(streams: PromptStreams = {}): Prompts {
  // The generic inquirer signatures infer `const` value types from literal configs; these
  // wrappers pass configs through unchanged, so the casts only bridge the two type spellings.
  type Any = any;
  // The terminal's width, less what inquirer draws before a choice (and `extra`); undefined off a terminal.
  const width = (extra = 0): number | undefined => {
    const output = streams.output as { isTTY?: boolean; columns?: number } | undefined;
    return output?.isTTY && typeof output.columns === 'number' && output.columns > 0
      ? output.columns - 1 - extra
      : undefined;
  };
  // A question is drawn after "? " (or "✔ "), broken at words as a sentence is.
  const message = (text: string) => wrapToWidth(safe(text), width(2));
  return {
    select: (config) =>
      withCancel(streams, (context) => {
        // The cursor starts on the default if it can be taken, else on the first choice that can.
        const usable = config.choices.some(
          (c) =>
            !(c instanceof Separator || Separator.isSeparator(c)) &&
            !(c as Choice<unknown>).disabled &&
            'default' in config &&
            (c as Choice<unknown>).value === config.default,
        );
        const start = usable ? config.default : firstEnabled(config.choices)?.value;
        return inquirer.select(
          {
            ...config,
            ...(start !== undefined ? { default: start } : {}),
            message: message(config.message),
            choices: safeChoices(config.choices, width()),
          } as Any,
          context,
        ) as Promise<Any>;
      }),
    search: (config) =>
      withCancel(
        streams,
        (context) =>
          searchPrompt(
            {
              ...config,
              message: message(config.message),
              source: async (term: string | undefined, options: { signal: AbortSignal }) =>
                safeChoices(await config.source(term, options), width()),
            } as Any,
            context,
          ) as Promise<Any>,
      ),
    // Checkbox lines start "❯◯ ": one more column than a select's.
    checkbox: (config) =>
      withCancel(
        streams,
        (context) =>
          inquirer.checkbox(
            { ...config, message: message(config.message), choices: safeChoices(config.choices, width(2)) } as Any,
            context,
          ) as Promise<Any>,
      ),
    confirm: (config) =>
      withCancel(streams, (context) => inquirer.confirm({ ...config, message: message(config.message) }, context)),
    input: (config) =>
      withCancel(streams, (context) =>
        inquirer.input(
          {
            ...config,
            message: message(config.message),
            default: safeOptional(config.default),
            validate: safeValidate(config.validate),
          } as Any,
          context,
        ),
      ),
    editor: (config) =>
      withCancel(streams, (context) =>
        inquirer.editor(
          { ...config, message: message(config.message), validate: safeValidate(config.validate) } as Any,
          context,
        ),
      ),
  };
}
