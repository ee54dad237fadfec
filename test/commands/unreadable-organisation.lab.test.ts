/**
 * Issue 30, bug 2, on the real DC: a bind account denied read access to CN=Microsoft Exchange (a
 * deny ACE for it alone, added with samba-tool dsacl and taken out again by restoring the
 * container's security descriptor) finds no IM server. imctl must not take that for an empty
 * organisation full of orphans: servers, rebalance, show, enable --server and move --to stop
 * (exit 1), name the container and write nothing. A small OU of its own: the account and one user homed on im-south.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmallWorld, smallWorld } from '../support/small-world.js';
import { imctlHere } from '../support/in-process.js';
import { lab, ldapmodify, repoRoot, runProcess, scratchDir, server } from '../support/lab.js';

const ORG = () => `CN=Microsoft Exchange,CN=Services,${lab().configDn}`;
let world: SmallWorld;
let savedDescriptor: string;

/** An attribute's base64 value as ldapsearch prints a binary one. */
async function binaryValue(dn: string, attribute: string): Promise<string> {
  const l = lab();
  const result = await runProcess(
    'ldapsearch',
    ['-H', l.ldapsUrl, '-x', '-D', l.adminUpn, '-y', l.adminPassword, '-LLL', '-o', 'ldif-wrap=no'].concat([
      '-s',
      'base',
      '-b',
      dn,
      '(objectClass=*)',
      attribute,
    ]),
    { env: { PATH: process.env.PATH, LDAPTLS_CACERT: l.caFile, HOME: scratchDir() } },
  );
  const value = new RegExp(`^${attribute}:: (\\S+)$`, 'm').exec(result.stdout)?.[1];
  if (!value) throw new Error(`no ${attribute} on ${dn}: ${result.stderr}`);
  return value;
}

/** objectSid (binary) as S-1-5-21-…. */
function sidString(base64: string): string {
  const b = Buffer.from(base64, 'base64');
  const subs = Array.from({ length: b[1]! }, (_, i) => b.readUInt32LE(8 + 4 * i));
  return ['S', b[0], b.readUIntBE(2, 6), ...subs].join('-');
}

const env = () =>
  world.env({
    IMCTL_BIND_DN: `urd-ctl@${lab().domain}`,
    IMCTL_PASSWORD_FILE: lab().userPassword,
  });

beforeAll(async () => {
  const password = readFileSync(lab().userPassword, 'utf8');
  world = await smallWorld('unreadable-org', [
    {
      sam: 'urd-ctl',
      cn: 'Unreadable Org Operator',
      extra: { userAccountControl: '512' },
    },
    { sam: 'urd-homed', cn: 'Unreadable Org Homed', im: { server: server('im-south') } },
  ]);
  const pwd = Buffer.from(`"${password}"`, 'utf16le').toString('base64');
  const set = await ldapmodify(
    `dn: ${world.dns[0]}\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: ${pwd}\n-\n`,
  );
  expect(set.code, set.stderr).toBe(0);
  savedDescriptor = await binaryValue(ORG(), 'nTSecurityDescriptor');
  const sid = sidString(await binaryValue(world.dns[0]!, 'objectSid'));
  // Deny everything on the organisation and, inherited, below it: the servers vanish for this account alone.
  const deny = await runProcess(
    'samba-tool',
    ['dsacl', 'set', '-H', 'ldap://127.0.0.1', '-U', 'Administrator'].concat([
      '-s',
      join(lab().labDir, 'samba', 'etc', 'smb.conf'),
      '--use-kerberos=off',
      `--objectdn=${ORG()}`,
      `--sddl=(D;CI;GA;;;${sid})`,
    ]),
    {
      env: { PATH: process.env.PATH, PASSWD: readFileSync(lab().adminPassword, 'utf8'), HOME: scratchDir() },
      cwd: repoRoot,
    },
  );
  expect(deny.code, deny.stderr + deny.stdout).toBe(0);
}, 60_000);

afterAll(async () => {
  if (savedDescriptor) {
    const restored = await ldapmodify(
      `dn: ${ORG()}\nchangetype: modify\nreplace: nTSecurityDescriptor\nnTSecurityDescriptor:: ${savedDescriptor}\n-\n`,
    );
    expect(restored.code, restored.stderr).toBe(0);
    expect(await binaryValue(ORG(), 'nTSecurityDescriptor')).toBe(savedDescriptor);
  }
  await world?.remove();
});

describe('a bind account that cannot read the Exchange organisation', () => {
  it('servers, rebalance and show exit 1, name the container, and write nothing', async () => {
    const [servers, rebalance, show] = await Promise.all([
      imctlHere(['servers', '--json'], { env: env() }),
      imctlHere(['rebalance', '--apply', '--yes', '--json'], { env: env() }),
      imctlHere(['show', 'urd-homed'], { env: env() }),
    ]);
    for (const run of [servers, rebalance]) {
      expect(run.code, run.stderr + run.stdout.slice(0, 1500)).toBe(1);
      expect(run.json().error.reason).toBe('unreadable-servers');
    }
    expect(show.code, show.stderr).toBe(1);
    expect(show.stderr).toContain(`it probably cannot read ${ORG()}`);
    // The admin still sees the user homed where it was.
    const homed = await imctlHere(['show', 'urd-homed', '--json'], { env: world.env() });
    expect(homed.json().homeServer).toBe('im-south');
  });

  it('enable --server and move --to a server it cannot see: exit 1, the same words, nothing written', async () => {
    const runs = await Promise.all([
      imctlHere(['enable', 'urd-ctl', '--server', 'im-south', '--yes', '--json'], { env: env() }),
      imctlHere(['move', 'urd-homed', '--to', 'im-east', '--yes', '--json'], { env: env() }),
    ]);
    for (const run of runs) {
      expect(run.code, run.stderr + run.stdout.slice(0, 1500)).toBe(1);
      expect(run.json().error.reason).toBe('unreadable-servers');
      expect(run.stderr).toContain(`it probably cannot read ${ORG()}`);
    }
    const homed = await imctlHere(['show', 'urd-homed', '--json'], { env: world.env() });
    expect(homed.json().homeServer).toBe('im-south');
    const operator = await imctlHere(['show', 'urd-ctl', '--json'], { env: world.env() });
    expect(operator.json().imEnabled).toBe(false);
  });
});
