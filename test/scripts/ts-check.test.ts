/**
 * Issue 33, item 4: the .mjs scripts are type-checked from their JSDoc (`// @ts-check`, then
 * `npm run typecheck`, whose tsconfig.json includes scripts/ and lab/*.mjs with allowJs). Every one
 * of them is: a new script starts checked.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');

function scripts(): string[] {
  return ['scripts', 'lab']
    .flatMap((dir) =>
      readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(REPO, dir, f)),
    )
    .filter((path) => path.endsWith('.mjs'))
    .map((path) => relative(REPO, path))
    .sort();
}

/** The files `npm run typecheck` (tsc -p tsconfig.json) compiles, relative to the repository. */
function typechecked(): Set<string> {
  const file = join(REPO, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, REPO, undefined, file);
  return new Set(parsed.fileNames.map((path) => relative(REPO, path)));
}

const checked = (path: string) => /^(#!.*\n)?\/\/ @ts-check\n/.test(readFileSync(join(REPO, path), 'utf8'));

describe('the scripts are type-checked', () => {
  it('every .mjs in scripts/ and lab/ starts with // @ts-check', () => {
    expect(scripts()).toContain('scripts/bench-lib/large.mjs');
    expect(scripts().filter((path) => !checked(path))).toEqual([]);
  });

  it('every one of them is in the files npm run typecheck compiles', () => {
    const files = typechecked();
    expect(scripts().filter((path) => !files.has(path))).toEqual([]);
  });
});
