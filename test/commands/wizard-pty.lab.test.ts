/**
 * The BUILT binary's wizard in a real pseudo-terminal (tmux): keys go in with send-keys, the
 * screen comes back with capture-pane, and the directory is checked afterwards with ldapsearch.
 * Run `npm run build` first. The tmux server runs on a private socket and is killed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/commands/wizard/equivalent-command.js';
import { Tmux } from '../support/tmux.js';
import { gssapiSearch, kerberosEnv, kinit, krb } from '../support/kerberos.js';
import {
  IM_ATTRS,
  addUsers,
  adminPassword,
  createOu,
  imctlEnv,
  lab,
  readEntry,
  repoRoot,
  scratchDir,
  server,
} from '../support/lab.js';

const terminal = new Tmux(`imctl-wizard-test-${process.pid}`);
const startWizard = (env: NodeJS.ProcessEnv) => terminal.startImctl('wizard', env);
const screenOf = (session: string) => terminal.screen(session);
const waitFor = (session: string, expected: string | RegExp) => terminal.waitFor(session, expected);
const keys = (session: string, ...names: string[]) => terminal.keys(session, ...names);
const type = (session: string, text: string) => terminal.type(session, text);

/** The highlighted choice of the prompt on screen (the last line starting with ❯). */
function activeChoice(session: string): string | undefined {
  return screenOf(session)
    .split('\n')
    .filter((line) => line.startsWith('❯'))
    .at(-1);
}

async function choose(session: string, question: string, option: string): Promise<void> {
  await waitFor(session, question);
  for (let i = 0; i < 20; i++) {
    const deadline = Date.now() + 5_000;
    let active = activeChoice(session);
    while (!active && Date.now() < deadline) {
      await sleep(50);
      active = activeChoice(session);
    }
    if (active?.includes(option)) {
      keys(session, 'Enter');
      return;
    }
    const before = active;
    keys(session, 'Down');
    while (activeChoice(session) === before && Date.now() < deadline) await sleep(20);
  }
  throw new Error(`no choice "${option}" at "${question}":\n${screenOf(session)}`);
}

