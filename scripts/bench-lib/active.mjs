// @ts-check
// The active-load section of the benchmark: `imctl servers --load active --json` (homed and active
// users per server, the active ones counted by the DC with the activity filter, no values sent)
// against the ldapsearch an admin would script for the same two figures: per server, one paged
// value-less search for the homed users and one for the active ones. Checked first: equal counts.

/** @typedef {import('./harness.mjs').Harness} Harness */
/** @typedef {import('./harness.mjs').Timed} Timed */

const DAY = 86_400_000;
/** @param {number} ms */
const ft = (ms) => (BigInt(Math.floor(ms)) * 10000n + 116444736000000000n).toString();
/**
 * Enabled, not expired, lastLogonTimestamp within `days` (written out here, not imported from imctl).
 * @param {number} days
 */
export function activeFilter(days, now = Date.now()) {
  return `(&(!(userAccountControl:1.2.840.113556.1.4.803:=2))(|(accountExpires=0)(accountExpires>=${ft(now + 1)}))(lastLogonTimestamp>=${ft(now - days * DAY)}))`;
}

/** @param {Harness} h */
export async function benchActive(h) {
  const present = h.lab.servers.filter((s) => s.exists);
  const args = ['servers', '--load', 'active', '--json'];
  const on = (/** @type {import('./harness.mjs').LabServer} */ s) => `(msExchIMVirtualServer=${s.dn})`; // the lab's server DNs need no escaping
  const reference = async () => {
    const now = Date.now();
    let ms = 0;
    /** @type {Record<string, { users?: number, active?: number }>} */
    const counts = {};
    for (const s of present) {
      /** @type {['users' | 'active', string][]} */
      const searches = [
        ['users', ''],
        ['active', activeFilter(30, now)],
      ];
      for (const [key, extra] of searches) {
        const r = await h.run(
          'ldapsearch',
          h.ldap.searchArgs(h.lab.baseDn, `(&${h.USER_FILTER}${on(s)}${extra})`, ['1.1']),
          { env: h.ldap.env },
        );
        if (r.code !== 0) throw new Error(`ldapsearch for ${s.name} exited ${r.code}: ${r.stderr}`);
        ms += r.ms;
        (counts[s.name] ??= {})[key] = (r.stdout.match(/^dn:/gm) ?? []).length;
      }
    }
    return { ms, counts };
  };
  const check = await h.withLab('active: check', async () => {
    const r = await h.imctl(args);
    if (r.code !== 0) throw new Error(`imctl servers --load active exited ${r.code}: ${r.stderr}`);
    const mine = Object.fromEntries(
      /** @type {{ servers: { name: string, users: number, active: number }[] }} */ (JSON.parse(r.stdout)).servers.map(
        (s) => [s.name, { users: s.users, active: s.active }],
      ),
    );
    const ref = (await reference()).counts;
    for (const s of present) {
      if (JSON.stringify(mine[s.name]) !== JSON.stringify(ref[s.name]))
        throw new Error(`${s.name}: imctl ${JSON.stringify(mine[s.name])}, ldapsearch ${JSON.stringify(ref[s.name])}`);
    }
    return ref;
  });
  /** @type {Timed[]} */
  const a = [];
  /** @type {Timed[]} */
  const b = [];
  for (let rep = 0; rep < h.REPS; rep++) {
    const order = rep % 2 === 0 ? ['imctl', 'ldapsearch'] : ['ldapsearch', 'imctl'];
    for (const which of order) {
      const res = await h.withLab(`active rep ${rep + 1} ${which}`, () =>
        h.timed(async () => {
          if (which !== 'imctl') return (await reference()).ms;
          const r = await h.imctl(args, { stdout: 'ignore' });
          if (r.code !== 0) throw new Error(`imctl servers --load active exited ${r.code}: ${r.stderr}`);
          return r.ms;
        }),
      );
      (which === 'imctl' ? a : b).push(res);
      h.log(`active rep ${rep + 1}/${h.REPS}: ${which} ${h.seconds(res.ms)} s`);
    }
  }
  h.record(
    `homed and active per server (servers --load active --json vs ${present.length * 2} sequential ldapsearch 1.1)`,
    h.median(a.map((r) => r.ms)),
    h.median(b.map((r) => r.ms)),
    's',
    { ratio: 1.0, text: '≤ 1.00×' },
  );
  h.details.push(
    [
      '### Homed and active users per home server (--load active)',
      '',
      `- imctl: \`${h.showImctl(args)} > /dev/null\` (checked first: its homed and active counts equal ldapsearch's: ${present.map((s) => `${s.name} ${check[s.name]?.users}/${check[s.name]?.active}`).join(', ')})`,
      `- reference: for each of the ${present.length} servers, sequentially, \`ldapsearch … -E pr=1000/noprompt -b ${h.lab.baseDn} '(&${h.USER_FILTER}(msExchIMVirtualServer=<server DN>))' 1.1\` and the same with the activity filter \`${activeFilter(30).replace(/\d{17,}/g, '<FILETIME>')}\` (time summed)`,
      `- ${h.runsLine('imctl', a)}`,
      `- ${h.runsLine(`ldapsearch ×${present.length * 2}`, b)}`,
    ].join('\n'),
  );
}
