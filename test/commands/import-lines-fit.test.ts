/**
 * import at a terminal (issue 30, 80 columns): the invalid rows listed on stderr and the result
 * lines break at words, as the wizard's and show's do; at 200 columns they stay whole.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imctlOnMemory } from '../support/run-imctl.js';

const file = join(mkdtempSync(join(tmpdir(), 'imctl-fit-')), 'rows.csv');
writeFileSync(file, 'user,action\nann,disable\nno-such-user-with-a-long-name,enable\n');
const unknown =
  'no user is named "no-such-user-with-a-long-name" (give a DN, user@domain, mail, IM address or sAMAccountName)';

describe('import at a terminal', () => {
  it.each([80, 200])('at %i columns its problem and result lines fit', async (columns) => {
    const refused = await imctlOnMemory(['import', file], { tty: true, columns });
    expect(refused.code).toBe(2);
    const errLines = refused.stderr.split('\n');
    expect(Math.max(...errLines.map((l) => l.length))).toBeLessThan(columns);
    expect(refused.stderr.replace(/\n +/g, ' ')).toContain(`line 3: ${unknown}`);

    const skipped = await imctlOnMemory(['import', file, '--skip-invalid', '--yes'], { tty: true, columns });
    const outLines = skipped.stdout.split('\n');
    expect(Math.max(...outLines.map((l) => l.length))).toBeLessThan(columns);
    expect(skipped.stdout.replace(/\n +/g, ' ')).toContain(
      `failed    line 3: no-such-user-with-a-long-name — ${unknown}`,
    );
  });
});
