/**
 * Issue 33, item 3: the lab's figures in README.md and lab/README.md (how many users, how many per
 * server, how many with a password, how many non-ASCII DNs) are the seed's: `lab/seed.mjs generate`
 * is run here, and every sentence that gives one is built from its record (plan.json, users.ldif).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVE_DAYS, filetimeToMs, isActive, logonTimeToMs } from '../../src/core/activity.js';

const REPO = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'imctl-seed-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
execFileSync(process.execPath, [join(REPO, 'lab', 'seed.mjs'), 'generate', out], { stdio: 'ignore' });

interface Plan {
  servers: { server: string; imServerName: string; users: number; seededUsers: number }[];
  totals: { users: number; notImEnabled: number; accountsEnabled: number };
  audit: { users: unknown[] };
}
const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as Plan;
const ldif = readFileSync(join(out, 'users.ldif'), 'utf8');
const dns = ldif
  .split('\n')
  .filter((line) => line.startsWith('dn:'))
  .map((line) => (line.startsWith('dn:: ') ? Buffer.from(line.slice(5), 'base64').toString('utf8') : line.slice(4)));

const en = (n: number) => n.toLocaleString('en-US');

/** Homed users `--load active` counts with the default window, as the seed wrote them just now
 * (its logon times are relative to the moment it runs, so a freshly seeded lab shows the same). */
const attribute = (entry: string, name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(entry)?.[1];
const activeHomed = ldif.split('\n\n').filter((entry) => {
  if (attribute(entry, 'msExchIMVirtualServer') === undefined) return false;
  const control = Number(attribute(entry, 'userAccountControl') ?? 514);
  const user = {
    accountDisabled: (control & 2) !== 0,
    expiresAt: filetimeToMs(attribute(entry, 'accountExpires')),
    lastLogonAt: logonTimeToMs(attribute(entry, 'lastLogonTimestamp')),
  };
  return isActive(user, Date.now(), DEFAULT_ACTIVE_DAYS);
}).length;
const users = en(plan.totals.users);
const audit = plan.audit.users.length;

const STATEMENTS: { doc: string; says: string }[] = [
  { doc: 'README.md', says: `seeded with ${users} users` },
  { doc: 'README.md', says: `the KDC and ${users} + ${audit} seeded users` },
  { doc: 'README.md', says: `${users} deterministic demo users` },
  { doc: 'lab/README.md', says: `${users} demo users (plus ${audit} in OU=Audit` },
  {
    doc: 'lab/README.md',
    says: `There are ${en(plan.totals.notImEnabled)} more users that are not IM-enabled, for ${users} in all. ${en(plan.totals.accountsEnabled)} accounts have the password`,
  },
  { doc: 'lab/README.md', says: `${en(dns.filter((dn) => /[^\x00-\x7f]/.test(dn)).length)} DNs are non-ASCII` },
  { doc: 'lab/README.md', says: `An unpaged search returns all ${users} entries` },
  { doc: 'lab/README.md', says: `\`OU=Audit,DC=lab,DC=imctl,DC=test\` holds ${audit} users` },
  {
    doc: 'lab/README.md',
    says: `a paged search of OU=Audit with \`pr=1000\` still got its ${audit} entries in one page`,
  },
  { doc: 'lab/README.md', says: `including the ${users} users` },
  { doc: 'docs/activity.md', says: `so the active loads are small (${en(activeHomed)} in all)` },
];

/** The servers table of lab/README.md: each row's seeded users, OU=Staff's and OU=Audit's beside them. */
const ROWS = plan.servers.map((s) => ({
  row: `| ${s.server} | ${s.imServerName} |`,
  cell: `| ${en(s.users)}${s.seededUsers > s.users ? ` (+${en(s.seededUsers - s.users)} in OU=Audit)` : ''}`,
}));

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe("the lab's figures in the documents", () => {
  it.each(STATEMENTS)('$doc: "$says" is what the seed writes', ({ doc, says }) => {
    const text = readFileSync(join(REPO, doc), 'utf8');
    expect(flat(text).includes(says), `${doc} no longer says "${says}"`).toBe(true);
  });

  it.each(ROWS)('lab/README.md: the row "$row" gives "$cell"', ({ row, cell }) => {
    const line = readFileSync(join(REPO, 'lab', 'README.md'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(row));
    expect(line, `no row "${row}…"`).toBeDefined();
    expect(line).toContain(cell);
  });
});
