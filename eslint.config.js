// Lint gate (npm run lint): ESLint's and typescript-eslint's recommended rules, modest, plus the
// layering of src/ as rules that fail — see README "How it is built". Formatting is Prettier's
// (npm run format:check), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** An import (static and `import()`) of a module matching `regex` is an error that says `message`. */
function restriction(regex, message) {
  return {
    pattern: { regex, message },
    selector: { selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message },
  };
}

/** The rules for a list of restrictions (ESLint keeps one setting per rule: a later block replaces it). */
function restricted(restrictions) {
  return {
    'no-restricted-imports': ['error', { patterns: restrictions.map((r) => r.pattern) }],
    'no-restricted-syntax': ['error', ...restrictions.map((r) => r.selector)],
  };
}

/** The directory adapter is the one module that speaks LDAP; the rest of src/ goes through its port. */
const LDAPTS = restriction(
  '^ldapts(/|$)',
  'only src/directory imports ldapts: reach the directory through its port (src/services/directory-port.ts).',
);

/** Relative imports that leave a layer the wrong way: `message` says which way is right. */
function layer(files, forbidden, message) {
  return { files, rules: restricted([restriction(`^(\\.\\./)+(${forbidden.join('|')})/`, message), LDAPTS]) };
}

export default tseslint.config(
  { ignores: ['dist/', 'build/', '.lab/', 'coverage/', 'node_modules/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The terminal-safety code matches control characters on purpose (src/ui/output.ts).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // The prompt wrappers bridge inquirer's generic signatures with `any`, on purpose and commented.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // Type-aware: a promise nobody awaits, or one handed where a plain callback is expected, loses its
  // errors (and, in a write path, its ordering). These rules read the types, so they run on .ts only.
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },

  // The layering: each layer imports only the ones below it; only src/directory imports ldapts.
  { files: ['src/**/*.ts'], ignores: ['src/directory/**'], rules: restricted([LDAPTS]) },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./', message: 'src/core is pure: it imports only src/core (and node: built-ins).' },
            {
              regex: '^(?!node:|\\.)',
              message: 'src/core is pure: no libraries (ldapts, commander, inquirer, chalk…); put I/O behind a port.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'src/core is pure: it loads nothing lazily.' },
      ],
    },
  },
  layer(
    ['src/services/**/*.ts'],
    ['cli', 'ui', 'commands'],
    'src/services is the application layer: it never imports cli/, ui/ or commands/ (take plain options and a results sink).',
  ),
  layer(
    ['src/commands/**/*.ts'],
    ['directory', 'io', 'dns'],
    'src/commands parse, call a service and render: reach directory/, io/ and dns/ through src/services.',
  ),
);
