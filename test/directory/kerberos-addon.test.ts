/**
 * A kerberos.node beside the single executable is loaded as code (process.dlopen): one another
 * user of the machine could have planted is refused (issue 29, a sibling of item 3).
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonBeside } from '../../src/directory/kerberos-addon.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-addon-'));
let n = 0;
function executableIn(mode: number): string {
  const dir = join(root, `bin-${++n}`);
  mkdirSync(dir);
  chmodSync(dir, mode);
  return join(dir, 'imctl');
}

describe('addonBeside', () => {
  it("is the user's own kerberos.node beside the executable, or none", () => {
    const exe = executableIn(0o755);
    expect(addonBeside(exe)).toBeUndefined();
    writeFileSync(join(exe, '..', 'kerberos.node'), 'ELF', { mode: 0o755 });
    expect(addonBeside(exe)).toBe(join(exe, '..', 'kerberos.node'));
  });

  it('refuses one in a folder others can write', () => {
    const exe = executableIn(0o777);
    writeFileSync(join(exe, '..', 'kerberos.node'), 'ELF', { mode: 0o755 });
    expect(() => addonBeside(exe)).toThrow(
      /^Refusing to load .*kerberos\.node: anyone on this machine can write to the folder/,
    );
  });

  it.runIf(process.getuid?.() === 0)('refuses one another user owns', () => {
    const exe = executableIn(0o755);
    writeFileSync(join(exe, '..', 'kerberos.node'), 'ELF', { mode: 0o755 });
    chownSync(join(exe, '..', 'kerberos.node'), 65534, 65534);
    expect(() => addonBeside(exe)).toThrow(/it belongs to another user \(uid 65534\)/);
  });
});
