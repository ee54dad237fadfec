#!/usr/bin/env node
// @ts-check
// Builds what is distributed. tsc's per-module output goes to build/ (never shipped: for
// scripts that import single modules, such as the planner benchmark and the help text below);
// dist/ holds only what ships, and this script writes
//   dist/imctl.mjs + dist/chunks/  the npm package's entry: ESM, every library inlined, split so
//                                  that --help/--version load commander and the program only
//                                  (ldapts, inquirer, chalk, csv… load with the command that needs them)
//   dist/imctl.cjs                 one CommonJS file with everything, the input of the single executable
//   dist/THIRD-PARTY-NOTICES.txt   the licences of the libraries inlined in both
//   dist/help.json                 `imctl --help` as printed, for the launcher's fast path (src/cli/help-text.ts)
// Usage: node scripts/build.mjs
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { thirdPartyNotices } from './build-lib/notices.mjs';
/** @import { BuildOptions, Plugin } from 'esbuild' */

const REPO = join(import.meta.dirname, '..');
const DIST = join(REPO, 'dist');
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

/**
 * commander requires node:child_process at load, for executable subcommands imctl never uses;
 * child_process pulls in net, dgram and the socket list — a tenth of `imctl --help`'s start-up
 * (docs/benchmarks.md, start-up). Here it is required on first use instead.
 */
/** @type {Plugin} */
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error(`${args.path}: commander no longer says ${eager}`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

/** @type {BuildOptions & { metafile: true }} */
const common = {
  absWorkingDir: REPO,
  plugins: [lazyChildProcess],
  bundle: true,
  platform: 'node',
  target: 'node20',
  define: { IMCTL_VERSION: JSON.stringify(version) },
  metafile: true,
  logLevel: 'warning',
  // version.ts reads package.json through import.meta only when IMCTL_VERSION is not compiled in.
  logOverride: { 'empty-import-meta': 'silent' },
  legalComments: 'none', // the licences are in THIRD-PARTY-NOTICES.txt, whole
};

rmSync(join(DIST, 'chunks'), { recursive: true, force: true });

const esm = await build({
  ...common,
  entryPoints: { imctl: 'src/cli/main.ts' },
  format: 'esm',
  splitting: true,
  outdir: DIST,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // The CommonJS libraries (commander, cli-table3, …) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __imctlCreateRequire } from 'node:module'; const require = __imctlCreateRequire(import.meta.url);",
  },
});

const cjs = await build({
  ...common,
  entryPoints: ['src/cli/executable.ts'],
  format: 'cjs',
  outfile: join(DIST, 'imctl.cjs'),
});

const inputs = [...Object.keys(esm.metafile.inputs), ...Object.keys(cjs.metafile.inputs)];
writeFileSync(join(DIST, 'THIRD-PARTY-NOTICES.txt'), thirdPartyNotices(REPO, inputs));

// The help the program prints, from tsc's output of the same sources the bundle was built from.
// As a file: URL: ESM takes a bare path for a URL, and on Windows `C:\…` has the scheme "c:".
const { helpTexts } = await import(pathToFileURL(join(REPO, 'build', 'cli', 'help-text.js')).href);
writeFileSync(join(DIST, 'help.json'), `${JSON.stringify(await helpTexts())}\n`);
