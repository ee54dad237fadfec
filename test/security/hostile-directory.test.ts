/**
 * Directory text that would drive a terminal — a server named with OSC 0 (window title), OSC 52
 * (the clipboard), CSI 2J (erase the screen), a C1 CSI and an RTL override, and a user whose DN
 * and display name hold them — through every way imctl writes it out: `--report -` (CSV), `--json`,
 * `--ldif -` and `audit --report -` on a terminal, and `--ldif FILE`'s comments. None of them may
 * carry a raw control or bidi character; the LDIF values stay exact (base64). The lab's version
 * of this (hostile-directory.lab.test.ts) covers the wizard and Tab completion.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImServer } from '../../src/core/im-model.js';
import { EAST, imctlOnMemory, person } from '../support/run-imctl.js';
import { MemoryDirectory } from '../support/memory-directory.js';

const EVIL = '\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x9b2J\u202e';
/** What a terminal would act on: C0 but tab, CR and LF (CSV ends lines with CRLF), DEL, C1, bidi controls. */
const RAW = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

const HOSTILE: ImServer = {
  ...EAST,
  dn: EAST.dn.replace('CN=im-east', 'CN=im-evil'),
  name: `im-${EVIL}`,
  cn: `im-${EVIL}`,
  host: 'exch9.memory.test',
};

/**
 * An empty hostile server (so placement chooses it), a user whose DN and display name are hostile,
 * and one half IM-enabled on the hostile server (an audit finding naming it).
 */
const directory = () =>
  new MemoryDirectory(
    [EAST, HOSTILE],
    [
      person('ann', EAST),
      person('dee', undefined, { dn: `CN=dee${EVIL},OU=Staff,DC=memory,DC=test`, displayName: `Dee ${EVIL}` }),
      person('cid', undefined, {
        dn: `CN=cid${EVIL},OU=Staff,DC=memory,DC=test`,
        im: { msExchIMVirtualServer: HOSTILE.dn },
      }),
    ],
  );

describe('directory text with terminal escapes', () => {
  it.each([
    ['--report - (CSV)', ['enable', 'dee', '--yes', '--report', '-']],
    ['--json', ['enable', 'dee', '--yes', '--json']],
    ['--ldif -', ['enable', 'dee', '--ldif', '-']],
    ['a failure quoting the DN', ['disable', 'dee', '--yes', '--report', '-']],
    ['show', ['show', 'dee']],
    ['servers', ['servers']],
    ['audit --report -', ['audit', '--report', '-']],
  ])('%s on a terminal: no raw control or bidi character on stdout or stderr', async (_, argv) => {
    const r = await imctlOnMemory(argv, { directory: directory(), tty: true });
    expect(r.stdout.length, r.stderr).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(RAW);
    // imctl's own spinner erases its line (\r ESC[2K); nothing else may.
    expect(r.stderr.replaceAll('\r\x1b[2K', '')).not.toMatch(RAW);
  });

  it('--ldif FILE: comments inert, values exact', async () => {
    const home = mkdtempSync(join(tmpdir(), 'imctl-hostile-'));
    const r = await imctlOnMemory(['enable', 'dee', '--ldif', join(home, 'plan.ldif')], {
      directory: directory(),
      home,
    });
    expect(r.code, r.stderr).toBe(0);
    const ldif = readFileSync(join(home, 'plan.ldif'), 'utf8');
    expect(ldif).not.toMatch(RAW);
    const comment = ldif.split('\n').find((line) => line.startsWith('#'))!;
    expect(comment).toContain('im-\\x1b]0;pwned\\x07');
    const values = ldif
      .split('\n')
      .filter((line) => line.includes(':: '))
      .map((line) => Buffer.from(line.split(':: ')[1]!, 'base64').toString('utf8'));
    expect(values).toContain(`CN=dee${EVIL},OU=Staff,DC=memory,DC=test`);
  });
});
