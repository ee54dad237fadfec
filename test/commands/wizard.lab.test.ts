/**
 * `imctl wizard` driven end to end with @inquirer/testing against the lab DC: every task, from the
 * first prompt to the result, with the directory checked afterwards by ldapsearch. Each test
 * works in its own OU and points the wizard's base DN at it, so searches, loads and rebalance
 * plans see only its own users and no other test's data is touched.
 */
import { screen, wrapPrompt } from '@inquirer/testing/vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createContext, type Context } from '../../src/cli/composition-root.js';
import { run } from '../../src/cli/main.js';
import { wizardCommand } from '../../src/commands/wizard/index.js';
import { loadSettings, type GlobalFlags } from '../../src/config/settings.js';
import { Output } from '../../src/ui/output.js';
import { createPrompts } from '../../src/ui/prompts.js';
import {
  IM_ATTRS,
  addUsers,
  createOu,
  imctlEnv,
  lab,
  readEntry,
  scratchDir,
  server,
  type TestUser,
} from '../support/lab.js';

// imctl's own search prompt, on the test screen as @inquirer/testing puts inquirer's own prompts.
vi.mock('../../src/ui/search-prompt.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/ui/search-prompt.js')>();
  return { ...actual, searchPrompt: wrapPrompt(actual.searchPrompt) };
});

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns = 200;
  constructor(tty = true) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

interface Harness {
  context: Context & { close(): Promise<void> };
  stdout: Capture;
  stderr: Capture;
  abort: AbortController;
  env: NodeJS.ProcessEnv;
}

function terminalStreams(tty = true) {
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  return { stdin, stdout: new Capture(tty), stderr: new Capture(tty) };
}

/** A Context as main.ts builds it, from the lab's environment, with a terminal made of buffers. */
function harness(flags: GlobalFlags, options: { config?: object } = {}): Harness {
  const env = imctlEnv();
  const cwd = scratchDir('imctl-wizard-cwd-');
  if (options.config) {
    // Named with --config: a project's ./imctl.json may not set capacities (issue 29, item 8).
    const config = join(cwd, 'config.json');
    writeFileSync(config, JSON.stringify(options.config));
    flags = { ...flags, config };
  }
  const streams = terminalStreams();
  const out = new Output(streams, false, false);
  const abort = new AbortController();
  const context = createContext(loadSettings(flags, env, cwd), out, env, abort.signal);
  return { context, stdout: streams.stdout, stderr: streams.stderr, abort, env };
}

/** Start the wizard with prompts bound to the test screen (Esc is heard on its input). */
function start(h: Harness): Promise<void> {
  const promise = wizardCommand(h.context, { prompts: createPrompts({ input: screen.input, signal: h.abort.signal }) });
  promise.catch(() => undefined);
  return promise;
}

