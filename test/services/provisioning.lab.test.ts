/**
 * Issue 21: a batch on the command line is checked like a CSV file — an unknown name or a state
 * conflict refuses the whole batch before anything is written (exit 2), in enable, disable, move
 * and import alike — and with --json the refused rows are in the one JSON document.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUsers, createOu, imctlProcess, imctlEnv, readEntry, scratchDir, server } from '../support/lab.js';

describe('batches are checked whole before any write', () => {
  let env: NodeJS.ProcessEnv;
  let dns: string[];
  let dir: string;

  beforeAll(async () => {
    const ou = await createOu('batch');
    dir = scratchDir();
    env = imctlEnv();
    dns = await addUsers(ou, [
      { sam: 'bc-new', cn: 'Bc New' },
      { sam: 'bc-west', cn: 'Bc West', im: { server: server('im-west') } },
    ]);
  });

  it.each([
    {
      argv: ['enable', 'bc-new', 'bc-typo-user', '--server', 'im-south', '--yes'],
      problem: /no user is named "bc-typo-user"/,
    },
    {
      argv: ['enable', 'bc-new', 'bc-west', '--server', 'im-south', '--yes'],
      problem: /"bc-west": already IM-enabled on im-west; use "imctl move"/,
    },
    { argv: ['move', 'bc-west', 'bc-new', '--to', 'im-south', '--yes'], problem: /"bc-new": not IM-enabled/ },
    { argv: ['disable', 'bc-west', 'bc-typo-user', '--yes'], problem: /no user is named "bc-typo-user"/ },
  ])('$argv.0 with one bad name writes nothing (exit 2)', async ({ argv, problem }) => {
    const before = await Promise.all(dns.map((dn) => readEntry(dn)));
    const result = await imctlProcess(argv, { env });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toMatch(/nothing was written/);
    expect(await Promise.all(dns.map((dn) => readEntry(dn)))).toEqual(before);
  });

  it('import: a state conflict refuses the file like an invalid row, and --json lists the rows', async () => {
    const file = join(dir, 'conflict.csv');
    writeFileSync(file, 'user,action,server\nbc-new,enable,im-south\nbc-west,enable,im-south\n');
    const before = await readEntry(dns[0]!);
    const result = await imctlProcess(['import', file, '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(2);
    const data = result.json();
    expect(data.error).toMatchObject({ reason: 'invalid-rows', exitCode: 2 });
    expect(data.problems).toEqual([
      { line: 3, user: 'bc-west', reason: expect.stringMatching(/already IM-enabled on im-west/) },
    ]);
    expect(await readEntry(dns[0]!)).toEqual(before);
  });
});
