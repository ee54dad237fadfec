/**
 * import's planning without the command: the syntax pass and its problem limit, then the
 * directory's verdict on each row, with every invalid row kept by line for the refusal and the
 * --skip-invalid targets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import {
  checkImportFile,
  invalidRows,
  MAX_PROBLEMS,
  planImport,
  refusedUnread,
} from '../../src/services/import-plan.js';
import { sampleDirectory } from '../support/run-imctl.js';

const work = mkdtempSync(join(tmpdir(), 'imctl-import-plan-'));
const settings = () => loadSettings({ imDomain: 'im.memory.test' }, { XDG_CONFIG_HOME: join(work, 'none') }, work);

function csv(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('checkImportFile', () => {
  it('keeps the valid rows and every invalid one by line', async () => {
    const check = await checkImportFile(
      csv('mixed.csv', 'user,action\r\nann,disable\r\nben,explode\r\ndee,enable\r\n'),
      {},
    );
    expect(check.rows.map((r) => r.user)).toEqual(['ann', 'dee']);
    expect([...check.invalid.keys()]).toEqual([3]);
    expect(check.problems.count).toBe(1);
    expect(refusedUnread(check)).toBe(false);
    expect(check.stats).toMatchObject({ records: 3, rows: 2, problems: 1 });
  });

  it(`stops at ${MAX_PROBLEMS} problems: the file is refused unread by the directory`, async () => {
    const check = await checkImportFile(
      csv('wrong.csv', `user,action\n${'x,explode\n'.repeat(MAX_PROBLEMS + 10)}`),
      {},
    );
    expect(check.tooMany).toBe(true);
    expect(check.invalid.size).toBe(MAX_PROBLEMS);
    expect(check.problems.format().at(-1)).toBe(`… and ${MAX_PROBLEMS - 50} more problems`);
    expect(refusedUnread(check)).toBe(true);
  });
});

describe('planImport', () => {
  it('adds the rows the directory rejects to the problems, by line', async () => {
    const check = await checkImportFile(csv('unknown.csv', 'user,action\r\nann,disable\r\nnobody,enable\r\n'), {});
    const plan = await planImport(sampleDirectory(), settings(), check, { skipInvalid: false });
    expect(plan.rejected).toBe(1);
    expect(check.problems.count).toBe(1);
    expect(invalidRows(check)).toEqual([{ line: 3, user: 'nobody', reason: expect.any(String) }]);
  });

  it("with --skip-invalid, plans the valid rows and reports the syntax pass's invalid rows as failed targets", async () => {
    const check = await checkImportFile(csv('skip.csv', 'user,action\r\nann,disable\r\nben,explode\r\n'), {});
    const plan = await planImport(sampleDirectory(), settings(), check, { skipInvalid: true });
    expect(plan.targets.map((t) => [t.line, t.name, t.action, t.plan.kind])).toEqual([
      [2, 'ann', 'disable', expect.not.stringMatching(/^failed$/)],
      [3, 'ben', 'invalid', 'failed'],
    ]);
  });
});

describe('duplicate rows in the report (issue 30)', () => {
  it('both repeats carry the dn of the line they repeat; the rows follow the file', async () => {
    const file = csv(
      'dupes.csv',
      'user,action\ndee,enable\nDEE,enable\n"CN=dee,OU=Staff,DC=memory,DC=test",enable\nghost,enable\nghost,enable\n',
    );
    const check = await checkImportFile(file, {});
    const plan = await planImport(sampleDirectory(), settings(), check, { skipInvalid: true });
    const dee = 'CN=dee,OU=Staff,DC=memory,DC=test';
    expect(plan.targets.map((t) => [t.line, t.dn, t.plan.kind === 'failed' ? t.plan.reason : t.plan.kind])).toEqual([
      [2, dee, 'write'],
      // Spelt the same: refused before it was looked up, yet the same account as line 2.
      [3, dee, 'names the same user as line 2 (DEE)'],
      // Spelt differently: found to be the same once looked up.
      [4, dee, 'names the same user as line 2 (dee)'],
      [5, undefined, expect.stringMatching(/^no user is named "ghost"/)],
      // Its first line names nobody: no dn to give.
      [6, undefined, 'names the same user as line 5 (ghost)'],
    ]);
  });
});
