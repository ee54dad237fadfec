/**
 * Kerberos on port 389 with no TLS and no CA (issue 20): the SASL GSSAPI security layer seals every
 * message, as Windows tools bind. The lab DC is in AD's posture there (Samba's strong-auth default:
 * simple binds and layer-less GSSAPI refused on 389) — checked independently with ldapsearch. Every
 * command runs with only a ticket, the DCs found by SRV; writes are checked with ldapsearch's own
 * sealed GSSAPI bind. Then the wire: a relay records both directions and finds no attribute name,
 * value or host after the bind; with `--sasl-layer sign` the values show but a flipped byte stops
 * the run (exit 1, the write in doubt). Reconnect and failover bind a new GSS context.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDnsServer, type FakeDnsServer } from '../dns/fake-dns-server.js';
import { FaultProxy, flipSaslChunk } from '../support/fault-proxy.js';
import { gssapiSearch, gssapiToolEnv, kerberosEnv, kinit, krb } from '../support/kerberos.js';
import { IM_ATTRS, addUsers, createOu, imctlProcess, lab, scratchDir, runProcess, server } from '../support/lab.js';
import { smallWorld } from '../support/small-world.js';
import { dc1, dc2, replicate, searchOn } from '../support/two-dcs.js';
import { journalFiles, journalRecords } from '../support/journal-files.js';

/** imctl with a ticket and no CA: --domain finds the DCs by SRV and binds on 389, sealed. */
const sealedEnv = (cache: string, extra: Record<string, string | undefined> = {}) =>
  kerberosEnv(cache, { IMCTL_CA_FILE: undefined, ...extra });
const sealedSearch = (
  cache: string,
  base: string,
  filter: string,
  attributes: string[],
  scope: 'base' | 'one' | 'sub' = 'sub',
) => gssapiSearch(cache, base, filter, attributes, scope, true);
const homeOf = async (cache: string, dn: string) =>
  (
    await sealedSearch(cache, dn, '(objectClass=*)', IM_ATTRS, 'base')
  )[0]!.attrs.msexchimvirtualserver?.[0]?.toLowerCase();
const countHomedOn = async (cache: string, base: string, serverDn: string) =>
  (await sealedSearch(cache, base, `(msExchIMVirtualServer=${serverDn})`, ['1.1'])).length;

let admin: string;
beforeAll(async () => {
  admin = await kinit(krb().adminPrincipal, lab().adminPassword);
});

describe('the DC on 389 in AD posture (independent check with OpenLDAP)', () => {
  it('refuses GSSAPI without a layer (-O maxssf=0) and a simple bind; GSSAPI with its default layer works, sealed', async () => {
    const noLayer = await runProcess(
      'ldapsearch',
      [
        '-N',
        '-Y',
        'GSSAPI',
        '-O',
        'maxssf=0',
        '-H',
        `ldap://${krb().dcHost}`,
        '-LLL',
        '-s',
        'base',
        '-b',
        '',
        'dnsHostName',
      ],
      { env: gssapiToolEnv(admin) },
    );
    expect(noLayer.code, noLayer.stderr).toBe(8);
    expect(noLayer.stderr).toMatch(/Strong\(er\) authentication required/);
    const simple = await runProcess(
      'ldapsearch',
      [
        '-x',
        '-H',
        `ldap://${krb().dcHost}`,
        '-D',
        lab().adminUpn,
        '-y',
        lab().adminPassword,
        '-LLL',
        '-s',
        'base',
        '-b',
        '',
        'dnsHostName',
      ],
      { env: gssapiToolEnv(admin) },
    );
    expect(simple.code).toBe(8);
    const sealed = await runProcess(
      'ldapsearch',
      ['-N', '-Y', 'GSSAPI', '-H', `ldap://${krb().dcHost}`, '-LLL', '-s', 'base', '-b', '', 'dnsHostName'],
      { env: gssapiToolEnv(admin) },
    );
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(sealed.stderr).toMatch(/SASL SSF: 256/);
    expect(sealed.stdout).toMatch(/dnsHostName: dc1\.lab\.imctl\.test/);
  });
});

