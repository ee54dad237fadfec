// @ts-check
// The sealed section of the benchmark (issue 20): bulk enable of the bench users over port 389
// with Kerberos and the SASL GSSAPI security layer sealing every message — imctl against
// `ldapmodify -Y GSSAPI` (which seals too) on the same LDIF — and imctl sealed against imctl over
// TLS (the enable section's run: LDAPS, simple bind), so admins know what the layer costs.
// Same users, same values, alternating order, each run checked and reset by the harness.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { writePhaseMs } from './imctl-output.mjs';

/** @typedef {import('./harness.mjs').Harness} Harness */
/** @typedef {import('./harness.mjs').Timed} Timed */

const NSS_WRAPPER_LIB = '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so';

/**
 * The harness, and the enable section's users, files and steps, which this section reuses.
 * @typedef {object} EnableSteps
 * @property {() => Promise<unknown>} prepareEnable
 * @property {() => Promise<void>} resetEnable
 * @property {(who: string) => Promise<string>} verifyEnabled
 * @property {(concurrency: number) => Promise<Timed>} timeImctlImport
 * @property {string} csvFile
 * @property {string} ldifFile
 */

/** @param {Harness & EnableSteps} h */
export async function benchSealed(h) {
  const k = h.lab.kerberos;
  if (!k) throw new Error('this lab has no Kerberos (lab.json has no "kerberos"): run lab.sh up');
  await h.prepareEnable();
  const cache = `FILE:${join(h.scratch, 'krb5cc-sealed')}`;
  const krbEnv = { PATH: process.env.PATH, KRB5_CONFIG: k.krb5Conf, KRB5CCNAME: cache };
  await h.runOk('kinit', [k.adminPrincipal], {
    env: krbEnv,
    input: readFileSync(h.lab.adminPassword ?? join(h.lab.labDir, 'admin.password'), 'utf8'),
    stdout: 'ignore',
  });

  // imctl with only the ticket: the DCs from the lab's SRV records, no CA, so 389 sealed.
  const imctlEnv = {
    ...krbEnv,
    HOME: h.home,
    XDG_STATE_HOME: join(h.home, 'state'),
    XDG_CONFIG_HOME: join(h.home, 'config-sealed'),
    NO_COLOR: '1',
    IMCTL_DOMAIN: h.lab.domain,
    IMCTL_DNS_SERVER: `${h.lab.dnsServer}:${h.lab.dnsPort}`,
    IMCTL_IM_DOMAIN: h.lab.imDomain,
  };
  const imctlArgs = ['--auth', 'kerberos', 'import', h.csvFile, '--yes', '--concurrency', '16'];
  const sealedImctl = async () => {
    const r = await h.run(process.execPath, [join(h.repo, 'bin', 'imctl'), '-v', ...imctlArgs], {
      env: imctlEnv,
      cwd: h.repo,
      stdout: 'ignore',
    });
    if (r.code !== 0) throw new Error(`imctl (sealed) exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    if (!/protection: sealed/.test(r.stderr)) throw new Error('imctl did not report a sealed connection');
    // -v's last line on the layer: how many GSS calls the run made and the time spent inside them.
    const gss = /sasl layer: (\d+ wrap.*)$/m.exec(r.stderr)?.[1];
    return { ms: r.ms, writeMs: writePhaseMs(r.stderr), gss };
  };
  // The reference: OpenLDAP's GSSAPI bind to the DC by name (nss_wrapper: the lab's hosts file),
  // Cyrus SASL's default layer (it seals: SSF 256 here), one modify after the other.
  const toolEnv = {
    ...krbEnv,
    HOME: h.home,
    LD_PRELOAD: NSS_WRAPPER_LIB,
    NSS_WRAPPER_HOSTS: k.hostsFile,
    NSS_WRAPPER_PASSWD: '/etc/passwd',
    NSS_WRAPPER_GROUP: '/etc/group',
  };
  const refArgs = ['-N', '-Y', 'GSSAPI', '-H', `ldap://${k.dcHost}`, '-f', h.ldifFile];
  const sealedLdapmodify = async () => {
    const r = await h.run('ldapmodify', refArgs, { env: toolEnv, stdout: 'ignore' });
    if (r.code !== 0) throw new Error(`ldapmodify -Y GSSAPI exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    if (!/SASL SSF: [1-9]/.test(r.stderr))
      throw new Error(`ldapmodify -Y GSSAPI did not install a security layer: ${r.stderr}`);
    return r.ms;
  };

  /** @type {Record<'sealed' | 'reference' | 'tls', Timed[]>} */
  const runs = { sealed: [], reference: [], tls: [] };
  /** @type {('sealed' | 'reference' | 'tls')[]} */
  const kinds = ['sealed', 'reference', 'tls'];
  for (let rep = 0; rep < h.REPS; rep++) {
    const order = rep % 2 === 0 ? kinds : [...kinds].reverse();
    for (const which of order) {
      const res = await h.withLab(`sealed rep ${rep + 1} ${which}`, async () => {
        const took = await h.timed(() =>
          which === 'sealed' ? sealedImctl() : which === 'reference' ? sealedLdapmodify() : h.timeImctlImport(16),
        );
        await h.verifyEnabled(which);
        await h.resetEnable();
        return took;
      });
      runs[which].push(res);
      h.log(`sealed rep ${rep + 1}/${h.REPS}: ${which} ${h.seconds(res.ms)} s`);
    }
  }
  const med = (/** @type {keyof typeof runs} */ which) => h.median(runs[which].map((r) => r.ms));
  const [ms, mr, mt] = [med('sealed'), med('reference'), med('tls')];
  const n = h.N.toLocaleString('en-US');
  h.record(
    `sealed bulk enable, ${n} users (389 Kerberos sealed: import --concurrency 16 vs ldapmodify -Y GSSAPI)`,
    ms,
    mr,
    's',
    { ratio: 1.1, text: '≤ 1.10×' },
  );
  h.record(
    'sealed vs TLS write throughput (imctl import: sealed 389 vs LDAPS)',
    h.N / (ms / 1000),
    h.N / (mt / 1000),
    'rows/s',
    { text: 'info' },
    { lowerIsBetter: false },
  );
  const writePhases = (/** @type {Timed[]} */ list) =>
    list.flatMap((r) => (r.writeMs === undefined ? [] : [r.writeMs]));
  const writes = writePhases(runs.sealed);
  const tlsWrites = writePhases(runs.tls);
  h.details.push(
    [
      `### Sealed: bulk enable of ${n} users on port 389 with Kerberos`,
      '',
      `- imctl: \`KRB5CCNAME=… node bin/imctl --auth kerberos --domain ${h.lab.domain} import bench.csv --yes --concurrency 16\` (no CA: the DCs by SRV, 389, the SASL layer sealing every message)`,
      `- reference: \`ldapmodify ${refArgs.slice(0, -1).join(' ')} bench.ldif\` (Cyrus SASL's GSSAPI layer, SSF 256), the enable section's LDIF`,
      `- TLS: the enable section's imctl run (LDAPS, simple bind, the same CSV)`,
      '',
      h.runsLine('imctl sealed', runs.sealed),
      h.runsLine('ldapmodify -Y GSSAPI', runs.reference),
      h.runsLine('imctl over TLS', runs.tls),
      ...(writes.length && tlsWrites.length
        ? [
            `- imctl's write phase: sealed ${h.seconds(h.median(writes))} s (${Math.round(h.N / (h.median(writes) / 1000))} writes/s), TLS ${h.seconds(h.median(tlsWrites))} s (${Math.round(h.N / (h.median(tlsWrites) / 1000))} writes/s)`,
          ]
        : []),
      ...runs.sealed.filter((r) => r.gss).map((r, i) => `- the layer in sealed run ${i + 1} (imctl -v): ${r.gss}`),
    ].join('\n'),
  );
}
