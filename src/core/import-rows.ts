/**
 * Validation of `imctl import` rows: pure functions, no I/O.
 *
 * The CSV reader (src/io/csv-source.ts) turns the file into records of string
 * fields with the physical line each record starts on; this module decides what
 * the header means and whether each record is a valid ImportRow. Every problem is
 * reported as a RowProblem naming the line, so the whole file can be checked and
 * all problems listed in one go before anything is written.
 *
 * Rules (see docs/spec "CSV import"):
 * - Header: the first non-blank record. Column names are trimmed and
 *   case-insensitive: `user` (required), `action`, `server`, `im_domain`.
 *   An unknown or repeated column, or no `user` column, is a header problem, and
 *   rows are then not checked (their meaning is unknown). A header cell that is
 *   empty (Excel often writes trailing empty columns) names no column: it is
 *   ignored as long as every row leaves it empty too.
 * - Every row must have exactly as many fields as the header.
 * - No field may hold control characters (including line breaks, NUL, TAB),
 *   invisible formatting characters, U+FFFD (what invalid UTF-8 decodes to), or
 *   more than 1,024 characters. Values are trimmed of surrounding white space.
 * - `user`: not empty; the same user twice (trimmed, case-insensitive, Unicode
 *   NFC) is an error naming the first line.
 * - `action`: enable | disable | move, case-insensitive; empty means enable.
 * - `server`: required for move, optional for enable, and an error for disable
 *   (a server on a disable row means the admin expected something we will not do).
 * - `im_domain`: optional for enable, an error for disable and move (it has no
 *   meaning there); it must be a DNS name and is lower-cased.
 */
import { checkImDomain } from './im-model.js';

export type ImportAction = 'enable' | 'disable' | 'move';

export const IMPORT_ACTIONS: readonly ImportAction[] = ['enable', 'disable', 'move'];

