/**
 * The layering is a lint rule that fails (eslint.config.js), not a habit: a wrong-way import,
 * linted as if it were a file in that layer, is an error that names the rule; the right way is
 * clean. ESLint's Node API lints the text under a virtual path; no file is written.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The virtual files are in no TypeScript project: the type-aware rules (not what is tested here) stay off.
const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  overrideConfig: tseslint.configs.disableTypeChecked,
});

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layering, as lint rules', () => {
  it.each([
    [
      'src/core/wrong-way.ts',
      "import { buildProgram } from '../cli/program.js';\nexport const p = buildProgram;\n",
      /^no-restricted-imports: .*src\/core is pure/,
    ],
    [
      'src/core/wrong-way.ts',
      "import { Client } from 'ldapts';\nexport const c = Client;\n",
      /^no-restricted-imports: .*no libraries/,
    ],
    [
      'src/core/wrong-way.ts',
      "export const load = () => import('../directory/ldap-directory.js');\n",
      /^no-restricted-syntax: src\/core is pure/,
    ],
    [
      'src/services/wrong-way.ts',
      "import { Output } from '../ui/output.js';\nexport const o = Output;\n",
      /^no-restricted-imports: .*src\/services is the application layer/,
    ],
    [
      'src/services/wrong-way.ts',
      "import type { Context } from '../commands/command-context.js';\nexport type C = Context;\n",
      /^no-restricted-imports: .*never imports cli\/, ui\/ or commands\//,
    ],
    [
      'src/commands/wrong-way.ts',
      "import { openLdapDirectory } from '../directory/ldap-directory.js';\nexport const o = openLdapDirectory;\n",
      /^no-restricted-imports: .*src\/commands parse, call a service and render/,
    ],
    [
      'src/commands/wizard/wrong-way.ts',
      "import { openReport } from '../../io/report.js';\nexport const o = openReport;\n",
      /^no-restricted-imports: .*reach directory\/, io\/ and dns\/ through src\/services/,
    ],
    [
      'src/commands/wrong-way.ts',
      "export const dns = () => import('../dns/resolver.js');\n",
      /^no-restricted-syntax: src\/commands parse/,
    ],
    // Only src/directory imports ldapts, statically or lazily, in any layer.
    [
      'src/cli/wrong-way.ts',
      "import { Client } from 'ldapts';\nexport const c = Client;\n",
      /^no-restricted-imports: .*only src\/directory imports ldapts/,
    ],
    [
      'src/services/wrong-way.ts',
      "import { Client } from 'ldapts';\nexport const c = Client;\n",
      /^no-restricted-imports: .*only src\/directory imports ldapts/,
    ],
    [
      'src/commands/wrong-way.ts',
      "import { Change } from 'ldapts/Change.js';\nexport const c = Change;\n",
      /^no-restricted-imports: .*only src\/directory imports ldapts/,
    ],
    [
      'src/ui/wrong-way.ts',
      "export const load = () => import('ldapts');\n",
      /^no-restricted-syntax: only src\/directory imports ldapts/,
    ],
  ])('%s: a wrong-way import fails lint', async (filePath, code, expected) => {
    const messages = await lint(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(expected);
  });

  it.each([
    [
      'src/core/right-way.ts',
      "import { isIP } from 'node:net';\nimport { quoted } from './errors.js';\nexport const f = [isIP, quoted];\n",
    ],
    [
      'src/services/right-way.ts',
      "import { quoted } from '../core/errors.js';\nimport { openReport } from '../io/report.js';\nexport const f = [quoted, openReport];\n",
    ],
    [
      'src/commands/right-way.ts',
      "import { renderTable } from '../ui/table.js';\nimport { listUsers } from '../services/user-list.js';\nexport const f = [renderTable, listUsers];\n",
    ],
    ['src/cli/right-way.ts', "export const open = () => import('../directory/ldap-directory.js');\n"],
    ['src/directory/right-way.ts', "import { Client } from 'ldapts';\nexport const c = Client;\n"],
  ])('%s: the right way is clean', async (filePath, code) => {
    expect(await lint(filePath, code)).toEqual([]);
  });
});
