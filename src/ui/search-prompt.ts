/**
 * Search as you type, as @inquirer/search does, with one difference an admin notices at once:
 * the text typed is the search, whatever keys came between. @inquirer/search empties readline's
 * line on every arrow key while still showing the old term, so "smi", ↓, "t" searched for "t".
 * Here the term lives in the prompt's state and readline's line is only ever put back to it; the
 * prompt can also start with a term (the wizard's way back to a search shows what was typed).
 */
import {
  createPrompt,
  isDownKey,
  isEnterKey,
  isTabKey,
  isUpKey,
  makeTheme,
  Separator,
  useEffect,
  useKeypress,
  useMemo,
  usePagination,
  usePrefix,
  useState,
  type Status,
} from '@inquirer/core';
import { styleText } from 'node:util';

export interface SearchChoice<V> {
  value: V;
  name?: string;
  description?: string;
  short?: string;
  disabled?: boolean | string;
}

export interface SearchPromptConfig<V> {
  message: string;
  source: (
    term: string | undefined,
    options: { signal: AbortSignal },
  ) => Promise<ReadonlyArray<SearchChoice<V> | Separator>>;
  pageSize?: number;
  /** The search already typed when the prompt opens. */
  term?: string;
}

interface Item<V> {
  value: V;
  name: string;
  description?: string | undefined;
  short: string;
  disabled: boolean | string;
}

const isSelectable = <V>(item: Item<V> | Separator): item is Item<V> => !Separator.isSeparator(item) && !item.disabled;

const theme = makeTheme({});

export const searchPrompt = createPrompt(
  <V>(config: SearchPromptConfig<V>, done: (value: V) => void): string | [string, string] => {
    const [status, setStatus] = useState<Status>('loading');
    const [term, setTerm] = useState(config.term ?? '');
    const [items, setItems] = useState<ReadonlyArray<Item<V> | Separator>>([]);
    const [failure, setFailure] = useState<string>();
    const prefix = usePrefix({ status, theme });
    const bounds = useMemo(() => {
      const first = items.findIndex(isSelectable);
      let last = items.length - 1;
      while (last > first && !isSelectable(items[last]!)) last--;
      return { first, last };
    }, [items]);
    const [active = bounds.first, setActive] = useState<number>();

    useEffect((rl) => {
      if (config.term) rl.write(config.term);
    }, []);

    useEffect(() => {
      const controller = new AbortController();
      setStatus('loading');
      setFailure(undefined);
      void (async () => {
        try {
          const results = await config.source(term || undefined, { signal: controller.signal });
          if (controller.signal.aborted) return;
          setActive(undefined);
          setItems(
            results.map((choice) =>
              Separator.isSeparator(choice)
                ? choice
                : {
                    value: choice.value,
                    name: choice.name ?? String(choice.value),
                    description: choice.description,
                    short: choice.short ?? choice.name ?? String(choice.value),
                    disabled: choice.disabled ?? false,
                  },
            ),
          );
          setStatus('idle');
        } catch (error) {
          if (!controller.signal.aborted) setFailure(error instanceof Error ? error.message : String(error));
        }
      })();
      return () => controller.abort();
    }, [term]);

    const selected = active >= 0 ? (items[active] as Item<V> | undefined) : undefined;

    useKeypress((key, rl) => {
      // readline has already applied the key to its line: Enter emptied it, Tab added a tab, and an
      // arrow may have recalled an earlier line from its history. Each of those puts the term back.
      const restoreLine = () => {
        rl.clearLine(0);
        rl.write(term);
      };
      if (isEnterKey(key)) {
        if (selected && status === 'idle') {
          setStatus('done');
          done(selected.value);
        } else restoreLine();
      } else if (isTabKey(key)) {
        restoreLine();
      } else if (isUpKey(key) || isDownKey(key)) {
        if (rl.line !== term) restoreLine();
        if (status !== 'idle' || !selected) return;
        if ((isUpKey(key) && active === bounds.first) || (isDownKey(key) && active === bounds.last)) return;
        const step = isUpKey(key) ? -1 : 1;
        let next = active;
        do next += step;
        while (!isSelectable(items[next]!));
        setActive(next);
      } else if (rl.line !== term) {
        setTerm(rl.line);
      }
    });

    if (status === 'done' && selected)
      return `${prefix} ${theme.style.message(config.message, status)} ${theme.style.answer(selected.short)}`;

    const page = usePagination({
      items,
      active: Math.max(active, 0),
      renderItem({ item, isActive }) {
        if (Separator.isSeparator(item)) return ` ${item.separator}`;
        if (item.disabled)
          return styleText('dim', `- ${item.name} ${typeof item.disabled === 'string' ? item.disabled : '(disabled)'}`);
        return isActive ? theme.style.highlight(`❯ ${item.name}`) : `  ${item.name}`;
      },
      pageSize: config.pageSize ?? 7,
      loop: false,
    });
    const header = [prefix, theme.style.message(config.message, status), styleText('cyan', term)]
      .filter(Boolean)
      .join(' ')
      .trimEnd();
    const body = [
      failure ? theme.style.error(failure) : page,
      ' ',
      selected?.description ? styleText('cyan', selected.description) : '',
      `${styleText('bold', '↑↓')} ${styleText('dim', 'navigate')}${styleText('dim', ' • ')}${styleText('bold', '⏎')} ${styleText('dim', 'select')}`,
    ]
      .filter(Boolean)
      .join('\n')
      .trimEnd();
    return [header, body];
  },
);