/** Poll the screen until it shows `expected`; fail with the screen and the wizard's error if it ends first. */
async function waitFor(expected: string | RegExp, wizard: Promise<unknown>, timeoutMs = 30_000): Promise<string> {
  let ended: { error?: unknown } | undefined;
  wizard.then(
    () => (ended = {}),
    (error: unknown) => (ended = { error }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen.getScreen();
    if (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) return text;
    if (ended)
      throw new Error(
        `the wizard ended (${ended.error ? String(ended.error) : 'ok'}) before showing ${String(expected)}; screen:\n${text}`,
      );
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; screen:\n${text}`);
    await sleep(20);
  }
}

const activeLine = () =>
  screen
    .getScreen()
    .split('\n')
    .find((line) => line.startsWith('❯'));

/** At the prompt asking `question`, move to the choice containing `option` and press Enter. */
async function choose(question: string, option: string, wizard: Promise<unknown>): Promise<void> {
  await waitFor(question, wizard);
  for (let i = 0; i < 40; i++) {
    if (activeLine()?.includes(option)) {
      screen.keypress('enter');
      return;
    }
    screen.keypress('down');
    await sleep(2);
  }
  throw new Error(`no choice "${option}" at "${question}":\n${screen.getScreen()}`);
}

/** In the search prompt: type `term`, wait for a match containing `pick` to be highlighted, take it. */
async function searchAndPick(term: string, pick: string, wizard: Promise<unknown>): Promise<void> {
  screen.type(term);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const active = activeLine();
    if (active?.includes(pick)) break;
    if (!active && screen.getScreen().includes(pick)) {
      screen.keypress('down');
    }
    if (Date.now() > deadline) throw new Error(`no match "${pick}" for "${term}":\n${screen.getScreen()}`);
    await sleep(20);
  }
  screen.keypress('enter');
  await waitFor(/picked\)|Home server|IM domain|Move|Apply|User /, wizard);
}

async function imOf(dn: string) {
  const entry = await readEntry(dn, [...IM_ATTRS, 'msExchIMACL']);
  return entry?.attrs ?? {};
}

const IM_DOMAIN = () => lab().imDomain;

describe('imctl wizard (driven with @inquirer/testing against the lab DC)', () => {
  beforeAll(() => {
    // The lab facts are read once; make sure the lab answers before the first prompt test.
    expect(lab().ldapsUrl).toMatch(/^ldaps:/);
  });

  it('directory data cannot drive the terminal: a hostile displayName reaches choices, separators and the review escaped', async () => {
    const ou = await createOu('wizard-hostile');
    // A clipboard write (OSC 52), a window title (OSC 0) and a C1 CSI, as any user who can edit their own displayName could set.
    const hostile = 'Eve \x1b]52;c;cm0gLXJmIH4K\x07 \x1b]0;pwned\x07 \x9b31mRed Evil';
    await addUsers(ou, [{ sam: 'wz-eve', cn: 'Eve Hostile', extra: { displayName: hostile } }]);
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', 'Enable Instant Messaging', wizard);
    await choose('How do you want to find the users to enable?', 'Search by name', wizard);
    await waitFor('Find the user to enable', wizard);
    screen.type('eve');
    await waitFor('Red Evil', wizard);
    // The raw bytes the prompt wrote (the screen strips control sequences for its own text).
    const searchOutput = await screen.getFullOutput({ raw: true });
    expect(searchOutput).toContain('Red Evil');
    screen.keypress('enter');
    await waitFor('(1 picked)', wizard);
    const pickedOutput = await screen.getFullOutput({ raw: true });
    screen.keypress('enter');
    await choose('Home server for 1 user', 'im-west', wizard);
    await choose('IM domain (the part after @', IM_DOMAIN(), wizard);
    await waitFor('Apply 1 change on localhost?', wizard);
    const shown =
      searchOutput + pickedOutput + (await screen.getFullOutput({ raw: true })) + h.stdout.text + h.stderr.text;
    expect(shown).not.toMatch(/\x1b\]|\x9b|\x07/);
    expect(shown).toContain('Eve \\x1b]52;c;cm0gLXJmIH4K\\x07 \\x1b]0;pwned\\x07 \\x9b31mRed Evil');
    screen.keypress({ name: 'c', ctrl: true });
    await wizard.catch(() => undefined);
    expect(await imOf(`CN=Eve Hostile,${ou}`)).toEqual({});
  });

  it('enable: search as you type for two users, pick a home server and the IM domain, review, apply', async () => {
    const ou = await createOu('wizard-enable');
    const [annDn, benDn] = await addUsers(ou, [
      { sam: 'wz-ann', cn: 'Wizard, Annika', extra: { displayName: 'Annika Wizard' } },
      { sam: 'wz-ben', cn: 'Star*Gazer (Ben)' },
      { sam: 'wz-cid', cn: 'Cid Wizard', im: { server: server('im-east') } },
    ]);
    const west = server('im-west');
    const h = harness({ baseDn: ou });
    const wizard = start(h);

    await choose('What do you want to do?', 'Enable Instant Messaging', wizard);
    await choose('How do you want to find the users to enable?', 'Search by name', wizard);
    await waitFor('Find the user to enable', wizard);
    // "wizard" matches all three; the one already enabled cannot be picked and says why.
    screen.type('wizard');
    const matches = await waitFor('Cid Wizard', wizard);
    expect(matches).toMatch(/- Cid Wizard \(wz-cid\) .* on im-east .*\(IM is on already; Move re-homes\)/);
    screen.keypress('enter');
    await waitFor('(1 picked)', wizard);
    // Names with filter metacharacters are found, escaped.
    await searchAndPick('star*g', 'Star*Gazer (Ben) (wz-ben)', wizard);
    await waitFor('(2 picked)', wizard);
    expect(activeLine()).toContain('Done — go on with 2 users');
    screen.keypress('enter');

    const servers = await waitFor('Home server for 2 users', wizard);
    expect(servers).toContain('The one with the most room');
    expect(servers).toMatch(/im-west\s+exch2\.lab\.imctl\.test\s+0 \/ 7,500 users/);
    expect(servers).toMatch(/not listed: im-router — router, cannot host users/);
    expect(servers).not.toMatch(/^\s*❯?\s*im-router/m);
    await choose('Home server for 2 users', 'im-west', wizard);

    const domains = await waitFor('IM domain (the part after @', wizard);
    expect(domains).toMatch(
      new RegExp(`${IM_DOMAIN().replace(/\./g, '\\.')}\\s+\\(your default; in use: 1 of 1 addresses sampled\\)`),
    );
    await choose('IM domain (the part after @', IM_DOMAIN(), wizard);

    await waitFor('Apply 2 changes on localhost?', wizard);
    const review = h.stdout.text;
    expect(review).toContain(`Enable IM for 2 users on im-west, IM domain ${IM_DOMAIN()}:`);
    expect(review).toContain('● Annika Wizard (wz-ann) — enable on im-west');
    expect(review).toContain(`msExchIMAddress          wz-ann@${IM_DOMAIN()}`);
    expect(review).toContain(`msExchIMMetaPhysicalURL  http://${IM_DOMAIN()}/instmsg/aliases/wz-ben`);
    expect(review).toContain(
      `msExchIMPhysicalURL      http://${west.host}/instmsg/local/${IM_DOMAIN()}/instmsg/aliases/wz-ann`,
    );
    expect(review).toContain(`msExchIMVirtualServer    im-west (${west.host})`);
    expect(review).toContain('2 to change');
    // Nothing is written before the confirmation.
    expect(await imOf(annDn!)).toEqual({});

    await choose('Apply 2 changes', 'Show the equivalent imctl command', wizard);
    await waitFor('Apply 2 changes', wizard);
    await sleep(50);
    expect(h.stdout.text).toContain(`imctl enable --server=im-west --im-domain=${IM_DOMAIN()} --yes -- wz-ann wz-ben`);
    await choose('Apply 2 changes', 'Yes, apply', wizard);
    await wizard;

    expect(h.stdout.text).toMatch(/changed\s+wz-ann/);
    expect(h.stdout.text).toContain('enable: 2 changed, 0 unchanged, 0 failed.');
    expect(h.stderr.text).toMatch(/Journal: .*imctl\/journal\/.*-enable-\d+\.jsonl/);
    expect(h.stdout.text).toMatch(/To put it all back: imctl undo \S+-enable-\d+\.jsonl/);
    expect(h.stdout.text).toContain(
      `Next time, without the wizard: imctl enable --server=im-west --im-domain=${IM_DOMAIN()} --yes -- wz-ann wz-ben`,
    );
    for (const [dn, alias] of [
      [annDn!, 'wz-ann'],
      [benDn!, 'wz-ben'],
    ] as const) {
      const attrs = await imOf(dn);
      expect(attrs.msexchimaddress).toEqual([`${alias}@${IM_DOMAIN()}`]);
      expect(attrs.msexchimmetaphysicalurl).toEqual([`http://${IM_DOMAIN()}/instmsg/aliases/${alias}`]);
      expect(attrs.msexchimphysicalurl).toEqual([
        `http://${west.host}/instmsg/local/${IM_DOMAIN()}/instmsg/aliases/${alias}`,
      ]);
      expect(attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(west.dn.toLowerCase());
    }
    await h.context.close();
  });

  it('enable: a typed list with an unknown name (suggestions offered) and one not found, most room, another IM domain', async () => {
    const ou = await createOu('wizard-list');
    const [dlDn, smithDn] = await addUsers(ou, [
      { sam: 'wz-dl', cn: 'Dee Ell' },
      { sam: 'wz-ws', cn: 'Smithers, Waylon' },
      { sam: 'wz-busy', cn: 'Busy Bee', im: { server: server('im-west') } },
      { sam: 'wz-full', cn: 'Full Up', im: { server: server('im-east') } },
    ]);
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', 'Enable Instant Messaging', wizard);
    await choose('How do you want to find the users to enable?', 'Type their names', wizard);
    await waitFor('Names (sAMAccountName, mail, UPN or DN)', wizard);
    screen.type('wz-dl, Smithers nobody-wz');
    screen.keypress('enter');
    await choose('No user is named "Smithers". Did you mean one of these?', 'Smithers, Waylon (wz-ws)', wizard);
    await waitFor('Go on with the 2 users found?', wizard);
    expect(h.stdout.text).toContain('Found 2 users: Dee Ell (wz-dl), Smithers, Waylon (wz-ws).');
    expect(h.stdout.text).toContain('Not found, left out (1): nobody-wz');
    screen.keypress('enter');

    // Most room, counting this batch: im-north and im-south hold none of this OU's users.
    const servers = await waitFor('Home server for 2 users', wizard);
    expect(servers).toMatch(/The one with the most room \(now: im-north ×1, im-south ×1\)/);
    await choose('Home server for 2 users', 'The one with the most room', wizard);
    await choose('IM domain (the part after @', 'Another IM domain…', wizard);
    await waitFor('IM domain (e.g. im.corp.example.com)', wizard);
    screen.type('not a domain');
    screen.keypress('enter');
    await waitFor('Not a DNS name', wizard);
    for (let i = 0; i < 'not a domain'.length; i++) screen.keypress('backspace');
    screen.type('IM2.Lab.Imctl.Test');
    screen.keypress('enter');
    await choose('Apply 2 changes', 'Yes, apply', wizard);
    await wizard;

    expect(h.stdout.text).toContain(
      'Enable IM for 2 users on the home servers with the most room, IM domain im2.lab.imctl.test:',
    );
    expect(h.stdout.text).toContain(
      'Next time, without the wizard: imctl enable --im-domain=im2.lab.imctl.test --yes -- wz-dl wz-ws',
    );
    const dl = await imOf(dlDn!);
    const ws = await imOf(smithDn!);
    expect(dl.msexchimaddress).toEqual(['wz-dl@im2.lab.imctl.test']);
    expect(ws.msexchimaddress).toEqual(['wz-ws@im2.lab.imctl.test']);
    expect(dl.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(server('im-north').dn.toLowerCase());
    expect(ws.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(server('im-south').dn.toLowerCase());
    await h.context.close();
  });

  it('enable: a user that cannot be done fails with its reason and what to do (exit 3), the rest are done', async () => {
    const ou = await createOu('wizard-partial');
    const [newDn, busyDn] = await addUsers(ou, [
      { sam: 'wz-new', cn: 'New Comer' },
      { sam: 'wz-onwest', cn: 'On West', im: { server: server('im-west') } },
    ]);
    const before = await imOf(busyDn!);
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', 'Enable Instant Messaging', wizard);
    await choose('How do you want to find the users to enable?', 'Type their names', wizard);
    await waitFor('Names (sAMAccountName', wizard);
    screen.type('wz-new wz-onwest');
    screen.keypress('enter');
    await choose('Home server for 1 user', 'im-north', wizard);
    await choose('IM domain (the part after @', IM_DOMAIN(), wizard);
    await waitFor('Apply 1 change', wizard);
    expect(h.stdout.text).toContain(
      '✘ On West (wz-onwest) — cannot: already IM-enabled on im-west; use "imctl move" to re-home it',
    );
    expect(h.stdout.text).toContain('1 to change · 1 cannot be done');
    screen.keypress('enter');
    const error = await wizard.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'PartialFailure', exitCode: 3 });
    expect(h.stdout.text).toMatch(/failed\s+wz-onwest — already IM-enabled on im-west/);
    expect(h.stdout.text).toContain('What to do: fix what each failure above says, then run the wizard again');
    expect((await imOf(newDn!)).msexchimvirtualserver?.[0]?.toLowerCase()).toBe(server('im-north').dn.toLowerCase());
    expect(await imOf(busyDn!)).toEqual(before);
    await h.context.close();
  });

  it('disable: a list pasted in the editor ($VISUAL, run for real); msExchIMACL stays', async () => {
    const ou = await createOu('wizard-disable');
    const [oneDn, twoDn] = await addUsers(ou, [
      { sam: 'wz-d1', cn: 'Dis One', im: { server: server('im-east') }, extra: { msExchIMACL: 'opaque-acl' } },
      { sam: 'wz-d2', cn: 'Dis, Two', im: { server: server('im-west') } },
    ]);
    // The "editor" appends what the admin pastes to the file the prompt hands it.
    const dir = scratchDir('imctl-wizard-editor-');
    const paste = join(dir, 'paste.txt');
    writeFileSync(paste, `wz-d1\n${twoDn}\n`);
    const editor = join(dir, 'paste-editor.sh');
    writeFileSync(editor, `#!/bin/sh\ncat '${paste}' >> "$1"\n`, { mode: 0o755 });
    const saved = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
    process.env.VISUAL = editor;
    onTestFinished(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', 'Disable Instant Messaging', wizard);
    await choose('How do you want to find the users to disable?', 'Paste a list', wizard);
    await waitFor('Paste the names in the editor', wizard);
    screen.keypress('enter'); // runs the editor on a file that starts with the comment line
    await waitFor('Apply 2 changes', wizard);
    expect(h.stdout.text).toContain('Disable IM for 2 users (msExchIMACL stays):');
    expect(h.stdout.text).toMatch(/msExchIMAddress\s+\(cleared\) was wz-d1@/);
    expect(h.stdout.text).toMatch(/msExchIMVirtualServer\s+\(cleared\) was im-west \(exch2/);
    await choose('Apply 2 changes', 'Yes, apply', wizard);
    await wizard;
    expect(h.stdout.text).toContain('disable: 2 changed, 0 unchanged, 0 failed.');
    expect(h.stdout.text).toContain('Next time, without the wizard: imctl disable --yes -- wz-d1 wz-d2');
    expect(await imOf(oneDn!)).toEqual({ msexchimacl: ['opaque-acl'] });
    expect(await imOf(twoDn!)).toEqual({});
    await h.context.close();
  });

  it('move: full servers cannot be picked, routers are not offered; only the home and the private URL change', async () => {
    const ou = await createOu('wizard-move');
    const [moverDn] = await addUsers(ou, [
      { sam: 'wz-mover', cn: 'Mover, Mo', im: { server: server('im-east') } },
      { sam: 'wz-north', cn: 'North Dweller', im: { server: server('im-north') } },
    ]);
    const before = await imOf(moverDn!);
    const south = server('im-south');
    const h = harness({ baseDn: ou }, { config: { servers: { 'im-north': { capacity: 1 } } } });
    const wizard = start(h);
    await choose('What do you want to do?', 'Move users to another home server', wizard);
    await choose('How do you want to find the users to move?', 'Search by name', wizard);
    await waitFor('Find the user to move', wizard);
    await searchAndPick('mover', 'Mover, Mo (wz-mover)', wizard);
    await waitFor('(1 picked)', wizard);
    screen.keypress('enter');
    const servers = await waitFor('Move 1 user to which home server?', wizard);
    expect(servers).toMatch(/im-north .*\(full: 1 of 1 users\)/);
    expect(servers).toMatch(/im-east .*\(they are all on it already\)/);
    expect(servers).not.toContain('The one with the most room');
    expect(servers).toContain('not listed: im-router');
    await choose('Move 1 user to which home server?', 'im-south', wizard);
    await waitFor('Apply 1 change', wizard);
    expect(h.stdout.text).toContain('Move 1 user to im-south (exch4.lab.imctl.test):');
    expect(h.stdout.text).toMatch(
      /msExchIMVirtualServer\s+im-south \(exch4\.lab\.imctl\.test\)\n\s+was im-east \(exch1\.lab\.imctl\.test\)/,
    );
    expect(h.stdout.text).not.toMatch(/msExchIMAddress/);
    await choose('Apply 1 change', 'Yes, apply', wizard);
    await wizard;
    const after = await imOf(moverDn!);
    expect(after.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(south.dn.toLowerCase());
    expect(after.msexchimphysicalurl).toEqual([
      `http://${south.host}/instmsg/local/${IM_DOMAIN()}/instmsg/aliases/wz-mover`,
    ]);
    expect(after.msexchimaddress).toEqual(before.msexchimaddress);
    expect(after.msexchimmetaphysicalurl).toEqual(before.msexchimmetaphysicalurl);
    expect(h.stdout.text).toContain('Next time, without the wizard: imctl move --to=im-south --yes -- wz-mover');
    await h.context.close();
  });

  it('show: one user found by search, shown by the show command', async () => {
    const ou = await createOu('wizard-show');
    await addUsers(ou, [{ sam: 'wz-shown', cn: 'Ångström, Zoë', im: { server: server('im-west') } }]);
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', "Show a user's IM settings", wizard);
    await waitFor('Find the user to show', wizard);
    screen.type('Zoë');
    await waitFor(/❯ Ångström, Zoë \(wz-shown\)/, wizard);
    screen.keypress('enter');
    await wizard;
    expect(h.stdout.text).toMatch(/IM address\s+wz-shown@/);
    expect(h.stdout.text).toMatch(/Home server\s+im-west \(exch2\.lab\.imctl\.test\)/);
    expect(h.stdout.text).toContain('No drift');
    expect(h.stdout.text).toContain('Next time, without the wizard: imctl show -- wz-shown');
    await h.context.close();
  });

  it('rebalance: fit within capacity with the fewest moves, then drain a server', async () => {
    const ou = await createOu('wizard-rebalance');
    const users: TestUser[] = ['a', 'b', 'c', 'd', 'e'].map((x) => ({
      sam: `wz-rb-${x}`,
      cn: `Rebalance ${x.toUpperCase()}`,
      im: { server: server('im-east') },
    }));
    const dns = await addUsers(ou, users);
    const homes = async () =>
      Promise.all(dns.map(async (dn) => (await imOf(dn)).msexchimvirtualserver?.[0]?.toLowerCase()));
    const east = server('im-east').dn.toLowerCase();

    // Capacity 2 per server (a flag) with 5 users on im-east: 3 must move.
    let h = harness({ baseDn: ou, capacity: 2 });
    let wizard = start(h);
    await choose('What do you want to do?', 'Rebalance the home servers', wizard);
    await choose('What should the rebalance achieve?', 'Bring every home server within capacity', wizard);
    await waitFor('Apply 3 changes', wizard);
    expect(h.stdout.text).toMatch(/im-east\s+│\s+2\s+│\s+5/);
    expect(h.stdout.text).toContain(
      '3 moves (3 over-capacity): the fewest that bring every home server within capacity.',
    );
    expect(h.stdout.text).toMatch(/● Rebalance [CDE] \(wz-rb-[cde]\) — move im-east → im-/);
    await choose('Apply 3 changes', 'Yes, apply', wizard);
    await wizard;
    expect(h.stdout.text).toContain('rebalance: 3 changed, 0 unchanged, 0 failed.');
    expect(h.stdout.text).toContain('Next time, without the wizard: imctl --capacity=2 rebalance --apply --yes');
    expect((await homes()).filter((home) => home === east)).toHaveLength(2);
    await h.context.close();

    // Drain im-east: its two users go elsewhere.
    h = harness({ baseDn: ou });
    wizard = start(h);
    await choose('What do you want to do?', 'Rebalance the home servers', wizard);
    await choose('What should the rebalance achieve?', 'Empty one or more servers', wizard);
    await waitFor('Which servers should be emptied?', wizard);
    expect(screen.getScreen()).not.toContain('im-router');
    for (let i = 0; i < 10 && !activeLine()?.includes('im-east'); i++) {
      screen.keypress('down');
      await sleep(2);
    }
    screen.keypress('space');
    screen.keypress('enter');
    await choose('Apply 2 changes', 'Yes, apply', wizard);
    await wizard;
    expect(h.stdout.text).toContain('Next time, without the wizard: imctl rebalance --drain=im-east --apply --yes');
    expect((await homes()).filter((home) => home === east)).toHaveLength(0);
    await h.context.close();
  });

  it('Esc at the home-server question goes back to the names typed, and back to the first question, where it ends the run: nothing written', async () => {
    const ou = await createOu('wizard-esc');
    const [dn] = await addUsers(ou, [{ sam: 'wz-esc', cn: 'Escape Artist' }]);
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', 'Enable Instant Messaging', wizard);
    await choose('How do you want to find the users to enable?', 'Type their names', wizard);
    await waitFor('Names (sAMAccountName', wizard);
    screen.type('wz-esc');
    screen.keypress('enter');
    await waitFor('Home server for 1 user', wizard);
    screen.keypress('escape');
    // The names as typed, to edit.
    await waitFor(/Names \(sAMAccountName.*wz-esc$/m, wizard);
    screen.keypress('escape');
    await waitFor('? How do you want to find the users to enable?', wizard);
    screen.keypress('escape');
    await waitFor('? What do you want to do?', wizard);
    screen.keypress('escape');
    await expect(wizard).rejects.toMatchObject({ name: 'PromptBackError' });
    expect(await imOf(dn!)).toEqual({});
    await h.context.close();
  });

  it('search escapes what is typed: a filter-injection attempt matches nothing', async () => {
    const ou = await createOu('wizard-inject');
    await addUsers(ou, [{ sam: 'wz-inj', cn: 'Injected Not' }]);
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', "Show a user's IM settings", wizard);
    await waitFor('Find the user to show', wizard);
    screen.type('*)(cn=*');
    await waitFor('No user matches "*)(cn=*".', wizard);
    expect(screen.getScreen()).not.toContain('Injected Not');
    screen.keypress('escape');
    await waitFor('? What do you want to do?', wizard);
    screen.keypress('escape');
    await expect(wizard).rejects.toMatchObject({ name: 'PromptBackError' });
    await h.context.close();
  });

  it('an unexpected failure ends in one sentence that says what to do, not a stack', async () => {
    const h = harness({});
    const prompts = {
      ...createPrompts({ input: screen.input }),
      select: async () => Promise.reject(new TypeError('cannot read the moon')),
    };
    const error = await wizardCommand(h.context, { prompts }).then(
      () => undefined,
      (e: unknown) => e as { exitCode: number; message: string; reason: string },
    );
    expect(error).toMatchObject({ exitCode: 1, reason: 'wizard-failed' });
    expect(error!.message).toBe(
      'The wizard stopped: cannot read the moon. Nothing was written after the last result shown. Run it again, or run the equivalent command with --verbose to see more.',
    );
    await h.context.close();
  });

  it('"No, cancel" at the review writes nothing and exits 130', async () => {
    const ou = await createOu('wizard-no');
    const [dn] = await addUsers(ou, [{ sam: 'wz-no', cn: 'Not Today', im: { server: server('im-east') } }]);
    const before = await imOf(dn!);
    const h = harness({ baseDn: ou });
    const wizard = start(h);
    await choose('What do you want to do?', 'Disable Instant Messaging', wizard);
    await choose('How do you want to find the users to disable?', 'Type their names', wizard);
    await waitFor('Names (sAMAccountName', wizard);
    screen.type('wz-no');
    screen.keypress('enter');
    await choose('Apply 1 change', 'No, cancel', wizard);
    await expect(wizard).rejects.toMatchObject({
      name: 'Interrupted',
      exitCode: 130,
      message: 'Cancelled at the review: nothing was written.',
    });
    expect(await imOf(dn!)).toEqual(before);
    await h.context.close();
  });

  it('through the entry module: Ctrl-C at a prompt exits 130 with one line, no stack', async () => {
    const ou = await createOu('wizard-ctrlc');
    const streams = terminalStreams();
    const exit = run(['node', 'imctl', 'wizard'], { streams, env: imctlEnv({ IMCTL_BASE_DN: ou }), cwd: scratchDir() });
    await waitFor('What do you want to do?', exit);
    screen.keypress({ name: 'c', ctrl: true });
    expect(await exit).toBe(130);
    expect(streams.stderr.text).toBe('error: Cancelled; nothing was written.\n');
  });

  it.each([
    ['stdin is not a terminal', { stdin: false, stdout: true }, []],
    ['stdout is not a terminal', { stdin: true, stdout: false }, []],
    ['--json', { stdin: true, stdout: true }, ['--json']],
  ])('refuses with a usage error (exit 2) when %s, pointing at the scripted commands', async (_why, tty, flags) => {
    const streams = terminalStreams();
    streams.stdin.isTTY = tty.stdin;
    streams.stdout.isTTY = tty.stdout;
    const code = await run(['node', 'imctl', ...flags, 'wizard'], { streams, env: imctlEnv(), cwd: scratchDir() });
    expect(code).toBe(2);
    expect(streams.stderr.text + streams.stdout.text).toMatch(/imctl enable|scripted commands/);
    expect(streams.stderr.text).not.toMatch(/\bat .*\.js:\d+/);
  });
});