describe('imctl wizard in a real terminal (tmux, built binary)', () => {
  let ou: string;
  let dn: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    execFileSync('tmux', ['-V']);
    ou = await createOu('wizard-pty');
    [dn] = (await addUsers(ou, [
      { sam: 'wz-pty', cn: 'Terminal, Tess', extra: { displayName: 'Tess Terminal' } },
      { sam: 'wz-pty-other', cn: 'Other Person' },
    ])) as [string];
    env = imctlEnv({ IMCTL_BASE_DN: ou });
  });

  afterAll(() => terminal.close());

  it('enables a user from the first prompt to the result; ldapsearch sees the values', async () => {
    const west = server('im-west');
    const s = startWizard(env);
    await choose(s, 'What do you want to do?', 'Enable Instant Messaging for users');
    await choose(s, 'How do you want to find the users to enable?', 'Search by name, account or mail');
    await waitFor(s, 'Find the user to enable');
    type(s, 'tess');
    await waitFor(s, /❯ Tess Terminal \(wz-pty\)/);
    keys(s, 'Enter');
    await waitFor(s, /❯ ✔ Done — go on with 1 user/);
    keys(s, 'Enter');
    await choose(s, 'Home server for 1 user', 'im-west');
    await choose(s, 'IM domain (the part after @', lab().imDomain);
    const review = await waitFor(s, 'Apply 1 change on localhost?');
    expect(review).toContain(
      `msExchIMPhysicalURL      http://${west.host}/instmsg/local/${lab().imDomain}/instmsg/aliases/wz-pty`,
    );
    expect((await readEntry(dn, IM_ATTRS))?.attrs).toEqual({});
    keys(s, 'Enter');
    const done = await waitFor(s, '[exit 0]');
    expect(done).toMatch(/changed\s+wz-pty/);
    expect(done).toContain('enable: 1 changed, 0 unchanged, 0 failed.');
    expect(done).toMatch(/Journal: \S+\.jsonl/);
    expect(done).toContain(
      `Next time, without the wizard: imctl enable --server=im-west --im-domain=${lab().imDomain} --yes -- wz-pty`,
    );

    const attrs = (await readEntry(dn, IM_ATTRS))!.attrs;
    expect(attrs.msexchimaddress).toEqual([`wz-pty@${lab().imDomain}`]);
    expect(attrs.msexchimmetaphysicalurl).toEqual([`http://${lab().imDomain}/instmsg/aliases/wz-pty`]);
    expect(attrs.msexchimphysicalurl).toEqual([
      `http://${west.host}/instmsg/local/${lab().imDomain}/instmsg/aliases/wz-pty`,
    ]);
    expect(attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(west.dn.toLowerCase());
  });

  it('at 80 columns: arrows then typing extend the search; the review breaks at words, a URL after a "/"', async () => {
    const otherDn = `CN=Other Person,${ou}`;
    const s = terminal.startImctl('wizard', env, 80, 50);
    await choose(s, 'What do you want to do?', 'Enable Instant Messaging for users');
    await choose(s, 'How do you want to find the users to enable?', 'Search by name, account or mail');
    await waitFor(s, 'Find the user to enable');
    type(s, 'wz');
    await waitFor(s, /Other Person \(wz-pty-other\)/);
    keys(s, 'Down');
    await sleep(200);
    type(s, '-pty-o');
    // The search is "wz-pty-o" (readline's line is not emptied by the arrow): only Other Person matches.
    await waitFor(s, /mail: wz-pty-o\n/);
    await waitFor(s, /❯ Other Person \(wz-pty-other\)[^\n]*\n\s*\n/);
    expect(screenOf(s)).not.toMatch(/Tess Terminal \(wz-pty\)\s+·/);
    keys(s, 'Enter');
    await waitFor(s, /❯ ✔ Done — go on with 1 user/);
    keys(s, 'Enter');
    await choose(s, 'Home server for 1 user', 'im-west ');
    await choose(s, 'IM domain (the part after @', lab().imDomain);
    await waitFor(s, 'Apply 1 change on localhost?');
    // As the terminal shows it, lines not joined back: none is cut by the terminal's own wrap.
    const shown = terminal.screen(s, false);
    for (const line of shown.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(shown).toMatch(/^ {6}msExchIMPhysicalURL {6}http:\/\/\S+\/\n {31}\S+\/wz-pty-other$/m);
    await choose(s, 'Apply 1 change', 'No, cancel');
    await waitFor(s, '[exit 130]');
    expect((await readEntry(otherDn, IM_ATTRS))?.attrs).toEqual({});
  });

  it('over sealed 389 with only a Kerberos ticket (no CA, no password): enables a user; ldapsearch -Y GSSAPI sees the values', async () => {
    const [sealedDn] = (await addUsers(ou, [
      { sam: 'wz-pty-krb', cn: 'Kerberos, Kira', extra: { displayName: 'Kira Kerberos' } },
    ])) as [string];
    const cache = await kinit(krb().adminPrincipal, lab().adminPassword);
    // The DCs by SRV from the lab's DNS, the ticket, no CA file: bound on ldap:// 389 with the SASL layer sealing.
    const s = startWizard(kerberosEnv(cache, { IMCTL_CA_FILE: undefined, IMCTL_AUTH: 'kerberos', IMCTL_BASE_DN: ou }));
    const south = server('im-south');
    await choose(s, 'What do you want to do?', 'Enable Instant Messaging for users');
    await choose(s, 'How do you want to find the users to enable?', 'Search by name, account or mail');
    await waitFor(s, 'Find the user to enable');
    type(s, 'kira');
    await waitFor(s, /❯ Kira Kerberos \(wz-pty-krb\)/);
    keys(s, 'Enter');
    await waitFor(s, /❯ ✔ Done — go on with 1 user/);
    keys(s, 'Enter');
    await choose(s, 'Home server for 1 user', 'im-south');
    await choose(s, 'IM domain (the part after @', lab().imDomain);
    await waitFor(s, /Apply 1 change on dc1\.lab\.imctl\.test\?/);
    keys(s, 'Enter');
    const done = await waitFor(s, '[exit 0]');
    expect(done).toContain('enable: 1 changed, 0 unchanged, 0 failed.');
    const [entry] = await gssapiSearch(cache, sealedDn, '(objectClass=*)', IM_ATTRS, 'base', true);
    expect(entry!.attrs.msexchimaddress).toEqual([`wz-pty-krb@${lab().imDomain}`]);
    expect(entry!.attrs.msexchimphysicalurl).toEqual([
      `http://${south.host}/instmsg/local/${lab().imDomain}/instmsg/aliases/wz-pty-krb`,
    ]);
    expect(entry!.attrs.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(south.dn.toLowerCase());
  });

  it.each([
    // Esc goes back a step at a time (the names as typed, how to find users, the task) and quits at the first question.
    ['Esc', ['? Names (sAMAccountName', '? How do you want to find', '? What do you want to do?'], 'Escape'],
    ['Ctrl-C', [], 'C-c'],
  ])('%s at a prompt leaves the directory untouched and exits 130', async (_name, backTo, key) => {
    const otherDn = `CN=Other Person,${ou}`;
    const s = startWizard(env);
    await choose(s, 'What do you want to do?', 'Enable Instant Messaging for users');
    await choose(s, 'How do you want to find the users to enable?', 'Type their names');
    await waitFor(s, 'Names (sAMAccountName');
    type(s, 'wz-pty-other');
    keys(s, 'Enter');
    await waitFor(s, 'Home server for 1 user');
    for (const question of backTo) {
      keys(s, key);
      await waitFor(s, question);
    }
    keys(s, key);
    const end = await waitFor(s, '[exit 130]');
    expect(end).toContain('error: Cancelled; nothing was written.');
    expect(end).not.toMatch(/\n\s+at /);
    expect((await readEntry(otherDn, IM_ATTRS))?.attrs).toEqual({});
  });

  it('the editor the wizard opens never sees the password (IMCTL_PASSWORD leaves the environment once read)', async () => {
    const dir = scratchDir('imctl-editor-');
    const dump = join(dir, 'editor-env.txt');
    const editor = join(dir, 'editor.sh');
    // An $EDITOR that records its environment, then "pastes" one name into the file it was given.
    writeFileSync(editor, `#!/bin/sh\nenv > ${shellQuote(dump)}\nprintf 'wz-pty-other\\n' > "$1"\n`);
    chmodSync(editor, 0o700);
    const s = startWizard(
      imctlEnv({ IMCTL_BASE_DN: ou, IMCTL_PASSWORD_FILE: undefined, IMCTL_PASSWORD: adminPassword(), VISUAL: editor }),
    );
    await choose(s, 'What do you want to do?', 'Disable Instant Messaging');
    await choose(s, 'How do you want to find the users to disable?', 'Paste a list');
    await waitFor(s, 'Paste the names in the editor');
    keys(s, 'Enter');
    // wz-pty-other has no IM: nothing to write, and the run ends.
    await waitFor(s, /wz-pty-other|Other Person/);
    await waitFor(s, /\[exit \d+\]/);
    expect(existsSync(dump)).toBe(true);
    const seen = readFileSync(dump, 'utf8');
    expect(seen).toContain(`VISUAL=${editor}`); // the dump is the editor's real environment
    expect(seen).not.toContain('IMCTL_PASSWORD=');
    expect(seen).not.toContain(adminPassword());
  });

  it('refuses off a terminal (exit 2) and names the scripted commands', () => {
    let code = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['bin/imctl', 'wizard'], {
        cwd: repoRoot,
        env,
        input: '',
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      code = (error as { status: number }).status;
      stderr = (error as { stderr: string }).stderr;
    }
    expect(code).toBe(2);
    expect(stderr).toContain(
      'imctl wizard needs a terminal (stdin and stdout). In scripts use the commands it stands for: imctl enable|disable|move USER…',
    );
  });
});
