/** The lab script's own contract: `up` on a running lab is a no-op; status and env tell the truth. */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { lab, repoRoot } from '../support/lab.js';

const labSh = (command: string) =>
  spawnSync('bash', [join(repoRoot, 'lab', 'lab.sh'), command], {
    env: { ...process.env, IMCTL_LAB_DIR: inject('labDir') },
    encoding: 'utf8',
  });

describe('lab/lab.sh', () => {
  it('up on a running lab is a no-op', () => {
    const before = execFileSync('cat', [join(inject('labDir'), 'run', 'lab.pid')], { encoding: 'utf8' }).trim();
    const result = labSh('up');
    expect(result.status).toBe(0);
    expect(result.stderr + result.stdout).toMatch(/already running/);
    expect(execFileSync('cat', [join(inject('labDir'), 'run', 'lab.pid')], { encoding: 'utf8' }).trim()).toBe(before);
  });

  it('status says running (exit 0) and names the URLs', () => {
    const result = labSh('status');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/running/);
    expect(result.stdout).toMatch(/ldaps:\/\/localhost/);
  });

  it('env prints export lines a shell can eval, naming the CA', () => {
    const result = labSh('env');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^export LDAPTLS_CACERT=.*${lab().caFile.split('/').pop()}`, 'm'));
  });
});
