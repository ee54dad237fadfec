/** Reading a journal back for `undo`: strict, with the line of anything it cannot trust. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { IM_ATTRIBUTES, type ImState } from '../core/im-model.js';
import type { JournalChange, JournalHeader } from './journal.js';

export interface JournalContents {
  header: JournalHeader;
  changes: (JournalChange & { line: number })[];
}

function isImState(value: unknown): value is ImState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, v]) => (IM_ATTRIBUTES as readonly string[]).includes(key) && typeof v === 'string');
}

export async function readJournal(path: string): Promise<JournalContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the journal ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`, 'journal');
  }
  const lines = text.split('\n');
  let header: JournalHeader | undefined;
  const changes: JournalContents['changes'] = [];
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new UsageError(`${path} line ${line} is not JSON: this is not an imctl journal, or it was damaged.`, 'journal');
    }
    const record = value as { type?: unknown; version?: unknown; dn?: unknown; guid?: unknown; before?: unknown; after?: unknown };
    if (line === 1 || !header) {
      if (record.type !== 'run' || record.version !== 1) throw new UsageError(`${path} does not start with an imctl journal header.`, 'journal');
      header = record as JournalHeader;
      return;
    }
    if ((record.type !== 'change' && record.type !== 'unconfirmed') || typeof record.dn !== 'string' || typeof record.guid !== 'string' || !isImState(record.before) || !isImState(record.after)) {
      throw new UsageError(`${path} line ${line} is not a valid journal change record.`, 'journal');
    }
    changes.push({ ...(record as unknown as JournalChange), line });
  });
  if (!header) throw new UsageError(`${path} is empty: nothing to undo.`, 'journal');
  return { header, changes };
}
