// @ts-check
// The audit section of the benchmark: `imctl audit` over the directory's IM users
// (~20,000 with the listing seed) against one paged ldapsearch of the same users and attributes —
// what an admin would script before writing the checks themselves. Same run, alternating order.

/** @typedef {import('./harness.mjs').Harness} Harness */
/** @typedef {import('./harness.mjs').Timed} Timed */

/** The audit pass's filter and attributes (src/directory/users.ts IM_USER_FILTER, AUDIT_ATTRIBUTES). */
const IM_ATTRS = ['msExchIMAddress', 'msExchIMMetaPhysicalURL', 'msExchIMPhysicalURL', 'msExchIMVirtualServer'];
export const AUDIT_FILTER = `(&(sAMAccountType=805306368)(|${IM_ATTRS.map((a) => `(${a}=*)`).join('')}))`;
export const AUDIT_ATTRS = [
  'objectGUID',
  'sAMAccountName',
  'mailNickname',
  'userAccountControl',
  'accountExpires',
  ...IM_ATTRS,
];

/**
 * @param {Harness & { requireList: () => void }} h the harness, and a way to ask for the listing
 * seed (~20,000 IM users) before the first step
 */
export async function benchAudit(h) {
  h.requireList();
  const dns = `${h.lab.dnsServer}:${h.lab.dnsPort}`;
  const args = ['audit', '--dns-server', dns];
  // Checked first: the audit read as many IM users as ldapsearch finds.
  const check = await h.withLab('audit: check', async () => {
    const r = await h.imctl(['audit', '--json', '--no-dns']);
    if (r.code !== 0 && r.code !== 3) throw new Error(`imctl audit exited ${r.code}: ${r.stderr}`);
    const users = JSON.parse(r.stdout).users;
    const count = await h.ldap.count(h.lab.baseDn, AUDIT_FILTER);
    if (users !== count) throw new Error(`imctl audit read ${users} IM users, ldapsearch finds ${count}`);
    return users;
  });
  /** @type {Timed[]} */
  const a = [];
  /** @type {Timed[]} */
  const b = [];
  for (let rep = 0; rep < h.REPS; rep++) {
    const order = rep % 2 === 0 ? ['imctl', 'ldapsearch'] : ['ldapsearch', 'imctl'];
    for (const which of order) {
      const res = await h.withLab(`audit rep ${rep + 1} ${which}`, () =>
        h.timed(async () => {
          const r =
            which === 'imctl'
              ? await h.imctl(args, { stdout: 'ignore' })
              : await h.run('ldapsearch', h.ldap.searchArgs(h.lab.baseDn, AUDIT_FILTER, AUDIT_ATTRS), {
                  env: h.ldap.env,
                  stdout: 'ignore',
                });
          // The audit exits 3 when findings remain (the lab has them on purpose).
          if (r.code !== 0 && !(which === 'imctl' && r.code === 3))
            throw new Error(`${which} exited ${r.code}: ${r.stderr}`);
          return r.ms;
        }),
      );
      (which === 'imctl' ? a : b).push(res);
      h.log(`audit rep ${rep + 1}/${h.REPS}: ${which} ${h.seconds(res.ms)} s`);
    }
  }
  h.record(
    `audit of ${check.toLocaleString('en-US')} IM users (audit vs one paged ldapsearch of the same attributes)`,
    h.median(a.map((r) => r.ms)),
    h.median(b.map((r) => r.ms)),
    's',
    { ratio: 1.5, text: '≤ 1.5×' },
  );
  h.details.push(
    [
      `### Audit of ${check.toLocaleString('en-US')} IM users`,
      '',
      `- imctl: \`${h.showImctl(args)} > /dev/null\` — the servers, one paged pass over every user with any IM attribute, one \`_rvp._tcp\` lookup per IM domain in use, the analysis and the summary (checked first: it read as many users as ldapsearch finds)`,
      `- reference: \`ldapsearch … -E pr=1000/noprompt -b ${h.lab.baseDn} '${AUDIT_FILTER}' ${AUDIT_ATTRS.join(' ')} > /dev/null\``,
      `- ${h.runsLine('imctl', a)}`,
      `- ${h.runsLine('ldapsearch', b)}`,
    ].join('\n'),
  );
}