describe('every command over ldap:// with only a ticket (sealed)', () => {
  let ou: string;
  let dns: string[];
  const south = () => server('im-south').dn.toLowerCase();
  const west = () => server('im-west').dn.toLowerCase();

  beforeAll(async () => {
    ou = await createOu('kerberos-sealed');
    dns = await addUsers(ou, [
      { sam: 'ks-ann', cn: 'Sealed, Ann' },
      { sam: 'ks-bob', cn: 'Sealed, Bob' },
    ]);
  });

  it('servers -v: found by SRV, bound on 389 with no TLS, and says the run is sealed', async () => {
    // Over OU=Audit (13 users on im-south): the sealed paging of thousands is the next test's.
    const result = await imctlProcess(['--auth', 'kerberos', '-v', 'servers', '--json', '--base-dn', lab().audit.ou], {
      env: sealedEnv(admin),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/bound as Administrator@LAB\.IMCTL\.TEST/);
    expect(result.stderr).toMatch(
      /protection: sealed \(SASL GSSAPI confidentiality \+ integrity\), buffers up to \d+ octets/,
    );
    expect(result.stderr).toMatch(/connected to dc1\.lab\.imctl\.test \(ldap:\/\/127\.0\.0\.1:389\)/);
    const onSouth = await countHomedOn(admin, lab().audit.ou, server('im-south').dn);
    expect(onSouth).toBeGreaterThan(0);
    expect(result.json().servers.find((s: { name: string }) => s.name === 'im-south')).toMatchObject({
      users: onSouth,
    });
  });

  it('users (paged: more than 7,500 entries) and show', async () => {
    const users = await imctlProcess(['--auth', 'kerberos', 'users', '--server', 'im-east', '--json'], {
      env: sealedEnv(admin),
    });
    expect(users.code, users.stderr).toBe(0);
    expect(users.json().users).toHaveLength(await countHomedOn(admin, lab().baseDn, server('im-east').dn));
    expect(users.json().users.length).toBeGreaterThan(7500);
    const show = await imctlProcess(['--auth', 'kerberos', 'show', 'jdoe', '--json'], { env: sealedEnv(admin) });
    expect(show.code, show.stderr).toBe(0);
    expect(show.json()).toMatchObject({ sAMAccountName: 'jdoe', homeServer: 'im-east' });
  });

  it('enable, move, undo, disable: each checked with ldapsearch over its own sealed bind', async () => {
    const env = sealedEnv(admin);
    const enable = await imctlProcess(
      ['--auth', 'kerberos', 'enable', 'ks-ann', 'ks-bob', '--server', 'im-south', '--yes', '--json'],
      { env },
    );
    expect(enable.code, enable.stderr).toBe(0);
    expect(enable.json().summary).toMatchObject({ changed: 2, failed: 0 });
    for (const dn of dns) expect(await homeOf(admin, dn)).toBe(south());
    const move = await imctlProcess(['--auth', 'kerberos', 'move', 'ks-ann', '--to', 'im-west', '--yes', '--json'], {
      env,
    });
    expect(move.code, move.stderr).toBe(0);
    expect(await homeOf(admin, dns[0]!)).toBe(west());
    const undo = await imctlProcess(['--auth', 'kerberos', 'undo', move.json().journal, '--yes', '--json'], { env });
    expect(undo.code, undo.stderr).toBe(0);
    expect(await homeOf(admin, dns[0]!)).toBe(south());
    const disable = await imctlProcess(['--auth', 'kerberos', 'disable', 'ks-ann', 'ks-bob', '--yes', '--json'], {
      env,
    });
    expect(disable.code, disable.stderr).toBe(0);
    for (const dn of dns) expect(await homeOf(admin, dn)).toBeUndefined();
  });

  it('--sasl-layer sign (and IMCTL_SASL_LAYER) sign instead; a bad value is a usage error', async () => {
    const flag = await imctlProcess(['--auth', 'kerberos', '--sasl-layer', 'sign', '-v', 'show', 'jdoe', '--json'], {
      env: sealedEnv(admin),
    });
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr).toMatch(/protection: signed \(SASL GSSAPI integrity only/);
    const env = await imctlProcess(['--auth', 'kerberos', '-v', 'show', 'jdoe', '--json'], {
      env: sealedEnv(admin, { IMCTL_SASL_LAYER: 'sign' }),
    });
    expect(env.stderr).toMatch(/sasl layer: sign \(environment\)/);
    expect(env.stderr).toMatch(/protection: signed/);
    const bad = await imctlProcess(['--auth', 'kerberos', '--sasl-layer', 'none', 'servers'], {
      env: sealedEnv(admin),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--sasl-layer must be "seal" or "sign", not "none"/);
  });

  it('with a CA given, --domain keeps StartTLS (no layer inside TLS)', async () => {
    const result = await imctlProcess(['--auth', 'kerberos', '-v', 'show', 'jdoe', '--json'], {
      env: kerberosEnv(admin),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/protection: TLS \(TLSv1\.[23]/);
  });
});

// Enough writes to keep 16 in flight for many rounds (buffers shared by pipelined requests, GSS calls
// in wire order); the 2,000-row timing lives in the bench (section *sealed*, docs/kerberos.md).
describe('bulk work through the layer: import of 300 rows, rebalance --apply, undo, audit --fix', () => {
  const COUNT = 300;
  let ou: string;
  let rebalanceJournal: string | undefined;
  let rebalanceEnv: NodeJS.ProcessEnv | undefined;

  beforeAll(async () => {
    ou = await createOu('kerberos-sealed-bulk');
    await addUsers(
      ou,
      Array.from({ length: COUNT }, (_, i) => ({ sam: `ksb-${String(i).padStart(4, '0')}`, cn: `Sealed Bulk ${i}` })),
    );
  });

  afterAll(async () => {
    if (rebalanceJournal)
      await imctlProcess(['--auth', 'kerberos', 'undo', rebalanceJournal, '--yes'], {
        env: rebalanceEnv ?? sealedEnv(admin),
      });
  });

  it('import enables 300 users at the default concurrency; ldapsearch finds them all; undo takes them all back', async () => {
    const dir = scratchDir('imctl-sealed-import-');
    const csv = join(dir, 'enable.csv');
    writeFileSync(
      csv,
      `user,action,server\n${Array.from({ length: COUNT }, (_, i) => `ksb-${String(i).padStart(4, '0')},enable,im-north`).join('\n')}\n`,
    );
    const result = await imctlProcess(['--auth', 'kerberos', 'import', csv, '--yes', '--json'], {
      env: sealedEnv(admin),
      timeoutMs: 115_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().summary).toMatchObject({ changed: COUNT, failed: 0 });
    expect(await countHomedOn(admin, ou, server('im-north').dn)).toBe(COUNT);
    const undo = await imctlProcess(['--auth', 'kerberos', 'undo', result.json().journal, '--yes', '--json'], {
      env: sealedEnv(admin),
      timeoutMs: 115_000,
    });
    expect(undo.code, undo.stderr).toBe(0);
    expect(await countHomedOn(admin, ou, server('im-north').dn)).toBe(0);
  });

  it('rebalance --apply moves users off an over-full server, as ldapsearch counts; undo puts them back', async () => {
    // A small world at capacity 10: the same plan-and-write path as the seeded domain's 700 moves.
    const world = await smallWorld(
      'kerberos-sealed-rebalance',
      Array.from({ length: 24 }, (_, i) => ({
        sam: `ksr-${i}`,
        cn: `Sealed Rebalance ${i}`,
        im: { server: server('im-east') },
      })),
    );
    try {
      const env = (rebalanceEnv = sealedEnv(admin, { IMCTL_BASE_DN: world.ou }));
      const result = await imctlProcess(
        ['--auth', 'kerberos', 'rebalance', '--capacity', '10', '--apply', '--yes', '--json'],
        {
          env,
        },
      );
      expect(result.code, result.stderr).toBe(0);
      rebalanceJournal = result.json().journal;
      expect(result.json().summary.changed).toBe(14);
      expect(await countHomedOn(admin, world.ou, server('im-east').dn)).toBe(10);
      const undo = await imctlProcess(['--auth', 'kerberos', 'undo', rebalanceJournal!, '--yes', '--json'], { env });
      expect(undo.code, undo.stderr).toBe(0);
      rebalanceJournal = undefined;
      expect(await countHomedOn(admin, world.ou, server('im-east').dn)).toBe(24);
    } finally {
      await world.remove();
    }
  });

  it('audit --fix repairs a partial user over the layer; undo of its journal takes the repair back (both checked with ldapsearch -Y GSSAPI)', async () => {
    const fixOu = await createOu('kerberos-sealed-audit');
    const south = server('im-south');
    const [dn] = await addUsers(fixOu, [
      {
        sam: 'ksa-partial',
        cn: 'Sealed Partial',
        extra: {
          userAccountControl: '544',
          msExchIMAddress: 'ksa-partial@im.lab.imctl.test',
          msExchIMMetaPhysicalURL: 'http://im.lab.imctl.test/instmsg/aliases/ksa-partial',
          msExchIMVirtualServer: south.dn,
        },
      },
    ]);
    const result = await imctlProcess(
      ['--auth', 'kerberos', 'audit', '--no-dns', '--base-dn', fixOu, '--fix', '--yes', '--json'],
      { env: sealedEnv(admin) },
    );
    expect(result.json().summary, result.stderr).toMatchObject({ changed: 1, failed: 0 });
    const after = (await sealedSearch(admin, dn!, '(objectClass=*)', IM_ATTRS, 'base'))[0]!.attrs;
    expect(after.msexchimphysicalurl).toEqual([
      `http://${south.host}/instmsg/local/im.lab.imctl.test/instmsg/aliases/ksa-partial`,
    ]);
    const undo = await imctlProcess(['--auth', 'kerberos', 'undo', result.json().journal, '--yes', '--json'], {
      env: sealedEnv(admin),
    });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.json().summary).toMatchObject({ changed: 1, failed: 0 });
    const undone = (await sealedSearch(admin, dn!, '(objectClass=*)', IM_ATTRS, 'base'))[0]!.attrs;
    expect(undone.msexchimphysicalurl).toBeUndefined();
    expect(undone.msexchimaddress).toEqual(['ksa-partial@im.lab.imctl.test']);
    expect(undone.msexchimvirtualserver?.[0]?.toLowerCase()).toBe(south.dn.toLowerCase());
    await imctlProcess(['--auth', 'kerberos', 'disable', dn!, '--yes'], { env: sealedEnv(admin) });
  });
});

/** A relay in front of dc1's port 389 that DNS names as dc1 (the name the ticket is for). */
async function relayed(
  options: Parameters<typeof FaultProxy.start>[0],
  extraTargets: { host: string; ip: string; port: number }[] = [],
) {
  const proxy = await FaultProxy.start({ upstream: { host: '127.0.0.1', port: 389 }, ...options });
  const targets = [{ host: krb().dcHost, ip: '127.0.0.1', port: proxy.port }, ...extraTargets];
  const dnsServer: FakeDnsServer = await startFakeDnsServer({
    [`_ldap._tcp.${lab().domain}`]: {
      srv: targets.map((t, i) => ({ priority: i * 10, weight: 100, port: t.port, target: t.host })),
    },
    ...Object.fromEntries(targets.map((t) => [t.host, { a: [t.ip] }])),
  });
  return { proxy, dnsServer, close: async () => (await proxy.close(), await dnsServer.close()) };
}

describe('on the wire', () => {
  let ou: string;
  beforeAll(async () => {
    ou = await createOu('kerberos-wire');
    await addUsers(ou, [
      { sam: 'kw-zebulon', cn: 'Wirecheck, Zebulon' },
      { sam: 'kw-yolanda', cn: 'Wirecheck, Yolanda' },
    ]);
  });

  const recorded = async (layer: 'seal' | 'sign') => {
    const fromServer: Buffer[] = [];
    const relay = await relayed({ capture: true, onServerChunk: (chunk) => void fromServer.push(Buffer.from(chunk)) });
    try {
      const env = sealedEnv(admin, { IMCTL_DNS_SERVER: relay.dnsServer.address, IMCTL_SASL_LAYER: layer });
      const enable = await imctlProcess(
        ['--auth', 'kerberos', 'enable', 'kw-zebulon', 'kw-yolanda', '--server', 'im-south', '--yes', '--json'],
        { env },
      );
      expect(enable.code, enable.stderr).toBe(0);
      const show = await imctlProcess(['--auth', 'kerberos', 'show', 'kw-zebulon', '--json'], { env });
      expect(show.json().imAddress).toBe('kw-zebulon@im.lab.imctl.test');
      const disable = await imctlProcess(
        ['--auth', 'kerberos', 'disable', 'kw-zebulon', 'kw-yolanda', '--yes', '--json'],
        {
          env,
        },
      );
      expect(disable.code, disable.stderr).toBe(0);
      return {
        up: Buffer.concat(relay.proxy.stats.clientBytes).toString('latin1').toLowerCase(),
        down: Buffer.concat(fromServer).toString('latin1').toLowerCase(),
      };
    } finally {
      await relay.close();
    }
  };
  const secrets = [
    'msexchim',
    'kw-zebulon',
    'wirecheck',
    server('im-south').host.toLowerCase(),
    'im.lab.imctl.test',
    'ou=kerberos-wire',
  ];

  it('sealed: after the bind, no attribute name, user name, value or server host in either direction', async () => {
    const { up, down } = await recorded('seal');
    expect(up.length).toBeGreaterThan(1000);
    expect(down.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      expect(up.includes(secret), `client→DC shows ${secret}`).toBe(false);
      expect(down.includes(secret), `DC→client shows ${secret}`).toBe(false);
    }
    process.stderr.write(
      `wire (sealed): ${up.length} octets client→DC, ${down.length} DC→client recorded; none of ${secrets.join(', ')} in clear\n`,
    );
  });

  it('signed: the same run shows the values (the relay would see them), so the sealed result above is not blindness', async () => {
    const { up, down } = await recorded('sign');
    expect(up).toContain('msexchimaddress');
    expect(up).toContain('kw-zebulon@im.lab.imctl.test');
    expect(down).toContain(server('im-south').host.toLowerCase());
  });

  it("signed: one flipped byte in the DC's answer to a write stops the run with exit 1; that write is in doubt in the journal, nothing after it is sent", async () => {
    const target = 'kw-yolanda';
    let armed = false;
    let flipped = 0;
    const relay = await relayed({
      capture: true,
      onServerChunk: (chunk) => {
        // The client's ModifyRequest for the target is readable when signed: flip its answer.
        if (!armed && Buffer.concat(relay.proxy.stats.clientBytes).includes(Buffer.from('CN=Wirecheck\\, Yolanda')))
          armed = true;
        if (!armed || flipped > 0 || chunk[0] !== 0) return;
        flipped++;
        const copy = Buffer.from(chunk);
        copy[copy.length - 3]! ^= 0x01;
        return copy;
      },
    });
    try {
      const env = sealedEnv(admin, { IMCTL_DNS_SERVER: relay.dnsServer.address, IMCTL_SASL_LAYER: 'sign' });
      const result = await imctlProcess(
        ['--auth', 'kerberos', 'enable', target, '--server', 'im-west', '--yes', '--json', '--concurrency', '1'],
        { env },
      );
      expect(flipped).toBe(1);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/failed its Kerberos integrity check.*1 of them in doubt/s);
      const [file] = journalFiles(env);
      const lines = journalRecords(file!);
      // The write whose answer was altered is recorded as sent but unconfirmed, not as done: undo can still revert it.
      expect(lines.slice(1).map((l) => [l.type, String(l.dn).startsWith('CN=Wirecheck\\, Yolanda,')])).toEqual([
        ['unconfirmed', true],
        ['end', false],
      ]);
    } finally {
      await relay.close();
      await imctlProcess(['--auth', 'kerberos', 'disable', target, '--yes'], { env: sealedEnv(admin) });
    }
  });

  it('sealed: a flipped byte in a reply stops a read with exit 1 and one sentence', async () => {
    const flip = flipSaslChunk(3);
    const relay = await relayed({ onServerChunk: flip.onServerChunk });
    try {
      const result = await imctlProcess(['--auth', 'kerberos', 'users', '--server', 'im-east', '--json'], {
        env: sealedEnv(admin, { IMCTL_DNS_SERVER: relay.dnsServer.address }),
      });
      expect(flip.seen()).toBeGreaterThanOrEqual(3);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^error: A message from dc1\.lab\.imctl\.test failed its Kerberos integrity check/);
    } finally {
      await relay.close();
    }
  });
});

describe('reconnect and failover: a new GSS context on each new connection', () => {
  const COUNT = 400;
  let ou: string;
  const sams = Array.from({ length: COUNT }, (_, i) => `ksf-${String(i).padStart(3, '0')}`);

  beforeAll(async () => {
    ou = await createOu('kerberos-sealed-failover');
    await addUsers(
      ou,
      sams.map((sam) => ({ sam, cn: `Sealed Failover ${sam}` })),
    );
    // dc2's ldap/ SPN and its KDC come from lab/dc2.sh (dc2_kerberos, at every lab start).
    await replicate(); // the users exist on dc2 too, as the failover needs
  });

  /** Run an import and, once `n` writes are journaled (well inside the write phase), do `fault`. */
  const importWithFault = async (
    env: NodeJS.ProcessEnv,
    action: 'enable' | 'move',
    to: string,
    n: number,
    fault: () => void,
  ) => {
    let done = false;
    const running = importAll(env, scratchDir('ksf-'), action, to).finally(() => (done = true));
    const dir = join(env.XDG_STATE_HOME!, 'imctl', 'journal');
    let hit = false;
    while (!done && !hit) {
      const files = existsSync(dir) ? readdirSync(dir) : [];
      hit = files.length > 0 && readFileSync(join(dir, files[0]!), 'utf8').split('\n').length - 2 >= n;
      if (hit) fault();
      else await new Promise((r) => setTimeout(r, 10));
    }
    expect(hit, 'the import finished before the fault').toBe(true);
    return running;
  };

  const importAll = (env: NodeJS.ProcessEnv, dir: string, action: 'enable' | 'move', to: string) => {
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, `user,action,server\n${sams.map((s) => `${s},${action},${to}`).join('\n')}\n`);
    return imctlProcess(['--auth', 'kerberos', '-v', 'import', csv, '--yes', '--json', '--concurrency', '4'], {
      env,
      timeoutMs: 115_000,
    });
  };

  it('the connection cut mid-import: reconnects to the same DC, binds a new context, finishes; ldapsearch finds every row once', async () => {
    const relay = await relayed({});
    try {
      const result = await importWithFault(
        sealedEnv(admin, { IMCTL_DNS_SERVER: relay.dnsServer.address }),
        'enable',
        'im-north',
        60,
        () => relay.proxy.cutAll(),
      );
      expect(relay.proxy.stats.cut).toBeGreaterThan(0);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr.match(/protection: sealed/g)!.length).toBeGreaterThanOrEqual(2);
      expect(result.json().summary).toMatchObject({ changed: COUNT, failed: 0 });
      expect(await countHomedOn(admin, ou, server('im-north').dn)).toBe(COUNT);
    } finally {
      await relay.close();
    }
  });

  it('dc1 stops answering mid-import: the run fails over to dc2 with a new context there, sealed', async () => {
    // dc1's KDC stays up here (only its LDAP is cut off); the real kill is test/replication/failover-sealed.lab.test.ts.
    const cache = await kinit(krb().adminPrincipal, lab().adminPassword);
    await replicate(); // dc2 has the enabled users too: the moves are valid on both DCs
    const relay = await relayed({}, [{ host: dc2().host, ip: dc2().ip, port: 389 }]);
    try {
      const result = await importWithFault(
        sealedEnv(cache, { IMCTL_DNS_SERVER: relay.dnsServer.address }),
        'move',
        'im-west',
        60,
        () => {
          // Stop listening (new connections are refused) and cut the open one: dc1 as gone.
          void relay.proxy.refuse();
          relay.proxy.cutAll();
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/this run continues on dc2\.lab\.imctl\.test/);
      expect(result.stderr.match(/protection: sealed/g)!.length).toBeGreaterThanOrEqual(2);
      expect(result.json().summary).toMatchObject({ changed: COUNT, failed: 0 });
      const west = server('im-west').dn;
      const on1 = await searchOn(dc1(), ou, `(msExchIMVirtualServer=${west})`, ['sAMAccountName']);
      const on2 = await searchOn(dc2(), ou, `(msExchIMVirtualServer=${west})`, ['sAMAccountName']);
      const both = new Set([...on1, ...on2].map((e) => e.attrs.samaccountname![0]));
      expect(both.size).toBe(COUNT);
      expect(on2.length).toBeGreaterThan(0);
    } finally {
      await relay.close();
    }
  });
});
