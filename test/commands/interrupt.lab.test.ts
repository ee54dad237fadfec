/**
 * Issue 21 bug 5: Ctrl-C in the middle of `import --yes --report r.json` stops cleanly — no
 * listener-leak warnings from the report stream, and the closing line counts only the writes that
 * were sent, the rest named as not sent; the report lists every row.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUsers, createOu, imctlEnv, repoRoot, scratchDir, server } from '../support/lab.js';

const USERS = 300;

describe('Ctrl-C during an import', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    const ou = await createOu('interrupt');
    dir = scratchDir();
    const users = Array.from({ length: USERS }, (_, i) => ({
      sam: `int-${i}`,
      cn: `Int ${i}`,
      im: { server: server('im-south') },
    }));
    await addUsers(ou, users);
    file = join(dir, 'move.csv');
    writeFileSync(file, `user,action,server\n${users.map((u) => `${u.sam},move,im-north`).join('\n')}\n`);
  });

  it('counts only the writes sent, and warns about no listeners', async () => {
    const report = join(dir, 'r.json');
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'imctl'), 'import', file, '--yes', '--report', report, '--concurrency', '1'],
      { env: imctlEnv(), cwd: dir },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const journalSeen = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('Journal:')) resolve();
      }),
    );
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    await journalSeen;
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    expect(await code).toBe(130);

    expect(stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/);
    const line =
      /import: ([\d,]+) writes? sent in [^;(]+?(?: \([\d,]+ a (?:second|minute)\))?; ([\d,]+) not sent\./.exec(stderr);
    expect(line, stderr).not.toBeNull();
    const [sent, notSent] = [Number(line![1]!.replace(/,/g, '')), Number(line![2]!.replace(/,/g, ''))];
    expect(sent).toBeGreaterThan(0);
    expect(sent + notSent).toBe(USERS);
    const changed = Number(/([\d,]+) changed before stopping/.exec(stderr)![1]!.replace(/,/g, ''));
    expect(changed).toBe(sent);
    expect(stdout).toContain(
      `import: ${changed.toLocaleString('en-US')} changed, 0 unchanged, 0 failed, ${notSent.toLocaleString('en-US')} not started (untouched: re-run to do them).`,
    );
    const rows = JSON.parse(readFileSync(report, 'utf8')) as { outcome: string; reason: string | null }[];
    expect(rows).toHaveLength(USERS);
    // Rows never sent are not failures: their entries are untouched, so a re-run is plainly safe.
    expect(rows.filter((r) => r.outcome === 'failed')).toEqual([]);
    expect(
      rows.filter((r) => r.outcome === 'not-started' && r.reason === 'not started: the run was interrupted first'),
    ).toHaveLength(notSent);
  });
});
