/** Quoting for the generated scripts: text placed in them must stay text. */

/** A POSIX shell (bash, zsh) single-quoted word. */
export const posixQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** A fish single-quoted string: backslash and quote are escaped. */
export const fishQuote = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** A PowerShell single-quoted string: a quote is doubled. */
export const powershellQuote = (text: string): string => `'${text.replaceAll("'", "''")}'`;
