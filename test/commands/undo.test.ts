/**
 * `imctl undo` and a journal another user of the machine tampers with (issue 29, item 6): the file
 * is opened once, judged on that descriptor and its folders, and read — all before the directory
 * is opened (connect and bind on a real DC), so nothing swapped in during the bind counts.
 */
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { chmodSync, chownSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { EAST, IM_DOMAIN, imctlOnMemory, sampleDirectory } from '../support/run-imctl.js';

const dn = (sam: string) => `CN=${sam},OU=Staff,DC=memory,DC=test`;
const asRoot = process.getuid?.() === 0; // giving files away needs root

/** FIFOs a test made: an old imctl blocked opening one; a writer that comes and goes lets it finish. */
const fifos: string[] = [];
afterEach(() => {
  for (const fifo of fifos.splice(0)) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting: nothing to release
    }
  }
});

describe('imctl undo and a journal another user controls', () => {
  it.runIf(asRoot)(
    'a forged journal swapped in over a folder others can write is checked as foreign before the bind, and never written',
    async () => {
      const directory = sampleDirectory();
      const moved = await imctlOnMemory(['move', 'ann', '--to', 'im-west', '--json'], { directory });
      const real: string = moved.json().journal;
      const state = join(moved.home, 'state');
      chmodSync(state, 0o777); // the folder above the journal folder: another user can rename in it

      // The other user moves the admin's folder aside and puts theirs, with a forged journal of the same name.
      const [header, line] = readFileSync(real, 'utf8').split('\n');
      const change = JSON.parse(line!);
      change.before = {
        ...imValues('ann', IM_DOMAIN, EAST),
        msExchIMPhysicalURL: change.before.msExchIMPhysicalURL.replace(EAST.host, 'attacker.example'),
      };
      renameSync(join(state, 'imctl'), join(state, 'imctl-real'));
      mkdirSync(join(state, 'imctl', 'journal'), { recursive: true, mode: 0o700 });
      const forged = join(state, 'imctl', 'journal', basename(real));
      writeFileSync(forged, `${header}\n${JSON.stringify(change)}\n`, { mode: 0o600 });
      for (const path of [forged, join(state, 'imctl', 'journal'), join(state, 'imctl')]) chownSync(path, 65534, 65534);

      // ...and swaps the admin's folder back while imctl connects: a check by path after the bind sees the real one.
      let saidBeforeBind = '';
      const undone = await imctlOnMemory(['undo', real, '--yes'], {
        directory,
        home: moved.home,
        onOpenDirectory: (stderr) => {
          saidBeforeBind = stderr.text;
          renameSync(join(state, 'imctl'), join(state, 'imctl-forged'));
          renameSync(join(state, 'imctl-real'), join(state, 'imctl'));
        },
      });
      expect(saidBeforeBind).toContain('This journal is not one of your own');
      expect(directory.get(dn('ann'))!.im.msExchIMPhysicalURL).not.toContain('attacker.example');
      expect(undone.code).toBe(3);
      expect(undone.stdout).toContain('its home-server URL points at attacker.example');
    },
  );

  it('a FIFO given as the journal is refused at once, and nothing connects', async () => {
    const home = (await imctlOnMemory(['servers'])).home;
    const fifo = join(home, 'journal.jsonl');
    execFileSync('mkfifo', [fifo]);
    fifos.push(fifo);
    let opened = false;
    const undone = await imctlOnMemory(['undo', fifo], { home, onOpenDirectory: () => (opened = true) });
    expect(undone.code).toBe(2);
    expect(undone.stderr).toContain(`${fifo} is not a regular file`);
    expect(opened).toBe(false);
  });

  it('a symlink given as the journal is refused (it could be re-pointed mid-undo), and nothing connects', async () => {
    const directory = sampleDirectory();
    const moved = await imctlOnMemory(['move', 'ann', '--to', 'im-west', '--json'], { directory });
    const link = join(moved.home, 'latest.jsonl');
    symlinkSync(moved.json().journal, link);
    let opened = false;
    const undone = await imctlOnMemory(['undo', link], {
      directory,
      home: moved.home,
      onOpenDirectory: () => (opened = true),
    });
    expect(undone.code).toBe(2);
    expect(undone.stderr).toContain(`Cannot read the journal ${link}: it is a symbolic link`);
    expect(opened).toBe(false);
  });
});
