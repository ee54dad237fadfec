/**
 * Opening a file the user must own, once: the open descriptor and every folder above it are what
 * is judged, and no link another user could plant is followed (issue 29). Uid 65534 plays the
 * other user of the machine.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openOwnedFile,
  privateFolder,
  readCaFile,
  readUpTo,
  UnsafeFileError,
  type OpenedFile,
} from '../../src/io/owned-file.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'imctl-owned-')));
const asRoot = process.getuid?.() === 0; // giving files away needs root
let n = 0;
function folder(mode = 0o700): string {
  const dir = join(root, `d${++n}`);
  mkdirSync(dir);
  chmodSync(dir, mode);
  return dir;
}
function file(dir = folder(), mode = 0o600, text = 'x'): string {
  const path = join(dir, `f${++n}`);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}
function why(open: () => OpenedFile): string {
  try {
    closeSync(open().fd);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeFileError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('openOwnedFile', () => {
  it('opens a private file of the user in private folders, and reads it from the descriptor', () => {
    const path = file(folder(), 0o644, 'hello');
    const { fd, path: real } = openOwnedFile(path, 'refuse');
    expect([readUpTo(fd, 100).toString(), real]).toEqual(['hello', path]);
    closeSync(fd);
  });

  it('refuses a symlink at the name ("refuse"), a FIFO (without waiting for a writer), a hard link, a group-writable file', () => {
    const link = join(folder(), 'link');
    symlinkSync(file(), link);
    expect(why(() => openOwnedFile(link, 'refuse'))).toMatch(/symbolic link/);
    const fifo = join(folder(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(why(() => openOwnedFile(fifo, 'refuse'))).toBe('it is not a regular file');
    const linked = file();
    linkSync(linked, join(folder(), 'second-name'));
    expect(why(() => openOwnedFile(linked, 'refuse'))).toBe('it has other names (hard links)');
    expect(why(() => openOwnedFile(file(folder(), 0o664), 'refuse'))).toBe('its group can change it (mode 664)');
  });

  it.runIf(asRoot)('refuses a file or a folder (its own or any above) of another user', () => {
    const theirs = file();
    chownSync(theirs, 65534, 65534);
    expect(why(() => openOwnedFile(theirs, 'refuse'))).toBe('it belongs to another user (uid 65534)');
    const outer = folder(0o755);
    mkdirSync(join(outer, 'inner'));
    const inside = file(join(outer, 'inner'));
    chownSync(outer, 65534, 65534);
    expect(why(() => openOwnedFile(inside, 'refuse'))).toBe(`the folder ${outer} belongs to another user (uid 65534)`);
  });

  it('refuses a folder others can write; above it a sticky one (/tmp) is allowed, in it not', () => {
    const outer = folder(0o777);
    mkdirSync(join(outer, 'inner'), { mode: 0o700 });
    const inside = file(join(outer, 'inner'));
    expect(why(() => openOwnedFile(inside, 'refuse'))).toBe(
      `anyone on this machine can write to the folder ${outer} (mode 777)`,
    );
    chmodSync(outer, 0o1777);
    closeSync(openOwnedFile(inside, 'refuse').fd);
    const sticky = file(folder(0o1777));
    expect(why(() => openOwnedFile(sticky, 'refuse'))).toMatch(/can write to the folder .* \(mode 1777\)/);
  });

  it('"resolve" follows a link in a safe folder once and judges its target; a link in a shared folder is refused', () => {
    const target = file(folder(), 0o644, 'pem');
    const link = join(folder(), 'ca.pem');
    symlinkSync(target, link);
    const opened = openOwnedFile(link, 'resolve');
    expect(opened.path).toBe(target);
    closeSync(opened.fd);
    const shared = join(folder(0o777), 'ca.pem');
    symlinkSync(target, shared);
    expect(why(() => openOwnedFile(shared, 'resolve'))).toMatch(/can write to the folder/);
  });
});

describe('readCaFile', () => {
  it('reads a CA the user keeps, through a link as under /etc/ssl/certs', () => {
    const ca = file(folder(0o755), 0o644, '-----BEGIN CERTIFICATE-----');
    const link = join(folder(0o755), 'corp.pem');
    symlinkSync(ca, link);
    expect(readCaFile(link).toString()).toBe('-----BEGIN CERTIFICATE-----');
  });

  it.runIf(asRoot)(
    'refuses a CA another user could swap: theirs, or in a folder they can write (they choose whom the password goes to)',
    () => {
      const theirs = file(folder(0o755), 0o644);
      chownSync(theirs, 65534, 65534);
      expect(() => readCaFile(theirs)).toThrow('it belongs to another user (uid 65534)');
      expect(() => readCaFile(file(folder(0o777), 0o644))).toThrow(/anyone on this machine can write to the folder/);
    },
  );
});

describe('privateFolder', () => {
  it('creates the missing folders owner-only, and tightens an existing one of the user', () => {
    const base = folder(0o755);
    const made = privateFolder(join(base, 'state', 'imctl', 'journal'));
    expect(made).toBe(join(base, 'state', 'imctl', 'journal'));
    expect(statSync(made).mode & 0o777).toBe(0o700);
    expect(statSync(join(base, 'state')).mode & 0o777).toBe(0o700);
    chmodSync(made, 0o755);
    privateFolder(made);
    expect(statSync(made).mode & 0o777).toBe(0o700);
  });

  it('never chmods through a link: a symlinked folder is refused and its target keeps its mode', () => {
    const target = folder(0o755);
    const base = folder(0o700);
    symlinkSync(target, join(base, 'journal'));
    expect(() => privateFolder(join(base, 'journal'))).toThrow(/symbolic link or not a folder/);
    expect(statSync(target).mode & 0o777).toBe(0o755);
  });

  it.runIf(asRoot)('refuses a folder above that another user controls, before creating anything in it', () => {
    const theirs = folder(0o755);
    chownSync(theirs, 65534, 65534);
    expect(() => privateFolder(join(theirs, 'imctl', 'journal'))).toThrow(
      `the folder ${theirs} belongs to another user (uid 65534)`,
    );
    expect(() => statSync(join(theirs, 'imctl'))).toThrow(/ENOENT/);
  });
});

describe('readUpTo', () => {
  it('reads one byte past the limit and stops, even on /dev/zero', () => {
    const fd = openOwnedFile(file(folder(), 0o600, 'abcdef'), 'refuse').fd;
    expect(readUpTo(fd, 3).toString()).toBe('abcd');
    closeSync(fd);
    const zero = openSync('/dev/zero', 'r');
    expect(readUpTo(zero, 1024)).toHaveLength(1025);
    closeSync(zero);
  });
});
