/**
 * Arguments quoted for the shell an admin pastes a printed command line into: POSIX sh/bash/zsh,
 * or PowerShell on Windows (the shell Windows Terminal opens, and where cmd's quoting cannot make
 * `&`, `|` or `%` literal at all). Names come from the directory, so each must arrive as one
 * literal argument whatever it holds.
 */

/** The shell a printed command line is meant for. */
export type PasteShell = 'posix' | 'powershell';

/** PowerShell on Windows; a POSIX shell everywhere else. */
export function pasteShellFor(os: NodeJS.Platform): PasteShell {
  return os === 'win32' ? 'powershell' : 'posix';
}

/** A POSIX shell (bash, zsh) single-quoted word. */
export const posixQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * PowerShell's single quotes: ' and the typographic ‘ ’ ‚ ‛, each of which also opens or closes a
 * single-quoted string there (a name holding ’ would otherwise end the quoting). Inside single
 * quotes a quote is written twice; nothing else ($, backtick, ;, &, |) is special.
 */
const POWERSHELL_SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

/** A PowerShell single-quoted string: every kind of single quote inside is doubled. */
export const powershellQuote = (text: string): string => `'${text.replace(POWERSHELL_SINGLE_QUOTES, '$&$&')}'`;

/** Words sh/bash/zsh read as themselves. */
const POSIX_BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Words PowerShell reads as themselves: letters, digits and `_ . / = + -`, not starting with `-`
 * (a parameter there), `@` (splatting) or anything else that means something at the start; plus
 * imctl's own flags (`--yes`). A bare `--` is quoted: PowerShell's parameter binder swallows it on
 * the way through npm's `imctl.ps1` shim, and then a user named `--insecure-tls` would be an option.
 */
const POWERSHELL_BARE = /^(?:[A-Za-z0-9_][A-Za-z0-9_./=+-]*|--[a-z]+(?:-[a-z]+)*)$/;

/** One argument for `shell`: bare when it reads as itself there, else single-quoted. */
export function shellWord(arg: string, shell: PasteShell): string {
  if (shell === 'powershell') return POWERSHELL_BARE.test(arg) ? arg : powershellQuote(arg);
  return POSIX_BARE.test(arg) ? arg : posixQuote(arg);
}
