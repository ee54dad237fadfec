/**
 * The README's sample `--report` (the import tour's `cat staff-report.csv`) has the report's
 * columns, every row all of them: it was six columns after the report gained fromHomeServer and
 * toHomeServer (issue 30). The sample itself is a lab run's output (readme-tour.lab.test.ts runs
 * the tour's commands; the rows here are the file that run wrote).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { REPORT_COLUMNS } from '../../src/io/report.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The lines shown after `$ cat staff-report.csv`, up to the next blank line. */
function sample(): string {
  const start = readme.indexOf('$ cat staff-report.csv\n');
  expect(start, 'the README shows a --report sample').toBeGreaterThan(0);
  const from = start + '$ cat staff-report.csv\n'.length;
  return readme.slice(from, readme.indexOf('\n\n', from));
}

describe("the README's --report sample", () => {
  it("has the report's columns, in its order, and every row has them all", () => {
    const [header, ...rows] = parse(sample(), { relax_column_count: true }) as string[][];
    expect(header).toEqual([...REPORT_COLUMNS]);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row, row.join(',')).toHaveLength(REPORT_COLUMNS.length);
  });
});
