/**
 * Issue 21 bug 4: every example in every help text runs against the lab. The examples speak of
 * corp.example.com; each such name maps onto its lab counterpart below, and what they name
 * (staff.csv, a journal, the group "IM Users", the sync rule "staff", the operator's keytab) is
 * made first. Examples that would write run with --dry-run added (the
 * lab is shared by every test file); everything else runs exactly as printed.
 *
 * What is checked is that each example works, not the seeded figures (the README tour and the
 * command tests check those): the examples run in this process (imctlHere) against a small world
 * of their own — an OU with the users they name (jdoe is ex-jdoe there, with the same CN) and an
 * orphan for audit to find — given as the base DN. The help texts themselves come from the built
 * program, as an admin reads them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS as DECLARATIONS } from '../../src/cli/command-list.js';
import { BARE_FILE, imctlHere } from '../support/in-process.js';
import { exportKeytab, krb, labDns } from '../support/kerberos.js';
import { imctlProcess, lab, ldapmodify, ldifValue, scratchDir, server } from '../support/lab.js';
import { type SmallWorld, smallWorld } from '../support/small-world.js';

/** Every command the program declares (a new one is checked here without a word). */
const COMMANDS = DECLARATIONS.map((d) => d.name);
/** The commands that can write: they declare --dry-run. */
const WRITERS = new Set(
  DECLARATIONS.filter((d) => d.options?.some((o) => o.flags.includes('--dry-run'))).map((d) => d.name),
);

/**
 * The examples of a help text: the lines after "Examples:" that start at column 2, up to a blank
 * line; an example continued with a trailing " \" takes in its next line, and a description
 * under its example (indented further) is not one.
 */
function examples(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Examples:');
  if (start < 0) return [];
  const found: string[] = [];
  let continued = false;
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    const text = line.trim().replace(/ \\$/, '');
    if (continued) found[found.length - 1] += ` ${text}`;
    else if (line[2] !== ' ') found.push(text);
    continued = line.endsWith(' \\');
  }
  return found;
}

/**
 * The imctl invocation of an example line, as argv: from "imctl" up to a pipe, a redirection, or
 * the end of a $(…) or <(…), without the description after two spaces; with any VAR=value prefix.
 */
