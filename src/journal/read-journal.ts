/**
 * Reading a journal back for `undo`: streamed and bounded (a journal is a file, and `undo
 * /dev/zero` must end), strict about every line but the last, with the line of anything it cannot
 * trust. A last line cut off by a crash or kill -9 is the one imctl may have been writing: it is
 * left out with a warning and the complete changes are undone.
 */
import { createReadStream } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { IM_ATTRIBUTES, type ImState } from '../core/im-model.js';
import type { JournalChange, JournalEnd, JournalHeader } from './journal.js';
import { plural } from '../core/words.js';

export interface JournalContents {
  header: JournalHeader;
  changes: (JournalChange & { line: number })[];
  /** How the run ended; undefined when it was cut off before closing its journal (or by imctl before 0.2). */
  end?: JournalEnd | undefined;
  /** What the admin should know about the file (a torn last line). */
  warnings: string[];
}

/** A journal line is a few hundred bytes; a longer one is not a journal's. */
export const MAX_JOURNAL_LINE_BYTES = 64 * 1024;
/** 1,000,000 changes of ~600 bytes: far beyond any run; anything larger is the wrong file. */
export const MAX_JOURNAL_BYTES = 1024 * 1024 * 1024;

function isImState(value: unknown): value is ImState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(
    ([key, v]) => (IM_ATTRIBUTES as readonly string[]).includes(key) && typeof v === 'string',
  );
}

function isHeader(record: Record<string, unknown>): boolean {
  return (
    record.type === 'run' &&
    record.version === 1 &&
    typeof record.server === 'string' &&
    (record.domain === undefined || typeof record.domain === 'string')
  );
}

const OUTCOMES: readonly string[] = ['done', 'partial', 'stopped', 'interrupted'];
const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function isEnd(record: Record<string, unknown>): boolean {
  return (
    record.type === 'end' &&
    typeof record.endedAt === 'string' &&
    OUTCOMES.includes(record.outcome as string) &&
    isCount(record.changed) &&
    isCount(record.unchanged) &&
    isCount(record.failed)
  );
}

function isChange(record: Record<string, unknown>): boolean {
  return (
    (record.type === 'change' || record.type === 'unconfirmed') &&
    typeof record.dn === 'string' &&
    typeof record.guid === 'string' &&
    isImState(record.before) &&
    isImState(record.after)
  );
}

/** The lines of `path`, each with its number and whether a newline ended it; bounded in line length and in total. */
async function* journalLines(
  path: string,
  limits: { line: number; total: number },
  fd?: number,
): AsyncGenerator<{ text: string; line: number; ended: boolean }> {
  let pending = Buffer.alloc(0);
  let line = 0;
  let total = 0;
  const tooLong = () =>
    new UsageError(
      `${path} line ${line + 1} is longer than ${limits.line} bytes: this is not an imctl journal.`,
      'journal',
    );
  try {
    for await (const chunk of createReadStream(path, { fd, highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limits.total)
        throw new UsageError(`${path} is larger than ${limits.total} bytes: this is not an imctl journal.`, 'journal');
      let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let newline: number;
      while ((newline = data.indexOf(0x0a)) >= 0) {
        if (newline > limits.line) throw tooLong();
        yield { text: data.subarray(0, newline).toString('utf8'), line: ++line, ended: true };
        data = data.subarray(newline + 1);
      }
      if (data.length > limits.line) throw tooLong();
      pending = Buffer.from(data);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `Cannot read the journal ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      'journal',
    );
  }
  if (pending.length > 0) yield { text: pending.toString('utf8'), line: ++line, ended: false };
}

/** The journal at `path`, or read from `fd` (opened and checked by openJournal; closed here) — `path` then names it in messages. */
export async function readJournal(
  path: string,
  limits = { line: MAX_JOURNAL_LINE_BYTES, total: MAX_JOURNAL_BYTES },
  fd?: number,
): Promise<JournalContents> {
  let header: JournalHeader | undefined;
  const changes: JournalContents['changes'] = [];
  const warnings: string[] = [];
  let end: JournalEnd | undefined;
  for await (const { text, line, ended } of journalLines(path, limits, fd)) {
    if (text.trim() === '') continue;
    let record: Record<string, unknown> | undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        record = value as Record<string, unknown>;
    } catch {
      // A last line with no newline that does not parse is the write a crash interrupted.
      if (!ended && header) {
        warnings.push(
          `${path} line ${line} is incomplete (the run that wrote it was cut off): that change is left out; ${changes.length === 1 ? 'the one complete change before it is' : `the ${plural(changes.length, 'complete change')} before it are`} undone. Check that entry with "imctl show".`,
        );
        break;
      }
      throw new UsageError(
        `${path} line ${line} is not JSON: this is not an imctl journal, or it was damaged.`,
        'journal',
      );
    }
    if (!header) {
      if (!record || !isHeader(record))
        throw new UsageError(`${path} does not start with an imctl journal header.`, 'journal');
      header = record as unknown as JournalHeader;
      continue;
    }
    if (end)
      throw new UsageError(`${path} line ${line} follows the end of the run: this journal was altered.`, 'journal');
    if (record && isEnd(record)) {
      end = record as unknown as JournalEnd;
      continue;
    }
    if (!record || !isChange(record))
      throw new UsageError(`${path} line ${line} is not a valid journal change record.`, 'journal');
    changes.push({ ...(record as unknown as JournalChange), line });
  }
  if (!header) throw new UsageError(`${path} is empty: nothing to undo.`, 'journal');
  return { header, changes, warnings, end };
}
