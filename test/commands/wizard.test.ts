/**
 * `imctl wizard` through run() against the in-memory directory, its prompts answered with
 * @inquirer/testing: a task from the first prompt to the result, and the usage errors of a run
 * that is not at a terminal. Every task against the lab DC is in wizard.lab.test.ts, the built
 * binary in a real pseudo-terminal in wizard-pty.lab.test.ts.
 */
import { screen, wrapPrompt } from '@inquirer/testing/vitest';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, WEST, imctlOnMemory, person, sampleDirectory, type ImctlRun } from '../support/run-imctl.js';

// imctl's own search prompt, on the test screen as @inquirer/testing puts inquirer's own prompts.
vi.mock('../../src/ui/search-prompt.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/ui/search-prompt.js')>();
  return { ...actual, searchPrompt: wrapPrompt(actual.searchPrompt) };
});

/** Poll the screen until it shows `expected`; fail with the screen if the wizard ends first. */
async function waitFor(expected: string, wizard: { done?: ImctlRun }): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!screen.getScreen().includes(expected)) {
    if (wizard.done)
      throw new Error(
        `the wizard ended (exit ${wizard.done.code}: ${wizard.done.stderr}) before showing ${expected}; screen:\n${screen.getScreen()}`,
      );
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expected}; screen:\n${screen.getScreen()}`);
    await sleep(10);
  }
}

/** At the prompt showing `question`, move down to the choice containing `option` and take it. */
async function choose(question: string, option: string, wizard: { done?: ImctlRun }): Promise<void> {
  await waitFor(question, wizard);
  for (let i = 0; i < 20; i++) {
    if (
      screen
        .getScreen()
        .split('\n')
        .find((line) => line.startsWith('❯'))
        ?.includes(option)
    ) {
      screen.keypress('enter');
      return;
    }
    screen.keypress('down');
    await sleep(2);
  }
  throw new Error(`no choice "${option}" at "${question}":\n${screen.getScreen()}`);
}

/** In the search, type an account name, take its match, and wait for the count of users picked. */
async function pick(sam: string, picked: number, wizard: { done?: ImctlRun }): Promise<void> {
  screen.type(sam);
  await waitFor(`User ${sam} (${sam})`, wizard);
  screen.keypress('enter');
  await waitFor(`(${picked} picked)`, wizard);
}

/** From the first question to the search for users to `task`. */
async function openSearch(task: 'enable' | 'move', wizard: { done?: ImctlRun }): Promise<void> {
  const taskName = { enable: 'Enable Instant Messaging for users', move: 'Move users to another home server' }[task];
  await choose('What do you want to do?', taskName, wizard);
  await choose(`How do you want to find the users to ${task}?`, 'Search by name', wizard);
  await waitFor(`Find the user to ${task}`, wizard);
}

/** At "How do you want to find the users", type their names and Enter. */
async function typeNames(names: string, wizard: { done?: ImctlRun }): Promise<void> {
  await choose('How do you want to find the users', 'Type their names', wizard);
  await waitFor('Names (sAMAccountName', wizard);
  screen.type(names);
  screen.keypress('enter');
}

/** `imctl wizard ARGS…` at a terminal (200 columns unless told). */
function start(
  directory = sampleDirectory(),
  options: { args?: string[]; columns?: number; os?: NodeJS.Platform } = {},
) {
  const wizard = {} as { done?: ImctlRun; result: Promise<ImctlRun>; stdin?: PassThrough };
  wizard.result = imctlOnMemory(['wizard', ...(options.args ?? [])], {
    directory,
    tty: true,
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.os ? { os: options.os } : {}),
    onStart: (stdin) => (wizard.stdin = stdin),
  });
  void wizard.result.then((done) => (wizard.done = done));
  return wizard;
}

/**
 * Esc, as readline reports it on the wizard's terminal (where imctl hears it: inquirer ignores
 * Esc); then wait for the prompt it goes back to.
 */
async function escape(wizard: ReturnType<typeof start>, backTo: string): Promise<void> {
  wizard.stdin!.emit('keypress', undefined, { name: 'escape' });
  await waitFor(backTo, wizard);
}

/** The show task for ann, found by search, to the end of the run. */
async function showAnn(wizard: ReturnType<typeof start>): Promise<ImctlRun> {
  await choose('What do you want to do?', "Show a user's IM settings", wizard);
  await waitFor('Find the user to show', wizard);
  screen.type('ann');
  await waitFor('User ann (ann)', wizard);
  screen.keypress('enter');
  return wizard.result;
}

/** The move task up to its review: ann to im-west. */
async function moveAnnToWest(wizard: { done?: ImctlRun }): Promise<void> {
  await openSearch('move', wizard);
  await pick('ann', 1, wizard);
  await choose('(1 picked)', 'Done', wizard);
  await choose('Move 1 user to which home server?', 'im-west', wizard);
}

describe('imctl wizard', { timeout: 20_000 }, () => {
  it('show: search as you type, pick the user, read their IM settings and the equivalent command', async () => {
    const wizard = start();
    const { code, stdout } = await showAnn(wizard);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Connected to ldaps://dc1.memory.test as admin@memory.test; users under DC=memory,DC=test.',
    );
    expect(stdout).toMatch(/^Home server\s+im-east \(exch1\.memory\.test\)$/m);
    expect(stdout).toContain('Next time, without the wizard: imctl show -- ann');
  });

  it('show at 80 columns: a URL breaks after a "/" under its value, never mid-word at the last column', async () => {
    const wizard = start(sampleDirectory(), { columns: 80 });
    const { code, stdout } = await showAnn(wizard);
    expect(code).toBe(0);
    for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThan(80);
    expect(stdout).toContain(
      'Home server URL    http://exch1.memory.test/instmsg/local/im.memory.test/\n' +
        `${' '.repeat(19)}instmsg/aliases/ann\n`,
    );
  });

  it('Esc goes back one step at a time, every answer kept; Esc at the first question quits with nothing written', async () => {
    const directory = sampleDirectory();
    const wizard = start(directory);
    await openSearch('enable', wizard);
    await pick('dee', 1, wizard);
    await choose('(1 picked)', 'Done', wizard);
    await choose('Home server for 1 user', 'im-west  exch2', wizard);
    await choose('IM domain (the part after @', IM_DOMAIN, wizard);
    await waitFor('Apply 1 change', wizard);
    // From the review back to the IM domain, the home server, the search (dee still picked), the way to find users.
    await escape(wizard, '? IM domain (the part after @');
    expect(screen.getScreen()).toMatch(new RegExp(`^❯ ${IM_DOMAIN.replace(/\./g, '\\.')}`, 'm'));
    await escape(wizard, '? Home server for 1 user');
    expect(screen.getScreen()).toMatch(/^❯ im-west /m);
    await escape(wizard, '? Add another user, or choose Done (1 picked)');
    await escape(wizard, '? How do you want to find the users to enable?');
    expect(screen.getScreen()).toMatch(/^❯ Search by name, account or mail \(1 user picked so far\)/m);
    await escape(wizard, '? What do you want to do?');
    expect(screen.getScreen()).toMatch(/^❯ Enable Instant Messaging for users/m);
    // And forward again on the same answers: Enter at each question.
    for (const question of ['What do you want to do?', 'How do you want to find', '(1 picked)'])
      await choose(question, question === '(1 picked)' ? 'Done' : '', wizard);
    await choose('Home server for 1 user', 'im-west  exch2', wizard);
    await choose('IM domain (the part after @', IM_DOMAIN, wizard);
    await waitFor('Apply 1 change', wizard);
    expect(directory.written).toEqual([]);
    // Back to the first question, and Esc there: the run ends, nothing written.
    for (const question of [
      '? IM domain',
      '? Home server',
      '? Add another user',
      '? How do you want',
      '? What do you want',
    ])
      await escape(wizard, question);
    wizard.stdin!.emit('keypress', undefined, { name: 'escape' });
    const { code, stderr } = await wizard.result;
    expect(code).toBe(130);
    expect(stderr).toContain('Cancelled; nothing was written.');
    expect(directory.written).toEqual([]);
  });

  it('the server step, when the bind account cannot read the Exchange organisation: exit 1, why, nothing written', async () => {
    const directory = sampleDirectory().hideServers();
    const wizard = start(directory);
    await choose('What do you want to do?', 'Enable Instant Messaging for users', wizard);
    await typeNames('dee', wizard);
    const { code, stderr } = await wizard.result;
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot read \(CN=IM Virtual Server,.*\): it probably cannot read/);
    expect(directory.written).toEqual([]);

    // No user homed anywhere to tell by: the step says what else "no home server" may mean.
    const empty = new MemoryDirectory([EAST, WEST], [person('dee')]).hideServers();
    const second = start(empty);
    await choose('What do you want to do?', 'Enable Instant Messaging for users', second);
    await typeNames('dee', second);
    const none = await second.result;
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('or none the bind account can read in the Exchange organisation');
  });

  it('"Another IM domain…" answers "another one, typed next"; Esc from the review reopens the domain typed, then the list', async () => {
    const wizard = start();
    await choose('What do you want to do?', 'Enable Instant Messaging for users', wizard);
    await typeNames('dee', wizard);
    await choose('Home server for 1 user', 'im-west  exch2', wizard);
    await choose('IM domain (the part after @', 'Another IM domain…', wizard);
    await waitFor('IM domain (e.g. im.corp.example.com)', wizard);
    expect(await screen.getFullOutput()).toContain(
      'IM domain (the part after @ in the IM address): another one, typed next',
    );
    screen.type('im2.memory.test');
    screen.keypress('enter');
    await waitFor('Apply 1 change', wizard);
    await escape(wizard, 'IM domain (e.g. im.corp.example.com): im2.memory.test');
    await escape(wizard, '? IM domain (the part after @');
    expect(screen.getScreen()).toMatch(/^❯ Another IM domain…/m);
    screen.keypress({ name: 'c', ctrl: true });
    expect((await wizard.result).code).toBe(130);
  });

  it('search: arrows, then typing, extend the search typed so far (they do not start a new one)', async () => {
    const wizard = start(new MemoryDirectory([EAST], [person('smith01'), person('smith02'), person('smyth')]));
    await openSearch('enable', wizard);
    screen.type('sm');
    await waitFor('User smyth (smyth)', wizard);
    screen.keypress('down');
    await waitFor('❯ User smith02', wizard);
    screen.type('i');
    await waitFor('mail: smi', wizard);
    screen.keypress('up');
    screen.type('th');
    await waitFor('mail: smith', wizard);
    // The matches for "smith" replace those for "smi" once the search has run.
    for (let wait = 0; wait < 100 && screen.getScreen().includes('smyth'); wait++) await sleep(20);
    const shown = screen.getScreen();
    expect(shown).toContain('User smith01 (smith01)');
    expect(shown).not.toContain('smyth');
    screen.keypress({ name: 'c', ctrl: true });
    expect((await wizard.result).code).toBe(130);
  });

  it('move: pick a user and a home server, review, apply through the write path', async () => {
    const directory = sampleDirectory();
    const wizard = start(directory);
    await openSearch('move', wizard);
    await pick('ann', 1, wizard);
    await choose('(1 picked)', 'Done', wizard);
    await choose('Move 1 user to which home server?', 'im-west', wizard);
    await waitFor('Apply', wizard);
    // Nothing is written before the confirmation.
    expect(directory.written).toEqual([]);
    await choose('Apply', 'Yes, apply', wizard);
    const { code, stdout } = await wizard.result;
    expect(code).toBe(0);
    expect(stdout).toContain('move: 1 changed, 0 unchanged, 0 failed.');
    expect(directory.get('CN=ann,OU=Staff,DC=memory,DC=test')!.im).toEqual(imValues('ann', IM_DOMAIN, WEST));
  });

  it('on Windows the undo and next-time lines are quoted for PowerShell', async () => {
    const wizard = start(sampleDirectory(), { os: 'win32' });
    await moveAnnToWest(wizard);
    await choose('Apply', 'Yes, apply', wizard);
    const { code, stdout, home } = await wizard.result;
    expect(code).toBe(0);
    // PowerShell's binder would swallow a bare -- (npm's imctl.ps1 shim); what starts with - or / is quoted.
    expect(stdout).toContain("Next time, without the wizard: imctl move '--to=im-west' --yes '--' ann");
    expect(stdout).toMatch(new RegExp(`To put it all back: imctl undo '${home}/state/imctl/journal/[^']+\\.jsonl'`));
  });

  it('the cursor starts on the first choice that can be taken: Enter takes it, not "This option is disabled"', async () => {
    const directory = sampleDirectory();
    const wizard = start(directory);
    await openSearch('move', wizard);
    await pick('ann', 1, wizard);
    await choose('(1 picked)', 'Done', wizard);
    // ann is on im-east, listed first and disabled ("they are all on it already").
    await waitFor('Move 1 user to which home server?', wizard);
    const lines = screen.getScreen().split('\n');
    expect(lines.find((line) => line.includes('im-east'))).toContain('they are all on it already');
    expect(lines.find((line) => line.startsWith('❯'))).toContain('im-west');
    screen.keypress('enter');
    await waitFor('Apply', wizard);
    expect(screen.getScreen()).not.toContain('disabled');
    await choose('Apply', 'Yes, apply', wizard);
    expect((await wizard.result).code).toBe(0);
    expect(directory.get('CN=ann,OU=Staff,DC=memory,DC=test')!.im).toEqual(imValues('ann', IM_DOMAIN, WEST));
  });

  it('the cursor never starts on a server this batch would push over capacity: it starts on the one with the most room', async () => {
    const north = { ...WEST, dn: WEST.dn.replace('im-west', 'im-north'), name: 'im-north', host: 'exch3.memory.test' };
    // --capacity 3: im-east (2 users) has room for 1 of the 2 moved; im-north (empty) for all of them.
    const directory = new MemoryDirectory(
      [EAST, north, WEST],
      [person('ann', WEST), person('ben', WEST), person('cid', EAST), person('dan', EAST)],
    );
    const wizard = start(directory, { args: ['--capacity', '3'] });
    await choose('What do you want to do?', 'Move users to another home server', wizard);
    await typeNames('ann ben', wizard);
    await waitFor('Move 2 users to which home server?', wizard);
    const lines = screen.getScreen().split('\n');
    // im-east is listed first and can be picked, with its warning; the cursor is not on it.
    expect(lines.find((line) => line.includes('im-east'))).toContain('⚠ 2 more would put it over capacity');
    expect(lines.find((line) => line.startsWith('❯'))).toContain('im-north');
    screen.keypress({ name: 'c', ctrl: true });
    expect((await wizard.result).code).toBe(130);
  });

  it('on an 80-column terminal the home server choices fit: cut at a word with "…", never wrapped mid-word', async () => {
    const wizard = start(sampleDirectory(), { args: ['--capacity', '2'], columns: 80 });
    await openSearch('enable', wizard);
    await pick('dee', 1, wizard);
    await pick('eve', 2, wizard);
    await choose('(2 picked)', 'Done', wizard);
    await waitFor('Home server for 2 users', wizard);
    const choices = screen
      .getScreen()
      .split('\n')
      .filter((line) => /im-(east|west)\s/.test(line));
    expect(choices.length).toBeGreaterThanOrEqual(2);
    for (const line of choices) expect([...line].length, line).toBeLessThanOrEqual(80);
    // im-west (1 of 2) would be over with two more: its warning is cut at a space, with "…".
    expect(choices.find((line) => /^..im-west/.test(line))).toMatch(/⚠ .*[^ ]…$/);
    screen.keypress({ name: 'c', ctrl: true });
    const done = await wizard.result;
    expect(done.code).toBe(130);
  });

  it.each([
    // 25 Smiths with IM on, the one without IM past the first 21 matches: none of those shown can be picked.
    [
      26,
      'More than 20 users match "smith"; none of the first 20 can be picked to enable: type more to narrow it down.',
      '… and 12 more that cannot be picked either',
    ],
    [3, '3 users match "smith", and none can be picked to enable:', undefined],
  ])(
    'search with %i matches, none of them to pick: how many match, and the ones that cannot be picked',
    async (total, heading, rest) => {
      const smiths = Array.from({ length: total }, (_, i) =>
        person(`smith${String(i + 1).padStart(2, '0')}`, total > 3 && i === total - 1 ? undefined : EAST),
      );
      const wizard = start(new MemoryDirectory([EAST, WEST], smiths));
      await openSearch('enable', wizard);
      screen.type('smith');
      await waitFor('match "smith"', wizard);
      const shown = screen.getScreen();
      expect(shown).toContain(heading);
      const unpickable = shown.split('\n').filter((line) => line.includes('(IM is on already; Move re-homes)'));
      expect(unpickable).toHaveLength(Math.min(total, 8));
      expect(unpickable[0]).toMatch(/^\s+- User smith01 \(smith01\) \(IM is on already/);
      if (rest) expect(shown).toContain(rest);
      screen.keypress({ name: 'c', ctrl: true });
      expect((await wizard.result).code).toBe(130);
    },
  );

  it('review: a disabled account is named before "Apply", as the scripted enable warns', async () => {
    const directory = new MemoryDirectory([EAST, WEST], [person('dee', undefined, { accountDisabled: true })]);
    const wizard = start(directory);
    // Every answer in order: the task, the name, the server, the IM domain.
    await choose('What do you want to do?', 'Enable Instant Messaging for users', wizard);
    await typeNames('dee', wizard);
    for (const [question, option] of [
      ['Home server for 1 user', 'im-west'],
      ['IM domain (the part after @', IM_DOMAIN],
    ] as const)
      await choose(question, option, wizard);
    await waitFor('Apply 1 change', wizard);
    // Ctrl-C quits at once (no step back), with nothing written.
    screen.keypress({ name: 'c', ctrl: true });
    const { code, stdout } = await wizard.result;
    expect(code).toBe(130);
    expect(directory.written).toEqual([]);
    expect(stdout).toMatch(/1 to change\n⚠ The account "dee" is disabled: IM gives it a seat nobody can use/);
  });

  it('the review at 80 columns: every line of its own breaks at a word (a URL after a "/"); at 200 the same text, unbroken', async () => {
    const review = async (columns: number) => {
      const directory = new MemoryDirectory(
        [EAST, WEST],
        [person('dee', undefined, { accountDisabled: true, displayName: 'Deborah Elizabeth Longname-Whitfield' })],
      );
      const wizard = start(directory, { columns });
      await choose('What do you want to do?', 'Enable Instant Messaging for users', wizard);
      await typeNames('dee', wizard);
      await choose('Home server for 1 user', 'im-west  exch2', wizard);
      await choose('IM domain (the part after @', IM_DOMAIN, wizard);
      await waitFor('Apply 1 change', wizard);
      screen.keypress({ name: 'c', ctrl: true });
      return (await wizard.result).stdout;
    };
    const [narrow, wide] = [await review(80), await review(200)];
    for (const line of narrow.split('\n')) expect(line.length, line).toBeLessThan(80);
    expect(narrow).toContain(
      '      msExchIMPhysicalURL      http://exch2.memory.test/instmsg/local/\n' +
        '                               im.memory.test/instmsg/aliases/dee\n',
    );
    expect(narrow).toMatch(/^⚠ The account "dee" is disabled: .*\n {2}\S/m);
    expect(wide.split('\n').filter((line) => line.length >= 80).length).toBeGreaterThan(2);
    // Only where the lines break differs: nothing is cut or lost.
    expect(narrow.replace(/\s+/g, '')).toBe(wide.replace(/\s+/g, ''));
  });

  it("at 80 columns a prompt's description breaks at words (inquirer's own wrapping cuts them)", async () => {
    const wizard = start(sampleDirectory(), { columns: 80 });
    await choose('What do you want to do?', 'Enable Instant Messaging for users', wizard);
    await waitFor('How do you want to find the users to enable?', wizard);
    const lines = screen.getScreen().split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines.join(' ')).toContain(
      'Type part of a name, sAMAccountName or mail and pick from the matches; repeat for more users, then choose Done.',
    );
    screen.keypress({ name: 'c', ctrl: true });
    expect((await wizard.result).code).toBe(130);
  });

  it('rebalance: a spinner on stderr while every homed user is read, erased before the plan', async () => {
    const wizard = start();
    await choose('What do you want to do?', 'Rebalance the home servers', wizard);
    await choose('What should the rebalance achieve?', 'Bring every home server within capacity', wizard);
    const { code, stderr, stdout } = await wizard.result;
    expect(code).toBe(0);
    expect(stderr).toContain('Reading every homed user to plan the moves…');
    expect(stderr).toContain('\r\x1b[2K');
    expect(stdout).toContain('Every home server is within capacity: nothing to do, nothing was written.');
  });

  it.each([
    [['wizard'], false, /imctl wizard needs a terminal/],
    [['wizard', '--json'], true, /imctl wizard is interactive and has no --json output/],
  ])('%j (terminal: %s) is a usage error (exit 2)', async (argv, tty, message) => {
    const { code, stderr } = await imctlOnMemory(argv, { tty });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
