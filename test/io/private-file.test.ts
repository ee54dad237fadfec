/**
 * openPrivateFile: files that name accounts (reports, LDIF) are created owner-only, an existing
 * file is made owner-only and emptied, and a path that cannot be used is one sentence.
 * (Current public behaviour.)
 */
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrivateFileError, openPrivateFile } from '../../src/io/private-file.js';

const dir = mkdtempSync(join(tmpdir(), 'imctl-private-'));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('openPrivateFile', () => {
  it('creates a new file owner-only (0600), whatever the umask allows', () => {
    const path = join(dir, 'new.ldif');
    const fd = openPrivateFile(path, 'the LDIF', 'ldif-path');
    writeSync(fd, 'dn: CN=x\n');
    closeSync(fd);
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('dn: CN=x\n');
  });

  it('an existing file readable by others is made owner-only and emptied', () => {
    const path = join(dir, 'old.csv');
    writeFileSync(path, 'an older, longer report\n');
    chmodSync(path, 0o644);
    const fd = openPrivateFile(path, 'the report', 'report-path');
    writeSync(fd, 'new');
    closeSync(fd);
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('new');
  });

  it.each([
    [
      'a folder that does not exist',
      () => join(dir, 'no-such-folder', 'r.csv'),
      /^Cannot write the report to .*r\.csv: its directory does not exist\.$/,
    ],
    [
      'a folder',
      () => (mkdirSync(join(dir, 'sub'), { recursive: true }), join(dir, 'sub')),
      /^Cannot write the report to .*sub: it is a directory\.$/,
    ],
  ])('%s is a PrivateFileError in one sentence', (_what, path, message) => {
    const target = path();
    expect(() => openPrivateFile(target, 'the report', 'report-path')).toThrowError(PrivateFileError);
    expect(() => openPrivateFile(target, 'the report', 'report-path')).toThrowError(message);
    // A usage error (exit 2) whose reason is the file's purpose, so no caller re-wraps it.
    expect(() => openPrivateFile(target, 'the LDIF', 'ldif-path')).toThrowError(
      expect.objectContaining({ exitCode: 2, reason: 'ldif-path' }),
    );
  });

  it('a device such as /dev/null is opened as it is, not truncated or chmod-ed', () => {
    const before = mode('/dev/null');
    const fd = openPrivateFile('/dev/null', 'the LDIF', 'ldif-path');
    closeSync(fd);
    expect(mode('/dev/null')).toBe(before);
  });
});
