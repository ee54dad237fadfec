/**
 * --report / --ldif in a folder others can write to (issue 25): a planted symlink is not followed,
 * a hard link or another user's file is not truncated, and nothing the attacker pointed at changes.
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPrivateFile, PrivateFileError } from '../../src/io/private-file.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-private-'));
const shared = join(root, 'shared');
mkdirSync(shared);
chmodSync(shared, 0o777); // world-writable and not sticky: the worst case

function victim(name: string): string {
  const path = join(root, name);
  writeFileSync(path, 'precious\n', { mode: 0o644 });
  chmodSync(path, 0o644);
  return path;
}

function refused(path: string): string {
  try {
    closeSync(openPrivateFile(path, 'the report', 'report-path'));
  } catch (error) {
    expect(error).toBeInstanceOf(PrivateFileError);
    return (error as Error).message;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe('openPrivateFile in a folder others can write to', () => {
  it('does not follow a planted symlink: the target keeps its content and its mode', () => {
    const target = victim('target-symlink');
    symlinkSync(target, join(shared, 'report.csv'));
    expect(refused(join(shared, 'report.csv'))).toContain('it is a symbolic link, which imctl does not follow');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(statSync(target).mode & 0o777).toBe(0o644);
  });

  it('does not empty a planted hard link to another file', () => {
    const target = victim('target-hardlink');
    linkSync(target, join(shared, 'plan.ldif'));
    expect(refused(join(shared, 'plan.ldif'))).toContain('has other names (hard links)');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  it('does not take over a file that belongs to another user', () => {
    if (process.getuid?.() !== 0) return expect(process.getuid).toBeDefined(); // giving a file away needs root
    const planted = join(shared, 'theirs.json');
    writeFileSync(planted, 'theirs\n');
    chownSync(planted, 65534, 65534);
    expect(refused(planted)).toContain('belongs to another user (uid 65534)');
    expect(readFileSync(planted, 'utf8')).toBe('theirs\n');
  });

  it("still creates a new file owner-only, empties the user's own old one, and writes to /dev/null", () => {
    const path = join(shared, 'fresh.csv');
    let fd = openPrivateFile(path, 'the report', 'report-path');
    writeSync(fd, 'a');
    closeSync(fd);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    fd = openPrivateFile(path, 'the report', 'report-path');
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('');
    closeSync(openPrivateFile('/dev/null', 'the LDIF', 'ldif-path'));
  });
});
