// @ts-check
/**
 * Blocks of a Markdown document that a run writes, not a hand: `<!-- generated:NAME -->`, the
 * text, `<!-- /generated -->`. The bench writes its figures into them, the test summary reporter
 * its counts, the option registry the configuration table; test/docs/measured-figures.test.ts
 * checks that every figure in the documents is inside one (or checked against its record).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const BLOCK = /<!-- generated:([\w-]+) -->\n([\s\S]*?)<!-- \/generated -->/g;

/**
 * Every block of `text` by name, with its text.
 * @param {string} text
 * @returns {Map<string, string>}
 */
export function generatedBlocks(text) {
  return new Map([...text.matchAll(BLOCK)].map((m) => [/** @type {string} */ (m[1]), /** @type {string} */ (m[2])]));
}

/**
 * `text` with each named block's text replaced; a block the document does not have is an error
 * (a renamed block would otherwise go stale without a word).
 * @param {string} text
 * @param {Record<string, string>} contents the new text of each block, ending in a newline
 * @returns {string}
 */
export function withGeneratedBlocks(text, contents) {
  const present = generatedBlocks(text);
  const missing = Object.keys(contents).filter((name) => !present.has(name));
  if (missing.length > 0) throw new Error(`no generated block named ${missing.join(', ')}`);
  return text.replace(BLOCK, (whole, /** @type {string} */ name) =>
    name in contents ? `<!-- generated:${name} -->\n${contents[name]}<!-- /generated -->` : whole,
  );
}

/**
 * Rewrites the named blocks of the file at `path` (only those; the rest of the file stays).
 * @param {string} path
 * @param {Record<string, string>} contents
 */
export function writeGeneratedBlocks(path, contents) {
  const before = readFileSync(path, 'utf8');
  const after = withGeneratedBlocks(before, contents);
  if (after !== before) writeFileSync(path, after);
}
