// @ts-check
// Start-up time: how long `imctl --version` and `imctl --help` take against bare `node -e 0`,
// each the median of several runs taken interleaved in the same run (so drift and load hit all
// alike), after one warm-up each (page cache). The goal's lines are the installed package's: the
// checkout is packed (`npm pack --ignore-scripts`, the build is already there), installed with
// `npm install -g --prefix <tmp> --offline`, and its `bin/imctl` run through its own shebang, as an
// admin's shell runs it. Besides wall time, each case's mean CPU time (the children's user+system
// time, from /proc/self/stat) is given: on a shared machine it moves less than wall time.
// No lab needed. Used by scripts/bench.mjs (section "startup"); run alone while working on start-up:
//   node scripts/bench-lib/startup.mjs [--runs N]      (build first: npm run build)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { median, runOk } from './run.mjs';

export const STARTUP_TARGET = 1.3;

/**
 * Pack the checkout (already built) and install the tarball into an empty prefix, offline; returns the prefix.
 * @param {string} repo
 */
export async function installPackage(repo) {
  const work = mkdtempSync(join(tmpdir(), 'imctl-startup-'));
  const packed = await runOk('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], { cwd: repo });
  const tarball = join(work, JSON.parse(packed.stdout)[0].filename);
  const prefix = join(work, 'prefix');
  await runOk('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {
    cwd: work,
  });
  return { prefix, remove: () => rmSync(work, { recursive: true, force: true }) };
}

/** One command timed: `key` names it in the ratios. @typedef {{ key: string, name: string, command: string, args: string[] }} StartupCase */

/**
 * The cases: the installed package's command (the goal's), the checkout's launcher, bare node, and the single executable if built.
 * @param {string} repo
 * @param {string} [prefix] where the package is installed, if it is
 * @returns {StartupCase[]}
 */
export function startupCases(repo, prefix) {
  const launcher = join(repo, 'bin', 'imctl');
  const exe = join(repo, 'dist', `imctl-${process.platform}-${process.arch}`);
  const installed = prefix ? join(prefix, 'bin', 'imctl') : undefined;
  return [
    ...(installed
      ? [
          { key: 'version', name: 'installed imctl --version', command: installed, args: ['--version'] },
          { key: 'help', name: 'installed imctl --help', command: installed, args: ['--help'] },
        ]
      : []),
    {
      key: installed ? 'checkoutVersion' : 'version',
      name: 'node bin/imctl --version (checkout)',
      command: process.execPath,
      args: [launcher, '--version'],
    },
    {
      key: installed ? 'checkoutHelp' : 'help',
      name: 'node bin/imctl --help (checkout)',
      command: process.execPath,
      args: [launcher, '--help'],
    },
    { key: 'bare', name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
    ...(existsSync(exe)
      ? [
          {
            key: 'exe',
            name: `dist/imctl-${process.platform}-${process.arch} --version (single executable)`,
            command: exe,
            args: ['--version'],
          },
        ]
      : []),
  ];
}

/** This process's reaped children's CPU time so far (user + system, ms; 10 ms ticks). */
function childrenCpuMs() {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/**
 * Times every case `runs` times; returns each case with its times (ms), median and mean CPU time,
 * and the ratios to bare node. With `installed`, the package is packed and installed first.
 * @param {string} repo
 * @param {{ runs?: number, env?: NodeJS.ProcessEnv, installed?: boolean }} [options]
 */
export async function measureStartup(repo, { runs = 10, env = process.env, installed = false } = {}) {
  const pkg = installed ? await installPackage(repo) : undefined;
  try {
    const cases = startupCases(repo, pkg?.prefix);
    // The installed command finds node through its shebang on PATH, as in an admin's shell.
    // Settings that add fixed work to every Node process are left out, for node -e 0 and imctl alike:
    // NODE_EXTRA_CA_CERTS naming the system bundle costs ~100 ms of parsing per start on this
    // machine and would hide imctl's own start-up inside the machine's; NODE_OPTIONS may load anything.
    const { NODE_EXTRA_CA_CERTS: _ca, NODE_OPTIONS: _options, ...plain } = env;
    const caseEnv = { ...plain, PATH: `${dirname(process.execPath)}:${env.PATH ?? process.env.PATH}` };
    const times = cases.map(() => /** @type {number[]} */ ([]));
    const cpu = cases.map(() => 0);
    const once = (/** @type {StartupCase} */ c) =>
      runOk(c.command, c.args, { env: caseEnv, cwd: tmpdir(), stdout: 'ignore' });
    for (const c of cases) await once(c);
    for (let i = 0; i < runs; i++) {
      for (const [k, c] of cases.entries()) {
        const before = childrenCpuMs();
        times[k]?.push((await once(c)).ms);
        cpu[k] = (cpu[k] ?? 0) + childrenCpuMs() - before;
      }
    }
    const measured = cases.map((c, k) => ({
      ...c,
      times: times[k] ?? [],
      median: median(times[k] ?? []),
      cpuMs: (cpu[k] ?? NaN) / runs,
    }));
    const bare = measured.find((c) => c.key === 'bare');
    if (!bare) throw new Error('startup: no node -e 0 case');
    return {
      cases: measured,
      bare: bare.median,
      bareCpu: bare.cpuMs,
      ratio: Object.fromEntries(measured.map((c) => [c.key, c.median / bare.median])),
      cpuRatio: Object.fromEntries(measured.map((c) => [c.key, c.cpuMs / bare.cpuMs])),
    };
  } finally {
    pkg?.remove();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '10' }, installed: { type: 'boolean', default: false } },
  });
  const repo = join(import.meta.dirname, '..', '..');
  const result = await measureStartup(repo, { runs: Number(values.runs), installed: values.installed });
  for (const c of result.cases) {
    const ratio =
      c.key === 'bare'
        ? ''
        : `  ${result.ratio[c.key]?.toFixed(2)}× node -e 0 (CPU ${result.cpuRatio[c.key]?.toFixed(2)}×)${c.key === 'version' || c.key === 'help' ? ` (target ≤ ${STARTUP_TARGET}×)` : ''}`;
    process.stdout.write(
      `${c.name.padEnd(60)} median ${c.median.toFixed(1)} ms, CPU ${c.cpuMs.toFixed(1)} ms${ratio}\n`,
    );
  }
}
