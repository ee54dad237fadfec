/**
 * Directory data that attacks the admin's workstation (issue 25): a home server whose name is a
 * shell command, planted in the Configuration partition as any Exchange administrator could.
 * `imctl servers` must keep it out of the completion cache (and say so), and a Tab must run nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imctlProcess, imctlEnv, lab, ldapmodify, ldapsearch, scratchDir } from '../support/lab.js';

const exchangeServers = () =>
  `CN=Servers,CN=First Administrative Group,CN=Administrative Groups,CN=Lab Org,CN=Microsoft Exchange,CN=Services,${lab().configDn}`;

describe('a hostile home server name (against the lab DC)', () => {
  const work = scratchDir('imctl-hostile-server-');
  const marker = join(work, 'PWNED');
  const hostileName = `evil$(touch\${IFS}${marker})`;
  const container = () => `CN=EXCH66,${exchangeServers()}`;
  const dns = () => [
    container(),
    `CN=Protocols,${container()}`,
    `CN=InstMsg,CN=Protocols,${container()}`,
    `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,${container()}`,
  ];

  beforeAll(async () => {
    const [exch, protocols, instMsg, server] = dns();
    const containers = [exch, protocols, instMsg]
      .map((dn) => `dn: ${dn}\nchangetype: add\nobjectClass: container\n\n`)
      .join('');
    const added = await ldapmodify(
      `${containers}dn: ${server}\nchangetype: add\nobjectClass: msExchProtocolCfgIMVirtualServer\nmsExchIMServerName: ${hostileName}\nmsExchIMServerHostsUsers: TRUE\nmsExchIMHostName: exch66.lab.imctl.test\nmsExchIMServerIISId: 1\n\n`,
    );
    expect(added.code, added.stderr).toBe(0);
    const found = await ldapsearch(lab().configDn, '(objectClass=msExchProtocolCfgIMVirtualServer)', [
      'msExchIMServerName',
    ]);
    expect(found.map((e) => e.attrs.msexchimservername?.[0])).toContain(hostileName);
  });

  afterAll(async () => {
    const removed = await ldapmodify(
      dns()
        .reverse()
        .map((dn) => `dn: ${dn}\nchangetype: delete\n\n`)
        .join(''),
      ['-c'],
    );
    expect(removed.code, removed.stderr).toBe(0);
  });

  it('servers lists it, keeps it out of the completion cache with a warning, and a Tab runs nothing', async () => {
    const env = imctlEnv();
    env.XDG_CACHE_HOME = join(env.HOME!, 'cache');
    const result = await imctlProcess(['servers', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json<{ servers: { name: string }[] }>().servers.map((s) => s.name)).toContain(hostileName);
    expect(result.stderr).toContain('shell completion will not offer it');

    const cacheFile = join(env.XDG_CACHE_HOME, 'imctl', 'servers.json');
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    const cached = (JSON.parse(readFileSync(cacheFile, 'utf8')) as { servers: string[] }).servers;
    expect(cached).not.toContain(hostileName);
    expect(cached).toEqual(expect.arrayContaining(['im-east', 'im-west']));

    const script = join(work, 'imctl.bash');
    writeFileSync(script, (await imctlProcess(['completion', 'bash'], { env })).stdout);
    const driver = `source ${script}; COMP_WORDS=(imctl move jdoe --to ''); COMP_CWORD=4; _imctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const offered = execFileSync('bash', ['--norc', '--noprofile', '-c', driver], {
      env: { PATH: env.PATH, HOME: env.HOME, XDG_CACHE_HOME: env.XDG_CACHE_HOME },
      encoding: 'utf8',
    });
    expect(offered.split('\n').filter(Boolean).sort()).toEqual([...cached].sort());
    expect(existsSync(marker)).toBe(false);
  });
});