function invocation(line: string): { env: Record<string, string>; argv: string[] } {
  const env: Record<string, string> = {};
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  const at = line.indexOf('imctl ');
  for (const assignment of line
    .slice(0, at)
    .trim()
    .split(/\s+/)
    .filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w))) {
    const [name, ...value] = assignment.split('=');
    env[name!] = value.join('=');
  }
  const text = line.slice(at);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (quote === '"' && c === '\\' && /["\\$]/.test(text[i + 1] ?? '')) word = (word ?? '') + text[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === ' ' && text[i + 1] === ' ') break;
    else if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if ('|>)'.includes(c)) break;
    else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return { env, argv: words.slice(1) };
}

describe('every help example runs against the lab', async () => {
  const helps = await Promise.all(
    [[], ...COMMANDS.map((c) => [c])].map(async (path) => ({
      path,
      text: (await imctlProcess([...path, '--help'])).stdout,
    })),
  );
  const all = helps.flatMap(({ path, text }) =>
    examples(text).map((line) => ({ where: `imctl ${path.join(' ')} --help`.replace('  ', ' '), line })),
  );
  let dir: string;
  let journal: string;
  let substitutions: [string | RegExp, string][];
  let world: SmallWorld;
  /** One home for every example: `undo --last` and `history` read the journal beforeAll's run wrote. */
  let home: NodeJS.ProcessEnv;
  /** The sync examples' group ("IM Users"), by a name of this run's own: groups are found domain-wide. */
  const imUsers = `ex-IM Users ${process.pid}`;

  beforeAll(async () => {
    const l = lab();
    dir = scratchDir('imctl-examples-');
    // The users the examples name, by the seeded users' CNs (a DN example spells one out).
    world = await smallWorld('examples', [
      { sam: 'ex-jdoe', cn: 'Doe, John', im: { server: server('im-east') } },
      { sam: 'ex-pobrien', cn: "O'Brien, Pat", im: { server: server('im-west') } },
      { sam: 'ex-sstar', cn: 'Star*Gazer' },
      { sam: 'ex-htag', cn: '#Hash Tag' },
      // homed on the router: an orphan, so audit has a finding (exit 3) and rebalance a move.
      { sam: 'ex-orphan', cn: 'Ex Orphan', im: { server: server('im-router') } },
      { sam: 'ex-undo', cn: 'Ex Undo' },
      // resolve --check finds the address's owner (exit 3 when nobody in the base DN has it).
      { sam: 'ex-paul', cn: 'Paul Example', im: { server: server('im-east'), alias: 'paul' } },
    ]);
    writeFileSync(join(dir, 'staff.csv'), 'user,action\nex-jdoe,enable\nex-pobrien,enable\n');
    // The wizard's --config example: a config file as an admin would keep one.
    writeFileSync(
      join(dir, 'corp.json'),
      JSON.stringify({
        url: l.ldapsUrl,
        bindDn: l.adminUpn,
        passwordFile: l.adminPassword,
        caFile: l.caFile,
        imDomain: l.imDomain,
      }),
    );
    const base = world.env();
    home = { HOME: base.HOME, XDG_STATE_HOME: base.XDG_STATE_HOME, XDG_CONFIG_HOME: base.XDG_CONFIG_HOME };
    // The sync examples: a group with two of the users, and the rule "staff" in the user config.
    const added = await ldapmodify(
      [
        ldifValue('dn', `CN=${imUsers},${world.ou}`),
        'changetype: add',
        'objectClass: group',
        `sAMAccountName: ex-imusers-${process.pid}`,
        ldifValue('member', world.dns[0]!),
        ldifValue('member', world.dns[2]!),
        '',
        '',
      ].join('\n'),
    );
    expect(added.code, added.stderr).toBe(0);
    mkdirSync(join(home.XDG_CONFIG_HOME!, 'imctl'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(home.XDG_CONFIG_HOME!, 'imctl', 'config.json'),
      JSON.stringify({ sync: { staff: { group: [imUsers], ou: world.ou, imDomain: l.imDomain } } }),
      { mode: 0o600 },
    );
    // The keytab a cron job names: the delegated operator's.
    const keytab = join(dir, 'imop.keytab');
    await exportKeytab(krb().operator.principal, keytab);
    // A journal for the undo examples: a real run, on a user of this file's own.
    const enabled = await imctlHere(['enable', 'ex-undo', '--server', 'im-south'], { env: world.env(home) });
    expect(enabled.code, enabled.stderr).toBe(0);
    journal = /Journal: (\S+)/.exec(enabled.stderr)![1]!;
    substitutions = [
      ['OU=Staff,DC=corp,DC=example,DC=com', world.ou],
      ...['jdoe', 'pobrien', 'sstar', 'htag'].map((sam): [RegExp, string] => [new RegExp(`^${sam}$`), `ex-${sam}`]),
      ['ldaps://dc1.corp.example.com', l.ldapsUrl],
      ['admin@corp.example.com', l.adminUpn],
      ['~/.imctl-pw', l.adminPassword],
      ['im.corp.example.com', l.imDomain],
      ['exch2.corp.example.com', 'exch2.lab.imctl.test'],
      ['DC=corp,DC=example,DC=com', l.baseDn],
      ['10.0.0.53', `${l.dnsServer}:${l.dnsPort}`],
      [/^~\/\.local\/state\/imctl\/journal\/.*\.jsonl$/, journal],
      [/^JOURNAL$/, journal],
      [/^IM Users$/, imUsers],
      ['/etc/imctl/imop.keytab', keytab],
    ];
  });

  afterAll(() => world?.remove());

  it('finds the examples of every command', () => {
    expect(new Set(all.map((e) => e.where)).size).toBe(COMMANDS.length + 1);
  });

  it.each(all)('$where: $line', async ({ line }) => {
    const { env: prefix, argv } = invocation(line);
    const mapped = argv.map((arg) =>
      substitutions.reduce<string>(
        (a, [from, to]) => (typeof from === 'string' ? a.replaceAll(from, to) : a.replace(from, to)),
        arg,
      ),
    );
    const command = mapped.find((a) => COMMANDS.includes(a))!;
    const writes =
      WRITERS.has(command) &&
      !mapped.includes('--dry-run') &&
      !mapped.includes('--ldif') &&
      (command !== 'audit' || mapped.some((a) => ['--fix', '--normalize-case', '--disable-idle'].includes(a))) &&
      (command !== 'rebalance' || mapped.includes('--apply'));
    // A keytab example signs in with the keytab alone (no bind DN, no password), finding the DC
    // by its real name, as kerberosEnv does, with no ticket cache yet.
    const keytabRun = prefix.KRB5_CLIENT_KTNAME !== undefined;
    const kerberos = keytabRun
      ? {
          IMCTL_URL: undefined,
          IMCTL_BIND_DN: undefined,
          IMCTL_PASSWORD_FILE: undefined,
          IMCTL_DOMAIN: lab().domain,
          KRB5_CONFIG: krb().krb5Conf,
          KRB5CCNAME: `FILE:${join(scratchDir('imctl-krb5cc-'), 'cc')}`,
        }
      : {};
    // The admin's DNS server is the lab's (the test's network has no other).
    const env = world.env({
      ...home,
      ...kerberos,
      IMCTL_DNS_SERVER: labDns(),
      ...Object.fromEntries(
        Object.entries(prefix).map(([k, v]) => [
          k,
          substitutions.reduce<string>((a, [from, to]) => (typeof from === 'string' ? a.replaceAll(from, to) : a), v),
        ]),
      ),
    });
    // An example naming a file by a bare name runs as the built binary in the scratch folder: in
    // this process imctl would look for the file in the process's working directory (the checkout).
    // So does a keytab example: the Kerberos library reads KRB5_CLIENT_KTNAME from the process's own environment.
    const runner = keytabRun || mapped.some((a) => BARE_FILE.test(a)) ? imctlProcess : imctlHere;
    const result = await runner(writes ? [...mapped, '--dry-run'] : mapped, { env, cwd: dir });
    if (command === 'wizard') {
      // Off a terminal the wizard says so and stops; its screens are tested in wizard-pty.lab.test.ts.
      expect(result.stderr).toMatch(/needs a terminal/i);
      return;
    }
    // audit exits 3 while findings remain, and the lab is seeded with one of each.
    expect(result.code, `${mapped.join(' ')}\n${result.stderr}`).toBe(command === 'audit' ? 3 : 0);
    if (mapped.includes('--json')) expect(() => result.json()).not.toThrow();
  });
});
