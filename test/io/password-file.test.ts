/** The password file is read as ssh reads a key: private, the user's own, one small line. */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { MAX_PASSWORD_FILE_BYTES, passwordFromText, readPasswordFile } from '../../src/io/password-file.js';

const dir = mkdtempSync(join(tmpdir(), 'imctl-pwfile-'));
let n = 0;
function file(content: string | Buffer, mode = 0o600): string {
  const path = join(dir, `pw-${++n}`);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode); // the umask must not decide the test
  return path;
}

function refusal(path: string): UsageError {
  try {
    readPasswordFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return error as UsageError;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe('readPasswordFile', () => {
  it('reads a private one-line file, without a BOM or the line end (LF, CRLF or CR)', () => {
    expect(readPasswordFile(file('S3cret!\n'))).toBe('S3cret!');
    expect(readPasswordFile(file('\uFEFFS3cret!\r\n'))).toBe('S3cret!');
    expect(readPasswordFile(file('S3cret!\r'))).toBe('S3cret!');
    expect(readPasswordFile(file(' spaced pass '))).toBe(' spaced pass ');
  });

  it.each([0o644, 0o640, 0o604, 0o660])('refuses a file others can read (mode %o), saying how to fix it', (mode) => {
    const path = file('S3cret!', mode);
    expect(refusal(path).message).toMatch(
      new RegExp(`others can read it \\(mode ${mode.toString(8)}\\); run chmod 600 `),
    );
  });

  it('refuses what is not one password: several lines (a private key), too big, empty, a folder', () => {
    const key = file(
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
    );
    expect(refusal(key).message).toContain('more than one line');
    expect(refusal(file('x'.repeat(MAX_PASSWORD_FILE_BYTES + 1))).message).toContain(
      `larger than ${MAX_PASSWORD_FILE_BYTES} bytes`,
    );
    expect(refusal(file('\n')).message).toContain('is empty');
    expect(refusal(dir).message).toContain('is a folder');
  });

  it('reads a character device only up to the cap (never /dev/zero without bound)', () => {
    expect(refusal('/dev/zero').message).toContain(`larger than ${MAX_PASSWORD_FILE_BYTES} bytes`);
  });

  it('refuses a file owned by another user', () => {
    if (process.getuid?.() !== 0) return expect(process.getuid).toBeDefined(); // needs root to give a file away
    const path = file('S3cret!');
    chownSync(path, 65534, 65534);
    expect(refusal(path).message).toContain('belongs to another user (uid 65534)');
  });

  it('passwordFromText keeps inner spaces and refuses an inner line break', () => {
    expect(passwordFromText('a b\n', 'f')).toBe('a b');
    expect(() => passwordFromText('a\nb', 'f')).toThrow(/more than one line/);
  });
});

describe('readPasswordFile and the folders around it (issue 29)', () => {
  it('refuses a private file in a folder others can write (they could swap in a link to another secret)', () => {
    const shared = mkdtempSync(join(tmpdir(), 'imctl-pwshared-'));
    chmodSync(shared, 0o777);
    const path = join(shared, 'pw');
    writeFileSync(path, 'S3cret!', { mode: 0o600 });
    expect(refusal(path).message).toMatch(/anyone on this machine can write to the folder .* \(mode 777\)/);
  });

  it('still reads a pipe (as from `<(pass show x)`) and a link to a private file in private folders', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'printf "Piped-Pw\\n" > "$1"', 'sh', fifo]);
    expect(readPasswordFile(fifo)).toBe('Piped-Pw');
    await new Promise((resolve) => writer.on('exit', resolve));
    const link = join(dir, 'link');
    symlinkSync(file('Linked-Pw\n'), link);
    expect(readPasswordFile(link)).toBe('Linked-Pw');
  });
});
