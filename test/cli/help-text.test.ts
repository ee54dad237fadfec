/**
 * The launcher's --help fast path (issue 23): the texts the build stores are exactly what the
 * program prints at every width, and bin/imctl answers from them without the bundle — and hands
 * anything it does not hold to the program.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { helpAt, helpTexts, pickHelp, type HelpTexts } from '../../src/cli/help-text.js';

const REPO = join(import.meta.dirname, '..', '..');
let help: HelpTexts;
let widest: number;

beforeAll(async () => {
  help = await helpTexts();
  widest = help.widths.at(-1)!.from;
}, 60_000);

describe('the stored help texts', () => {
  it('are what the program prints, at every width from 80 columns to past the last wrap', async () => {
    expect(help.widths[0]!.from).toBe(80);
    expect(widest).toBeGreaterThan(80);
    for (const columns of [80, 81, 100, 120, 150, widest - 1, widest, widest + 1, 300])
      expect(pickHelp(help, columns), `${columns} columns`).toBe(await helpAt(columns));
    // Piped (no terminal): the program wraps at 80.
    expect(pickHelp(help, 80)).toBe(await helpAt(undefined));
  });

  it('hold nothing below 80 columns: the program answers there', () => {
    expect(pickHelp(help, 79)).toBeUndefined();
  });

  it('store each line once', () => {
    expect(new Set(help.lines).size).toBe(help.lines.length);
    expect(help.lines.length).toBeLessThan(help.texts.flat().length);
  });
});

describe('bin/imctl', () => {
  /** The launcher with help.json but no bundle: whatever it cannot answer itself fails to load. */
  const install = () => {
    const root = mkdtempSync(join(tmpdir(), 'imctl-launcher-'));
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'dist'));
    for (const file of ['bin/imctl', 'bin/package.json', 'package.json'])
      copyFileSync(join(REPO, file), join(root, file));
    writeFileSync(join(root, 'dist', 'help.json'), JSON.stringify(help));
    return join(root, 'bin', 'imctl');
  };
  /** Run it on a terminal `columns` wide (util-linux script gives it a pty). */
  const onTerminal = (launcher: string, columns: number, flag = '--help') => {
    const r = spawnSync('script', ['-qec', `stty cols ${columns}; node ${launcher} ${flag}`, '/dev/null'], {
      encoding: 'utf8',
    });
    return { status: r.status, text: r.stdout.replace(/\r\n/g, '\n') };
  };

  it('answers a lone --help or -h from the stored text, piped, without the bundle', async () => {
    const launcher = install();
    for (const flag of ['--help', '-h']) {
      const r = spawnSync(process.execPath, [launcher, flag], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(await helpAt(undefined));
    }
  });

  it('answers on a terminal at the terminal width', async () => {
    const launcher = install();
    for (const columns of [120, widest + 20]) {
      const r = onTerminal(launcher, columns);
      expect(r.status).toBe(0);
      expect(r.text).toBe(await helpAt(columns));
    }
  });

  it('leaves to the program a terminal narrower than 80 columns, and --help with anything else', () => {
    const launcher = install();
    // No bundle here, so the program's answer is a failure to load it: the fast path stood aside.
    expect(onTerminal(launcher, 60).text).toMatch(/dist\/imctl\.mjs/);
    const r = spawnSync(process.execPath, [launcher, 'users', '--help'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/dist\/imctl\.mjs/);
  });

  it('answers a lone --version from package.json', () => {
    const r = spawnSync(process.execPath, [install(), '--version'], { encoding: 'utf8' });
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
  });
});
