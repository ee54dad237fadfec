/**
 * A DER copy of the lab's CA (`openssl x509 -outform der`, the encoding Windows' export wizard
 * writes by default) verifies the DC like the PEM one (issue 34, item 5): given to Node as it was,
 * it trusted nothing and the run failed on DEPTH_ZERO_SELF_SIGNED_CERT.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imctlProcess, imctlEnv, lab, scratchDir } from '../support/lab.js';

describe('--ca-file with a DER certificate (against the lab DC)', () => {
  it('connects over LDAPS and reads a user', async () => {
    const der = join(scratchDir('imctl-der-'), 'ca.der');
    execFileSync('openssl', ['x509', '-in', lab().caFile, '-outform', 'der', '-out', der]);
    const result = await imctlProcess(['show', 'jdoe', '--json'], { env: imctlEnv({ IMCTL_CA_FILE: der }) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sAMAccountName: 'jdoe' });
  });
});
