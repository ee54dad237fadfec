/**
 * What a Windows checkout needs of the scripts and the repository (issue 34, item 1): every
 * dynamic import() in scripts/ takes a module name or a file: URL — ESM reads a bare `C:\…` path
 * as a URL with the scheme "c:" (ERR_UNSUPPORTED_ESM_URL_SCHEME) — and .gitattributes keeps LF in
 * the sources and the launcher's shebang whatever core.autocrlf says.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');

function scripts(dir = join(REPO, 'scripts')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? scripts(join(dir, entry.name)) : entry.name.endsWith('.mjs') ? [join(dir, entry.name)] : [],
  );
}

/** The argument text of each `import(` call in `source`, up to its balancing parenthesis. */
function dynamicImports(source: string): string[] {
  return [...source.matchAll(/\bimport\(/g)].map((m) => {
    let depth = 1;
    let end = m.index + m[0].length;
    for (; depth > 0 && end < source.length; end++) depth += source[end] === '(' ? 1 : source[end] === ')' ? -1 : 0;
    return source.slice(m.index + m[0].length, end - 1).trim();
  });
}

describe('a Windows checkout', () => {
  it('scripts import modules by name or by a file: URL, never by a bare file path', () => {
    const bare = scripts().flatMap((file) =>
      dynamicImports(readFileSync(file, 'utf8'))
        .filter((argument) => !/^(['"`])[^'"`]*\1$/.test(argument) && !/^pathToFileURL\(.*\)\.href$/.test(argument))
        .map((argument) => `${relative(REPO, file)}: import(${argument})`),
    );
    expect(scripts().length).toBeGreaterThan(3);
    expect(bare).toEqual([]);
  });

  it('finds the import the build makes of tsc output (the scan sees what it must)', () => {
    expect(dynamicImports(readFileSync(join(REPO, 'scripts', 'build.mjs'), 'utf8'))).toEqual([
      "pathToFileURL(join(REPO, 'build', 'cli', 'help-text.js')).href",
    ]);
  });

  it('checks sources and the launcher out with LF line ends, byte-exact fixtures as they are', () => {
    const files = ['bin/imctl', 'src/cli/main.ts', 'scripts/build.mjs', 'package.json', 'README.md'];
    const eol = execFileSync('git', ['check-attr', 'eol', '--', ...files], { cwd: REPO, encoding: 'utf8' });
    expect(eol.trim().split('\n')).toEqual(files.map((file) => `${file}: eol: lf`));
    const fixture = execFileSync('git', ['check-attr', 'text', '--', 'test/fixtures/csv/valid-bom-crlf.csv'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(fixture.trim()).toBe('test/fixtures/csv/valid-bom-crlf.csv: text: unset');
  });
});
