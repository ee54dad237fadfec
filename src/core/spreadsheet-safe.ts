/**
 * CSV ("formula") injection defence for reports that admins open in Excel,
 * LibreOffice or Google Sheets.
 *
 * A spreadsheet treats a cell whose text starts with `=`, `+`, `-` or `@` as a
 * formula (and TAB, CR, LF or NUL at the start are used to smuggle one past naive
 * filters). Report cells hold values from the directory and from the import file
 * — user names, DNs, error text — which an attacker may control (anyone who can
 * set their own display name or get a row into someone's CSV).
 *
 * Following the OWASP "CSV Injection" guidance and ASVS 5.0 requirement 1.2.10,
 * such a cell is prefixed with a single quote `'`. Spreadsheets show the cell as
 * text (Excel hides the quote); the value stays recognisable to a human and to a
 * script: a user named `-jdoe` is reported as `'-jdoe`, and stripping one leading
 * quote gives the original back. We also catch the trigger after leading white
 * space (` =1+1`: some spreadsheets trim before evaluating) and the full-width
 * forms ＝ ＋ － ＠ that some locales' spreadsheets fold to ASCII.
 *
 * Quoting of commas, quotes and line breaks is the CSV writer's job (RFC 4180),
 * not this function's. Only text cells go through here; numbers are written as
 * numbers. JSON reports are not spreadsheet input and are not altered.
 */

/** Characters that start a formula, or that are used to hide one at the start of a cell. */
const TRIGGER = /^(?:[\t\r\n\0]|[\s\u00A0\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/u;

/** True when a spreadsheet could interpret `cell` as a formula. */
export function isFormulaLike(cell: string): boolean {
  return TRIGGER.test(cell);
}

/** `cell`, or `'` + `cell` when a spreadsheet could interpret it as a formula. */
export function spreadsheetSafe(cell: string): string {
  return TRIGGER.test(cell) ? `'${cell}` : cell;
}
