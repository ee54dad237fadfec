/**
 * The change-window screen in a real terminal (tmux, the BUILT binary): an import whose rows
 * fail as the DC refuses them (a TLS-terminating fault proxy answers those ModifyRequests with
 * insufficientAccessRights), at 80 and at 200 columns, and a Ctrl-C in the middle of one. The
 * screen must read clean: no bar left anywhere, every failure line whole, the summary after the
 * last of them, the shell's `[exit N]` after that. Its own small OU; `npm run build` first.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy, LdapOp } from '../support/fault-proxy.js';
import { scratchDir, labTermination } from '../support/lab.js';
import { smallWorld, type SmallWorld } from '../support/small-world.js';
import { Tmux } from '../support/tmux.js';

const USERS = 180;
/** Every REFUSED-th user's write is refused by the "DC". */
const REFUSED = 9;
const BAR = /[█░]/;
const FAILURE = /^failed {4}line \d+: ps-\d+ — /;

const terminal = new Tmux(`imctl-progress-test-${process.pid}`);
let world: SmallWorld;
let proxy: FaultProxy;
const dir = scratchDir('imctl-progress-');

/** A CSV enabling users `from`..`to` (1-based) on im-west. */
function csv(name: string, from: number, to: number): string {
  const rows = ['user,action,server'];
  for (let i = from; i <= to; i++) rows.push(`ps-${i},enable,im-west`);
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

/** The pane as the terminal shows it (rows as wrapped) and as text (wrapped rows joined). */
function panes(session: string): { rows: string[]; lines: string[] } {
  return {
    rows: terminal.screen(session, false).split('\n'),
    lines: terminal
      .screen(session)
      .split('\n')
      .map((line) => line.trimEnd()),
  };
}

function expectCleanScreen(session: string, columns: number, exit: string) {
  const { rows, lines } = panes(session);
  for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(columns);
  // No bar, nor a piece of one, anywhere: not inside a line, not left at the bottom.
  expect(rows.filter((row) => BAR.test(row))).toEqual([]);
  const end = lines.findIndex((line) => line === exit);
  expect(end, lines.join('\n')).toBeGreaterThan(0);
  const run = lines.slice(0, end);
  const failures = run.filter((line) => line.startsWith('failed'));
  // Every failure line is whole: the outcome at column 0, the user and the DC's reason.
  for (const line of failures) expect(line).toMatch(FAILURE);
  const lastFailure = run.map((line) => line.startsWith('failed')).lastIndexOf(true);
  // The summary at 80 columns may take two rows, broken at a word (src/ui/wrap.ts).
  const summary = run.findIndex((line) => /^import: \d+ changed, /.test(line));
  expect(summary, run.join('\n')).toBeGreaterThan(lastFailure);
  const summaryLine = run[summary]!.endsWith('.') ? run[summary]! : `${run[summary]} ${run[summary + 1]}`;
  expect(summaryLine).toMatch(
    /^import: \d+ changed, \d+ unchanged, \d+ failed(, \d+ not started \(untouched: re-run to do them\))?\.$/,
  );
  return { failures, run, summaryLine };
}

describe('the progress screen in a real terminal (tmux, built binary)', () => {
  beforeAll(async () => {
    const users = Array.from({ length: USERS }, (_, i) => ({ sam: `ps-${i + 1}`, cn: `Progress ${i + 1}` }));
    world = await smallWorld('progress-screen', users);
    const refused = new Set(world.dns.filter((_, i) => (i + 1) % REFUSED === 0).map((dn) => dn.toLowerCase()));
    proxy = await FaultProxy.start({
      terminate: labTermination(),
      onClientMessage: (message) =>
        message.op === LdapOp.ModifyRequest && refused.has(message.dn!.toLowerCase())
          ? { answer: 50, diagnostic: '00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0' }
          : 'forward',
    });
  });

  afterAll(async () => {
    terminal.close();
    await proxy?.close();
    await world?.remove();
  });

  it.each([
    [80, 1, 60],
    [200, 61, 120],
  ])(
    'refused rows at %i columns: whole failure lines, the summary after them, no bar left',
    async (columns, from, to) => {
      const file = csv(`cols-${columns}`, from, to);
      const s = terminal.startImctl(`import ${file} --yes`, world.env({ IMCTL_URL: proxy.url() }), columns, 60);
      await terminal.waitFor(s, '[exit 3]', 60_000);
      const { failures, summaryLine } = expectCleanScreen(s, columns, '[exit 3]');
      const refused = Math.floor(to / REFUSED) - Math.floor((from - 1) / REFUSED);
      expect(failures).toHaveLength(refused);
      expect(summaryLine).toBe(`import: ${60 - refused} changed, 0 unchanged, ${refused} failed.`);
    },
  );

  it('Ctrl-C while the bar is live: the notice on a line of its own, the summary last, the prompt after it', async () => {
    const file = csv('interrupt', 121, USERS);
    const s = terminal.startImctl(
      `import ${file} --yes --concurrency 1`,
      world.env({ IMCTL_URL: proxy.url() }),
      80,
      60,
    );
    // The bar is live once a few writes have settled.
    await terminal.waitFor(s, /import \[[█░]+\] (1\d|[2-4]\d)\/60/, 60_000);
    terminal.keys(s, 'C-c');
    await terminal.waitFor(s, '[exit 130]', 60_000);
    const { run } = expectCleanScreen(s, 80, '[exit 130]');
    const notice = run.findIndex((line) => line.startsWith('imctl: interrupted; finishing the writes in flight'));
    expect(notice, run.join('\n')).toBeGreaterThan(0);
    // The error last, broken at words at 80 columns (its rows after the summary).
    const error = run.findIndex((line) => line.startsWith('error: Interrupted:'));
    expect(error, run.join('\n')).toBeGreaterThan(notice);
    expect(run.slice(error).join(' ')).toMatch(
      /^error: Interrupted: \d+ changed before stopping; the journal .* records them[.;]/,
    );
    // The targets never started are counted, not listed one per line (60 targets: beyond the detail limit).
    expect(run.filter((line) => line.startsWith('not-started'))).toEqual([]);
  });
});
