/**
 * Issue 33, item 2: the README's configuration table is the option registry's (options-table.ts),
 * so a setting added, renamed or re-bounded there shows in the README or fails here. With
 * IMCTL_WRITE_DOCS=1 the test writes the block instead of comparing it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedBlocks, writeGeneratedBlocks } from '../../scripts/docs-lib/generated-blocks.mjs';
import { OPTIONS } from '../../src/config/option-registry.js';
import { optionsTable } from '../../src/config/options-table.js';

const README = join(import.meta.dirname, '..', '..', 'README.md');

describe("the README's configuration table", () => {
  it('is the one the option registry makes', () => {
    if (process.env.IMCTL_WRITE_DOCS === '1') writeGeneratedBlocks(README, { 'options-table': optionsTable() });
    const block = generatedBlocks(readFileSync(README, 'utf8')).get('options-table');
    expect(block, 'README.md has a <!-- generated:options-table --> block').toBeDefined();
    expect(block).toBe(optionsTable());
  });

  it('has a row for every setting, naming its flag, variables and config key', () => {
    const rows = optionsTable().split('\n').slice(2, -1);
    expect(rows).toHaveLength(OPTIONS.length);
    for (const [i, entry] of OPTIONS.entries()) {
      if ('flag' in entry) expect(rows[i]).toContain(entry.flag.long);
      for (const name of 'env' in entry ? entry.env : []) expect(rows[i]).toContain(name);
      if ('config' in entry && entry.config.kind !== 'servers') expect(rows[i]).toContain(`\`${entry.config.key}\``);
    }
  });
});
