/**
 * enable, disable, move and undo through run() against the in-memory directory: what each writes,
 * --dry-run and --ldif writing nothing, --json as one document, the confirmation asked on the
 * run's own terminal, the journal that undo plays back, and the usage errors (exit 2) that come
 * before anything is read. Compare-and-set, pipelining and lost connections on a real DC are in
 * provision.lab.test.ts and test/security/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { EAST, IM_DOMAIN, WEST, imctlOnMemory, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;

describe('imctl enable', () => {
  it('writes the four IM attributes on the named home server and records a journal', async () => {
    const directory = sampleDirectory();
    const { code, stdout, stderr } = await imctlOnMemory(
      ['enable', 'dee', 'eve@memory.test', '--server', 'im-west', '--yes'],
      {
        directory,
      },
    );
    expect(code).toBe(0);
    expect(directory.get(dn('dee'))!.im).toEqual(imValues('dee', IM_DOMAIN, WEST));
    expect(directory.get(dn('eve'))!.im).toEqual(imValues('eve', IM_DOMAIN, WEST));
    expect(stdout).toContain('enable: 2 changed, 0 unchanged, 0 failed.');
    const journal = /Journal: (\S+\.jsonl)/.exec(stderr)?.[1];
    expect(journal && existsSync(journal)).toBe(true);
  });

  it('without --server, the home server with the most room; an enabled user is unchanged', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['enable', 'dee', 'ann', '--json'], { directory });
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc.summary).toEqual({ changed: 1, unchanged: 1, failed: 0, planned: 0, notStarted: 0 });
    expect(doc.results.map((r: { user: string; outcome: string }) => [r.user, r.outcome]).sort()).toEqual([
      ['ann', 'unchanged'],
      ['dee', 'changed'],
    ]);
    // im-west homes 1 user, im-east 2.
    expect(directory.get(dn('dee'))!.im.msExchIMVirtualServer).toBe(WEST.dn);
  });

  it('--dry-run and --ldif write nothing; --ldif - is LDIF for ldapmodify on stdout', async () => {
    const directory = sampleDirectory();
    const dry = await imctlOnMemory(['enable', 'dee', '--dry-run'], { directory });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('1 planned (nothing written)');
    const ldif = await imctlOnMemory(['enable', 'dee', '--server', 'im-east', '--ldif', '-'], { directory });
    expect(ldif.code).toBe(0);
    expect(ldif.stdout).toContain(`dn: ${dn('dee')}\nchangetype: modify\n`);
    expect(ldif.stdout).toContain(`msExchIMAddress: dee@${IM_DOMAIN}`);
    expect(directory.written).toEqual([]);
    expect(directory.get(dn('dee'))!.im).toEqual({});
  });

  it('on a terminal, changing several users asks first on stderr; "no" writes nothing (exit 130)', async () => {
    const directory = sampleDirectory();
    const answer = (text: string) => ({
      onStart: (stdin: NodeJS.WritableStream, stderr: { text: string }) => {
        const poll = setInterval(() => {
          if (!stderr.text.includes('Change 2 users on dc1.memory.test: 2 enables (1 on im-west, 1 on im-east)?'))
            return;
          clearInterval(poll);
          stdin.write(text);
        }, 5);
      },
    });
    const declined = await imctlOnMemory(['enable', 'dee', 'eve'], { directory, tty: true, ...answer('n\r') });
    expect(declined.code).toBe(130);
    expect(declined.stderr).toContain('Nothing was written.');
    expect(directory.written).toEqual([]);

    const accepted = await imctlOnMemory(['enable', 'dee', 'eve'], { directory, tty: true, ...answer('y\r') });
    expect(accepted.code).toBe(0);
    expect(directory.written.map((t) => t.dn)).toEqual([dn('dee'), dn('eve')]);
  });

  it('a write the directory refuses is reported per user, exit 3', async () => {
    const directory = sampleDirectory();
    directory.write = async (tasks, _options, onResult) => {
      for (const task of tasks) onResult(task, { outcome: 'failed', reason: 'insufficient access' });
    };
    const run = await imctlOnMemory(['enable', 'dee', '--json'], { directory });
    expect(run.code).toBe(3);
    expect(run.json().results[0]).toMatchObject({ user: 'dee', outcome: 'failed', reason: 'insufficient access' });
  });

  it.each([
    [['enable', 'dee', '--report', 'out.txt'], /The report file must end in \.csv, \.json or \.jsonl/],
    [['enable', 'dee', '--server', 'im-nowhere'], /im-nowhere/],
    [['enable', 'dee', '--server', 'im-router'], /router/],
    [['enable'], /missing required argument 'users'/],
    [['enable', 'dee', '--concurrency', '0'], /option '--concurrency <n>' argument '0' is invalid/],
    [
      ['enable', 'dee', '--ldif', '/nonexistent/plan.ldif'],
      /^error: Cannot write the LDIF to \/nonexistent\/plan\.ldif: its directory does not exist\.$/m,
    ],
  ])('%j is a usage error (exit 2); nothing is written', async (argv, message) => {
    const directory = sampleDirectory();
    const { code, stderr } = await imctlOnMemory(argv, { directory });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(directory.written).toEqual([]);
  });

  it('names are trimmed: " dee " and a tab-padded UPN name their users', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(
      ['enable', ' dee ', '\teve@memory.test', '--server', 'im-west', '--yes', '--json'],
      {
        directory,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().results.map((r: { user: string }) => r.user)).toEqual(['dee', 'eve@memory.test']);
    const show = await imctlOnMemory(['show', ' dee', '--json'], { directory });
    expect(show.json().homeServer).toBe('im-west');
  });

  it('a refused batch lists every problem in one run: an unknown name and a state conflict alike', async () => {
    const directory = sampleDirectory();
    // nobody is no user; ann is IM-enabled on im-east already (a move, not an enable).
    const run = await imctlOnMemory(['enable', 'nobody', 'ann', '--server', 'im-west', '--json'], { directory });
    expect(run.code).toBe(2);
    expect(run.json().error.message).toMatch(/^All 2 users cannot be done as asked/);
    expect(run.json().problems).toEqual([
      { user: 'nobody', reason: expect.stringContaining('no user is named "nobody"') },
      { user: 'ann', reason: expect.stringContaining('already IM-enabled on im-east') },
    ]);
    expect(directory.written).toEqual([]);
  });

  it('no IM domain anywhere is a usage error, also under --json', async () => {
    const run = await imctlOnMemory(['enable', 'dee', '--json'], { env: { IMCTL_IM_DOMAIN: undefined } });
    expect(run.code).toBe(2);
    expect(run.json().error).toMatchObject({ exitCode: 2, message: expect.stringMatching(/IM domain/) });
  });
});

describe('imctl disable', () => {
  it('clears the four IM attributes; --json reports before and after', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['disable', 'ann', '--json'], { directory });
    expect(run.code).toBe(0);
    expect(directory.get(dn('ann'))!.im).toEqual({});
    const [result] = run.json().results;
    expect(result).toMatchObject({
      user: 'ann',
      outcome: 'changed',
      before: imValues('ann', IM_DOMAIN, EAST),
      after: {},
    });
  });

  it('a name that is no user refuses the whole batch before anything is written (exit 2), as a bad CSV row does', async () => {
    const directory = sampleDirectory();
    const run = await imctlOnMemory(['disable', 'ann', 'nobody', '--json'], { directory });
    expect(run.code).toBe(2);
    const data = run.json();
    expect(data.error.reason).toBe('invalid-targets');
    expect(data.problems).toEqual([{ user: 'nobody', reason: expect.stringContaining('no user is named "nobody"') }]);
    expect(directory.written).toEqual([]);
  });
});

describe('imctl move', () => {
  it('re-homes: only the home and the private URL change', async () => {
    const directory = sampleDirectory();
    const { code, stdout } = await imctlOnMemory(['move', 'ann', 'ben', '--to', 'exch2.memory.test', '--yes'], {
      directory,
    });
    expect(code).toBe(0);
    expect(stdout).toContain('move: 2 changed');
    expect(directory.get(dn('ann'))!.im).toEqual(imValues('ann', IM_DOMAIN, WEST));
  });

  it.each([
    [['move', 'ann'], /imctl move needs --to SERVER/],
    [['move', 'ann', '--to', 'im-router'], /router/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const directory = sampleDirectory();
    const { code, stderr } = await imctlOnMemory(argv, { directory });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(directory.written).toEqual([]);
  });
});

describe('imctl undo', () => {
  it('puts back what a run changed, from its journal; a second undo changes nothing', async () => {
    const directory = sampleDirectory();
    const before = structuredClone(directory.get(dn('ann'))!.im);
    const moved = await imctlOnMemory(['move', 'ann', '--to', 'im-west', '--json'], { directory });
    const journal: string = moved.json().journal;
    expect(readFileSync(journal, 'utf8')).toContain('"type":"change"');

    const undone = await imctlOnMemory(['undo', journal, '--json'], { directory, home: moved.home });
    expect(undone.code).toBe(0);
    expect(undone.json().summary).toMatchObject({ changed: 1, failed: 0 });
    expect(undone.stderr).toMatch(/Undoing move of \S+ on dc1\.memory\.test: 1 recorded change\./);
    expect(directory.get(dn('ann'))!.im).toEqual(before);

    const again = await imctlOnMemory(['undo', journal, '--json'], { directory, home: moved.home });
    expect(again.json().summary).toMatchObject({ changed: 0, unchanged: 1 });
  });

  it('a change made since is left alone and reported (exit 3)', async () => {
    const directory = sampleDirectory();
    const moved = await imctlOnMemory(['move', 'ann', '--to', 'im-west', '--json'], { directory });
    directory.set(dn('ann'), {});
    const undone = await imctlOnMemory(['undo', moved.json().journal, '--json'], { directory, home: moved.home });
    expect(undone.code).toBe(3);
    expect(undone.json().results[0]).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('changed since the journal was written'),
    });
    expect(directory.get(dn('ann'))!.im).toEqual({});
  });

  it('a journal that does not exist or is not a journal is a usage error (exit 2)', async () => {
    const missing = await imctlOnMemory(['undo', '/nonexistent/imctl.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read the journal /nonexistent/imctl.jsonl: ENOENT.');
    const notAJournal = await imctlOnMemory([
      'undo',
      join(import.meta.dirname, '../fixtures/csv/valid-basic.csv'),
      '--json',
    ]);
    expect(notAJournal.code).toBe(2);
    expect(notAJournal.json().error.reason).toBe('journal');
  });
});
