/**
 * Issue 21, "Files admins have", against the lab: `import -` reads standard input as `--ldif -`
 * writes standard output, and an HR export — ";"-separated, with extra columns — goes through
 * with --delimiter and a notice.
 */
import { describe, expect, it } from 'vitest';
import { imctlProcess, imctlEnv } from '../support/lab.js';

describe('import from the files admins have', () => {
  it('import - reads the CSV from standard input', async () => {
    const result = await imctlProcess(['import', '-', '--dry-run', '--json'], {
      env: imctlEnv(),
      input: 'user,action\njdoe,enable\nsstar,enable\n',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().results.map((r: { user: string; outcome: string }) => [r.user, r.outcome])).toEqual([
      ['jdoe', 'unchanged'],
      ['sstar', 'planned'],
    ]);
  });

  it('an HR export: --delimiter ";" and its extra columns read past, with a notice', async () => {
    const input = 'Employee ID;user;Department;server\nE1;sstar;Sales;im-south\nE2;htag;"R;D";im-south\n';
    const result = await imctlProcess(['import', '-', '--delimiter', ';', '--dry-run', '--json'], {
      env: imctlEnv(),
      input,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/ignoring columns "Employee ID", "Department"/);
    expect(result.json().summary).toMatchObject({ planned: 2, failed: 0 });
  });
});