/** The names the header may use (compared trimmed and case-insensitively). */
export const IMPORT_COLUMNS = ['user', 'action', 'server', 'im_domain'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Longest value accepted in any field, in characters (code points). */
export const MAX_FIELD_CHARS = 1024;

export interface ImportRow {
  /** Physical line of the file where the record starts (header = line 1). */
  line: number;
  user: string;
  action: ImportAction;
  /** Trimmed; present only when given. */
  server?: string;
  /** Lower-cased DNS name; present only when given. */
  imDomain?: string;
}

export interface RowProblem {
  /** Physical line of the file where the offending record starts. */
  line: number;
  /** The row's user, when it could be read. */
  user?: string;
  /** What is wrong, in words an admin can act on (several reasons joined by "; "). */
  reason: string;
  /** The earlier line naming the same user (spelt the same way): the report gives this row that line's dn. */
  sameAs?: number;
  /**
   * Set when checking stopped here: a header problem, or a CSV structure error
   * (unclosed quote, runaway record) after which the rest of the file cannot be
   * read reliably. Lines after it were not checked.
   */
  fatal?: true;
}

/** Where each known column sits in a record (0-based indexes). */
export interface ColumnMap {
  /** Number of fields in the header; every row must have exactly this many. */
  readonly width: number;
  readonly user: number;
  readonly action?: number;
  readonly server?: number;
  readonly imDomain?: number;
  /** Header cells that are empty: they name no column and must stay empty in every row. */
  readonly unnamed: readonly number[];
  /** A display name per field index, used in messages ("server", "column 5"). */
  readonly names: readonly string[];
  /** Columns imctl does not know (an HR export's extra columns): read past, never checked. */
  readonly ignored?: readonly { index: number; name: string; hint?: string }[];
}

export function isRowProblem(value: ImportRow | RowProblem): value is RowProblem {
  return 'reason' in value;
}

// ---------------------------------------------------------------------------
// Characters

/**
 * Characters never valid in any import field: C0/C1 controls and DEL (this
 * includes TAB, CR, LF and NUL), the Unicode line/paragraph separators, and
 * invisible formatting characters that would make two names look identical
 * (zero-width space, word joiner, BOM, bidirectional overrides/isolates).
 * ZWJ/ZWNJ are allowed: some scripts need them.
 */
const FORBIDDEN_CHAR = /[\p{Cc}\u200B\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;

function codePoint(ch: string): string {
  return 'U+' + (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Describe what makes a raw field unusable, or undefined when it is fine.
 * `name` is the column's display name.
 */
export function fieldIssue(name: string, value: string): string | undefined {
  if (value.length > MAX_FIELD_CHARS) {
    const chars = [...value].length; // code points; only counted when it may matter
    if (chars > MAX_FIELD_CHARS) {
      return `${name} is ${chars} characters long (the limit is ${MAX_FIELD_CHARS})`;
    }
  }
  if (value.includes('\uFFFD')) {
    return `${name} is not valid UTF-8 (save the file as UTF-8, e.g. Excel's "CSV UTF-8")`;
  }
  const m = FORBIDDEN_CHAR.exec(value);
  if (m) {
    const ch = m[0];
    if (ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029') {
      return `${name} contains a line break`;
    }
    if (ch === '\0') return `${name} contains a NUL character (is this a UTF-16 or binary file?)`;
    if (ch === '\t') return `${name} contains a tab character`;
    if (/\p{Cc}/u.test(ch)) return `${name} contains control character ${codePoint(ch)}`;
    return `${name} contains invisible character ${codePoint(ch)}`;
  }
  return undefined;
}

/** Quote a value for a message when it would otherwise be ambiguous. */
function show(value: string, max = 60): string {
  const cut = value.length > max ? value.slice(0, max) + '…' : value;
  return JSON.stringify(cut);
}

/** A user name as it appears in messages: bare when simple, JSON-quoted otherwise. */
function showUser(user: string): string {
  return /^[^\s,"']+$/u.test(user) && user.length <= 80 ? user : show(user, 80);
}

/** The key under which duplicate users are detected. */
export function userKey(user: string): string {
  return user.trim().normalize('NFC').toLowerCase();
}

// ---------------------------------------------------------------------------
// Header

const COLUMN_HELP = `the columns are ${IMPORT_COLUMNS.join(', ')}`;

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

function suggestColumn(name: string): ImportColumn | undefined {
  const squashed = name.replace(/[\s_.-]/g, '');
  for (const col of IMPORT_COLUMNS) {
    if (col.replace(/_/g, '') === squashed) return col;
  }
  let best: ImportColumn | undefined;
  let bestDistance = 3;
  for (const col of IMPORT_COLUMNS) {
    const d = editDistance(name, col);
    if (d < bestDistance) {
      best = col;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Interpret the header record. `line` is the physical line it is on (1 unless
 * blank lines precede it). A returned problem is always fatal: the rows cannot be
 * interpreted without a valid header.
 */
export function parseHeader(
  fields: string[],
  line = 1,
  options: { strict?: boolean; delimiter?: string } = {},
): { columns: ColumnMap } | { problem: RowProblem } {
  const fail = (reason: string): { problem: RowProblem } => ({
    problem: { line, reason: `header: ${reason}; no rows were checked`, fatal: true },
  });

  const first = fields[0] ?? '';
  if (fields.length === 1) {
    for (const [sep, label] of [
      [';', '";"'],
      ['\t', 'tabs'],
    ] as const) {
      if (first.includes(sep) && sep !== options.delimiter) {
        return fail(
          `the header is a single column ${show(first)}; the file looks separated by ${label}: ` +
            `add --delimiter ${sep === ';' ? "';'" : 'tab'} (or save it as "CSV UTF-8 (Comma delimited)")`,
        );
      }
    }
  }

  const issues: string[] = [];
  const unknown: { index: number; name: string; hint?: string }[] = [];
  const positions = new Map<ImportColumn, number[]>();
  const unnamed: number[] = [];
  const names: string[] = [];

  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    names.push(`column ${i + 1}`);
    if (name === '') {
      unnamed.push(i);
      return;
    }
    const issue = fieldIssue(`the name of column ${i + 1}`, raw.trim());
    if (issue) {
      issues.push(
        raw.includes('\r')
          ? `${issue} (the file seems to use a bare carriage return as the line end; save it with LF or CRLF line ends)`
          : issue,
      );
      return;
    }
    if ((IMPORT_COLUMNS as readonly string[]).includes(name)) {
      const col = name as ImportColumn;
      names[i] = col;
      positions.set(col, [...(positions.get(col) ?? []), i]);
    } else {
      const hint = suggestColumn(name);
      unknown.push({ index: i, name: raw.trim(), ...(hint ? { hint } : {}) });
    }
  });

  if (positions.size === 0 && issues.length === 0) {
    const sample = fields.join(',');
    return fail(`the first line must name the columns, such as user,action,server,im_domain (found ${show(sample)})`);
  }

  for (const [col, at] of positions) {
    if (at.length > 1) {
      issues.push(`column "${col}" appears ${at.length} times (columns ${at.map((i) => i + 1).join(' and ')})`);
    }
  }
  // Extra columns are read past (the import says which); --strict refuses them.
  if (options.strict) {
    for (const { name } of unknown) {
      const hint = suggestColumn(name.toLowerCase());
      issues.push(`unknown column ${show(name)}${hint ? ` (did you mean "${hint}"?)` : ''} (--strict)`);
    }
  }
  if (!positions.has('user')) {
    const meant = unknown.find((u) => u.hint === 'user');
    issues.push(`there is no user column${meant ? ` (is ${show(meant.name)} meant to be "user"?)` : ''}`);
  }
  if (issues.length > 0) {
    return fail(`${issues.join('; ')}; ${COLUMN_HELP}`);
  }

  const at = (col: ImportColumn): number | undefined => positions.get(col)?.[0];
  const user = at('user');
  if (user === undefined) return fail('there is no user column'); // unreachable, keeps types honest
  const columns: ColumnMap = {
    width: fields.length,
    user,
    unnamed,
    names,
    ...(unknown.length > 0 && !options.strict ? { ignored: unknown } : {}),
    ...(at('action') !== undefined ? { action: at('action') } : {}),
    ...(at('server') !== undefined ? { server: at('server') } : {}),
    ...(at('im_domain') !== undefined ? { imDomain: at('im_domain') } : {}),
  };
  return { columns };
}

// ---------------------------------------------------------------------------
// Rows

/** True when every field is empty or white space: such a record counts as a blank line. */
export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/**
 * Validate one data record. `line` is the physical line it starts on.
 * `seenUsers` maps userKey(user) to the first line it appeared on; a valid user
 * name is recorded there even when the row has other problems (two rows for one
 * user are ambiguous whichever is right).
 */
export function validateRecord(
  fields: string[],
  line: number,
  columns: ColumnMap,
  seenUsers: Map<string, number>,
): ImportRow | RowProblem {
  if (fields.length !== columns.width) {
    const n = fields.length;
    const hint =
      n > columns.width
        ? ' (a value containing a comma must be in double quotes, e.g. "Doe, John")'
        : ' (every row needs a field, possibly empty, for each column)';
    return {
      line,
      reason: `has ${n} field${n === 1 ? '' : 's'} but the header has ${columns.width}${hint}`,
    };
  }

  const reasons: string[] = [];
  const ignored = new Set(columns.ignored?.map((c) => c.index));
  const clean: (string | undefined)[] = fields.map((raw, i) => {
    if (ignored.has(i)) return '';
    const issue = fieldIssue(columns.names[i] ?? `column ${i + 1}`, raw);
    if (issue) {
      reasons.push(issue);
      return undefined;
    }
    return raw.trim();
  });

  for (const i of columns.unnamed) {
    if ((clean[i] ?? '') !== '') {
      reasons.push(`column ${i + 1} has a value but no name in the header`);
    }
  }

  const value = (index: number | undefined): string | undefined => (index === undefined ? '' : clean[index]);

  let user: string | undefined;
  let sameAs: number | undefined;
  const rawUser = value(columns.user);
  if (rawUser === '') {
    reasons.push('user is empty');
  } else if (rawUser !== undefined) {
    user = rawUser;
    const key = userKey(user);
    const first = seenUsers.get(key);
    if (first !== undefined) {
      // Worded as a duplicate found once names are resolved (provisioning.ts) is: one wording for one problem.
      reasons.push(`names the same user as line ${first} (${showUser(user)})`);
      sameAs = first;
    } else {
      seenUsers.set(key, line);
    }
  }

  let action: ImportAction | undefined;
  const rawAction = value(columns.action);
  if (rawAction !== undefined) {
    const a = rawAction.toLowerCase();
    if (a === '') action = 'enable';
    else if ((IMPORT_ACTIONS as readonly string[]).includes(a)) action = a as ImportAction;
    else reasons.push(`action ${show(rawAction)} is not one of ${IMPORT_ACTIONS.join(', ')}`);
  }

  const server = value(columns.server);
  if (server !== undefined && action !== undefined) {
    if (action === 'move' && server === '') {
      reasons.push('move needs a server (the home server to move the user to)');
    } else if (action === 'disable' && server !== '') {
      reasons.push('server has no meaning for disable; leave it empty');
    }
  }

  let imDomain: string | undefined;
  const rawDomain = value(columns.imDomain);
  if (rawDomain !== undefined && rawDomain !== '') {
    if (action === 'disable' || action === 'move') {
      reasons.push(`im_domain has no meaning for ${action}; leave it empty`);
    } else {
      const checked = checkImDomain(rawDomain);
      if ('reason' in checked) {
        reasons.push(`im_domain ${show(rawDomain)} is not a valid DNS domain name: ${checked.reason}`);
      } else {
        imDomain = checked.name;
      }
    }
  }

  if (reasons.length > 0 || user === undefined || action === undefined) {
    return {
      line,
      ...(user !== undefined ? { user } : {}),
      reason: reasons.join('; '),
      ...(sameAs !== undefined ? { sameAs } : {}),
    };
  }
  return {
    line,
    user,
    action,
    ...(server ? { server } : {}),
    ...(imDomain ? { imDomain } : {}),
  };
}

// ---------------------------------------------------------------------------
// Listing problems

/** "line 7: action "enabel" is not one of enable, disable, move" */
export function formatProblem(problem: RowProblem): string {
  return `line ${problem.line}: ${problem.reason}`;
}

/**
 * Collects problems, counting all of them but keeping only the first `cap` for
 * display, so a file that is wrong on every one of 100,000 lines neither floods
 * the terminal nor holds every message in memory.
 */
export class ProblemList {
  private readonly kept: RowProblem[] = [];
  private total = 0;
  private stopped = false;

  constructor(readonly cap = 50) {}

  add(problem: RowProblem): void {
    this.total++;
    if (problem.fatal) this.stopped = true;
    // Kept in line order, the first `cap` lines: the directory's verdicts come after the syntax
    // pass's but belong among them. A fatal problem is always kept: it explains why the rest was
    // not checked.
    const at = this.kept.findIndex((p) => p.line > problem.line);
    this.kept.splice(at < 0 ? this.kept.length : at, 0, problem);
    if (this.kept.filter((p) => !p.fatal).length <= this.cap) return;
    for (let i = this.kept.length - 1; i >= 0; i--)
      if (!this.kept[i]!.fatal) {
        this.kept.splice(i, 1);
        return;
      }
  }

  /** Every problem seen, including those not kept. */
  get count(): number {
    return this.total;
  }

  /** True when checking stopped early (see RowProblem.fatal). */
  get incomplete(): boolean {
    return this.stopped;
  }

  get shown(): readonly RowProblem[] {
    return this.kept;
  }

  /** Display lines: the kept problems, then "… and N more problems" when capped. */
  format(): string[] {
    const out = this.kept.map(formatProblem);
    const more = this.total - this.kept.length;
    if (more > 0) out.push(`… and ${more} more problem${more === 1 ? '' : 's'}`);
    return out;
  }
}
