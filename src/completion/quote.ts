/** Quoting for the generated scripts: text placed in them must stay text. */
export { posixQuote, powershellQuote } from '../core/shell-words.js';

/** A fish single-quoted string: backslash and quote are escaped. */
export const fishQuote = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
