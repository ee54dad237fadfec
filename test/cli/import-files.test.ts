/**
 * Issue 21, "Files admins have", before any directory is asked: a garbage file under a valid
 * header stops at the first 1,000 problems (exit 2, no connection), a binary file is "not a text
 * file", and extra columns are named in a notice (--strict refuses them).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imctlInProcess as imctl } from '../support/in-process.js';

// Nothing listens on port 1: a run that got as far as the directory fails to connect (exit 1).
const NOWHERE = ['--url', 'ldaps://127.0.0.1:1', '--bind-dn', 'a@b.c', '--im-domain', 'im.example'];

describe('import of the files admins have', () => {
  it('stops at the first 1,000 problems without connecting', async () => {
    const { cwd } = await imctl(['--version']);
    const garbage = Array.from({ length: 5000 }, (_, i) => `user${i % 7 === 0 ? '' : i},frobnicate`).join('\n');
    writeFileSync(join(cwd, 'garbage.csv'), `user,action\n${garbage}\n`);
    const { code, stderr } = await imctl([...NOWHERE, 'import', join(cwd, 'garbage.csv'), '--json'], {}, cwd);
    expect(code).toBe(2);
    expect(stderr).toMatch(/checking stopped after the first 1,000 problems; lines after line 1001 were not checked/);
    expect(stderr).toMatch(/garbage\.csv: at least 1,000 invalid rows; nothing was written\. Fix them\./);
    expect(stderr).not.toMatch(/127\.0\.0\.1|connect/i);
  });

  it('a binary file is not a text file', async () => {
    const { cwd } = await imctl(['--version']);
    writeFileSync(join(cwd, 'tool'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 13) % 32)));
    const { code, stderr } = await imctl([...NOWHERE, 'import', join(cwd, 'tool')], {}, cwd);
    expect(code).toBe(2);
    expect(stderr).toMatch(/tool is not a text file \(it holds binary data\)/);
  });

  it('extra columns get a notice; --strict refuses them', async () => {
    const { cwd } = await imctl(['--version']);
    writeFileSync(join(cwd, 'hr.csv'), 'Employee ID;user;Department\nE1;jdoe;Sales\n');
    const lenient = await imctl([...NOWHERE, 'import', join(cwd, 'hr.csv'), '--delimiter', ';', '--dry-run'], {}, cwd);
    expect(lenient.stderr).toMatch(
      /hr\.csv: ignoring columns "Employee ID", "Department": imctl reads only user, action, server and im_domain \(--strict refuses other columns\)\./,
    );
    expect(lenient.stderr).toMatch(/No password/); // it went on to the directory: the file passed
    const strict = await imctl([...NOWHERE, 'import', join(cwd, 'hr.csv'), '--delimiter', ';', '--strict'], {}, cwd);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/unknown column "Employee ID" \(--strict\)/);
  });

  it.each(['', 'ab', ' '])('--delimiter %j is a usage error', async (value) => {
    const { code, stderr } = await imctl([...NOWHERE, 'import', 'x.csv', '--delimiter', value]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--delimiter <char>' argument .* is invalid\. expected one character/);
  });
});
