/**
 * `imctl wizard` through run() against the in-memory directory, its prompts answered with
 * @inquirer/testing: a task from the first prompt to the result, and the usage errors of a run
 * that is not at a terminal. Every task against the lab DC is in wizard.lab.test.ts, the built
 * binary in a real pseudo-terminal in wizard-pty.lab.test.ts.
 */
import { screen } from '@inquirer/testing/vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { EAST, IM_DOMAIN, WEST, imctl, person, sampleDirectory, type ImctlRun } from '../support/run-imctl.js';

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

function start(directory = sampleDirectory(), os?: NodeJS.Platform) {
  const wizard: { done?: ImctlRun; result: Promise<ImctlRun> } = {
    result: imctl(['wizard'], { directory, tty: true, ...(os ? { os } : {}) }),
  };
  void wizard.result.then((done) => (wizard.done = done));
  return wizard;
}

/** The move task up to the choice of home server: find ann by name and pick her. */
async function pickAnnToMove(wizard: { done?: ImctlRun }): Promise<void> {
  await choose('What do you want to do?', 'Move users to another home server', wizard);
  await choose('How do you want to find the users to move?', 'Search by name', wizard);
  await waitFor('Find the user to move', wizard);
  screen.type('ann');
  await waitFor('User ann (ann)', wizard);
  screen.keypress('enter');
  await waitFor('(1 picked)', wizard);
  await choose('(1 picked)', 'Done', wizard);
}

/** The move task up to its review: ann to im-west. */
async function moveAnnToWest(wizard: { done?: ImctlRun }): Promise<void> {
  await pickAnnToMove(wizard);
  await choose('Move 1 user to which home server?', 'im-west', wizard);
}

describe('imctl wizard', { timeout: 20_000 }, () => {
  it('show: search as you type, pick the user, read their IM settings and the equivalent command', async () => {
    const wizard = start();
    await choose('What do you want to do?', "Show a user's IM settings", wizard);
    await waitFor('Find the user to show', wizard);
    screen.type('ann');
    await waitFor('User ann (ann)', wizard);
    screen.keypress('enter');
    const { code, stdout } = await wizard.result;
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Connected to ldaps://dc1.memory.test as admin@memory.test; users under DC=memory,DC=test.',
    );
    expect(stdout).toMatch(/^Home server\s+im-east \(exch1\.memory\.test\)$/m);
    expect(stdout).toContain('Next time, without the wizard: imctl show -- ann');
  });

  it('move: pick a user and a home server, review, apply through the write path', async () => {
    const directory = sampleDirectory();
    const wizard = start(directory);
    await moveAnnToWest(wizard);
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
    const wizard = start(sampleDirectory(), 'win32');
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
    await pickAnnToMove(wizard);
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

  it('on an 80-column terminal the home server choices fit: cut at a word with "…", never wrapped mid-word', async () => {
    const wizard: { done?: ImctlRun; result: Promise<ImctlRun> } = {
      result: imctl(['wizard', '--capacity', '2'], { tty: true, columns: 80 }),
    };
    void wizard.result.then((done) => (wizard.done = done));
    await choose('What do you want to do?', 'Enable Instant Messaging for users', wizard);
    await choose('How do you want to find the users to enable?', 'Search by name', wizard);
    await waitFor('Find the user to enable', wizard);
    screen.type('dee');
    await waitFor('User dee (dee)', wizard);
    screen.keypress('enter');
    await waitFor('(1 picked)', wizard);
    screen.type('eve');
    await waitFor('User eve (eve)', wizard);
    screen.keypress('enter');
    await waitFor('(2 picked)', wizard);
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
      await choose('What do you want to do?', 'Enable Instant Messaging for users', wizard);
      await choose('How do you want to find the users to enable?', 'Search by name', wizard);
      await waitFor('Find the user to enable', wizard);
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
    // Every answer in order: the task, how to find the user, the name, the server, the IM domain.
    const answers: [string, string][] = [
      ['What do you want to do?', 'Enable Instant Messaging for users'],
      ['How do you want to find the users to enable?', 'Type their names'],
    ];
    for (const [question, option] of answers) await choose(question, option, wizard);
    await waitFor('Names (sAMAccountName', wizard);
    screen.type('dee');
    screen.keypress('enter');
    for (const [question, option] of [
      ['Home server for 1 user', 'im-west'],
      ['IM domain (the part after @', IM_DOMAIN],
    ] as const)
      await choose(question, option, wizard);
    await waitFor('Apply 1 change', wizard);
    screen.keypress({ name: 'c', ctrl: true });
    const { code, stdout } = await wizard.result;
    expect(code).toBe(130);
    expect(stdout).toMatch(/1 to change\n⚠ The account "dee" is disabled: IM gives it a seat nobody can use/);
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
    const { code, stderr } = await imctl(argv, { tty });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
