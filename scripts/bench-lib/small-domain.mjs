// @ts-check
// The second, differently shaped directory of the benchmark (issue 23): a small domain of
// SMALL_USERS users in one OU, SMALL_IM of them IM-enabled on one home server, MOVES of them — most
// of the domain — moved to another, with home servers whose DNs are as long as a real organisation's
// (`CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=<server>,CN=Servers,CN=<long administrative
// group>,CN=Administrative Groups,…`). The bench creates the two server objects and the OU itself,
// beside the lab's seeded data (nothing the tests rely on is touched), and deletes both at the end.
// imctl runs with --base-dn on the OU and IMCTL_TEST_LOADS_UNDER_BASE_DN=1: for it, the OU is the domain. Sections:
//   small-import   `import` of MOVES `move` rows vs ldapmodify -f of an admin's LDIF (two replaces per
//                  user) and of imctl's own --ldif (compare-and-set)
//   small-forms    what each form of the same 1,500 modifies costs Samba: wall time of ldapmodify -f
//                  and Samba's CPU time (/proc/<samba>/stat), per form
//   small-users    `users --json` over the SMALL_IM IM users vs one paged ldapsearch
//   small-servers  `servers --json` vs one value-less ldapsearch per server (each scoped to the OU)
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IM_ATTRS, USER_FILTER, ldifValue } from './ldap.mjs';
import { median, run, seconds } from './run.mjs';
import { writePhaseMs } from './imctl-output.mjs';

/** @typedef {import('./harness.mjs').Harness} Harness */
/** @typedef {import('./harness.mjs').Timed} Timed */
/** A timed run with Samba's CPU time during it. @typedef {Timed & { sambaMs?: number }} SambaTimed */
/** One of the bench's IM servers. @typedef {{ server: string, host: string, name: string, iisId: number, dn: string }} SmallServer */
/** One user of the small domain. @typedef {{ sam: string, cn: string, dn: string, im: boolean }} SmallUser */

export const SMALL_SECTIONS = /** @type {const} */ (['small-import', 'small-forms', 'small-users', 'small-servers']);
const SMALL_USERS = 2600;
const SMALL_IM = 2320;
const MOVES = 1500;
const ADMIN_GROUP = 'Contoso North America Exchange Administrative Group (FYDIBOHF23SPDLT)';

/**
 * Samba's CPU time (utime + stime of the lab's samba and its children, in ms), from /proc.
 * @param {string} labDir
 * @returns {number | undefined} undefined when the lab's samba is not known
 */
export function sambaCpuMs(labDir) {
  let root;
  try {
    root = Number(readFileSync(join(labDir, 'run', 'lab.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
  const tick = 10; // USER_HZ is 100 on Linux
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // fields[1] = ppid; [11] utime, [12] stime, [13] cutime, [14] cstime
      stats.set(Number(name), {
        ppid: Number(fields[1]),
        cpu: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * tick,
      });
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (/** @type {number} */ pid) => {
    for (let /** @type {number | undefined} */ p = pid, hops = 0; p && hops < 20; p = stats.get(p)?.ppid, hops++)
      if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, s] of stats) if (inTree(pid)) total += s.cpu;
  return total;
}

/** @param {Harness} h */
export function smallDomain(h) {
  const { lab, ldap } = h;
  const exchangeDn = `CN=Administrative Groups,CN=Lab Org,CN=Microsoft Exchange,CN=Services,${lab.configDn}`;
  const groupDn = `CN=${ADMIN_GROUP} ${h.tag},${exchangeDn}`;
  const OU = `OU=bench-small-${h.tag},${lab.baseDn}`;
  /**
   * @param {string} letter
   * @param {number} n
   * @returns {SmallServer}
   */
  const mkServer = (letter, n) => {
    const server = `EXIM-NA-${letter}${String(n).padStart(2, '0')}`;
    const host = `${server.toLowerCase()}.corp-north-america.${lab.domain}`;
    return {
      server,
      host,
      name: `im-small-${letter.toLowerCase()}-${h.tag}`,
      iisId: 40 + n,
      dn: `CN=IM Virtual Server,CN=InstMsg,CN=Protocols,CN=${server},CN=Servers,${groupDn}`,
    };
  };
  const from = mkServer('A', 1);
  const to = mkServer('B', 2);
  const pad = (/** @type {number} */ i) => String(i).padStart(5, '0');
  /**
   * A user's four IM values on `server`.
   * @param {string} sam
   * @param {SmallServer} server
   * @returns {Record<(typeof IM_ATTRS)[number], string>}
   */
  const values = (sam, server) => ({
    msExchIMVirtualServer: server.dn,
    msExchIMAddress: `${sam}@${lab.imDomain}`,
    msExchIMMetaPhysicalURL: `http://${lab.imDomain}/instmsg/aliases/${sam}`,
    msExchIMPhysicalURL: `http://${server.host}/instmsg/local/${lab.imDomain}/instmsg/aliases/${sam}`,
  });
  const users = Array.from({ length: SMALL_USERS }, (_, i) => /** @type {SmallUser} */ {
    const sam = `s${h.tag}u${pad(i)}`;
    const cn = `Smalldomain, User ${pad(i)}`;
    return { sam, cn, dn: `CN=${cn.replace(',', '\\,')},OU=People,${OU}`, im: i < SMALL_IM };
  });
  const movers = users.slice(0, MOVES);
  const scopeArgs = ['--base-dn', OU];
  // For imctl the OU is the domain: server loads counted under the base DN too (a test-only switch:
  // imctl counts loads across the whole domain, and the lab's 12,000 seeded users would join them).
  // The references search the OU, so both count the same users.
  /** @type {Harness['imctl']} */
  const imctl = (args, options = {}) =>
    h.imctl(args, { ...options, env: { ...h.imctlEnv, IMCTL_TEST_LOADS_UNDER_BASE_DN: '1' } });
  const file = (/** @type {string} */ name) => join(h.scratch, `small-${name}`);
  let created = false;

  const modifyLdif = (/** @type {string} */ dn, /** @type {string[]} */ lines) =>
    `${ldifValue('dn', dn)}\nchangetype: modify\n${lines.join('\n')}\n\n`;
  /** The forms of one user's move, as LDIF change lines. @satisfies {Record<string, (u: SmallUser) => string[]>} */
  const FORMS = {
    'compare-and-set (imctl): delete+add on both attributes': (u) => {
      const a = values(u.sam, from);
      const b = values(u.sam, to);
      return ['msExchIMPhysicalURL', 'msExchIMVirtualServer'].flatMap((attr) => [
        `delete: ${attr}`,
        `${attr}: ${a[attr]}`,
        '-',
        `add: ${attr}`,
        `${attr}: ${b[attr]}`,
        '-',
      ]);
    },
    "two replaces (an admin's LDIF)": (u) => {
      const b = values(u.sam, to);
      return ['msExchIMPhysicalURL', 'msExchIMVirtualServer'].flatMap((attr) => [
        `replace: ${attr}`,
        `${attr}: ${b[attr]}`,
        '-',
      ]);
    },
    'delete+add on the URL, replace of the server DN': (u) => {
      const a = values(u.sam, from);
      const b = values(u.sam, to);
      return [
        'delete: msExchIMPhysicalURL',
        `msExchIMPhysicalURL: ${a.msExchIMPhysicalURL}`,
        '-',
        'add: msExchIMPhysicalURL',
        `msExchIMPhysicalURL: ${b.msExchIMPhysicalURL}`,
        '-',
        'replace: msExchIMVirtualServer',
        `msExchIMVirtualServer: ${b.msExchIMVirtualServer}`,
        '-',
      ];
    },
    'delete+add on the server DN, replace of the URL': (u) => {
      const a = values(u.sam, from);
      const b = values(u.sam, to);
      return [
        'delete: msExchIMVirtualServer',
        `msExchIMVirtualServer: ${a.msExchIMVirtualServer}`,
        '-',
        'add: msExchIMVirtualServer',
        `msExchIMVirtualServer: ${b.msExchIMVirtualServer}`,
        '-',
        'replace: msExchIMPhysicalURL',
        `msExchIMPhysicalURL: ${b.msExchIMPhysicalURL}`,
        '-',
      ];
    },
    'delete of both old values + two replaces': (u) => {
      const a = values(u.sam, from);
      const b = values(u.sam, to);
      return ['msExchIMPhysicalURL', 'msExchIMVirtualServer'].flatMap((attr) => [
        `delete: ${attr}`,
        `${attr}: ${a[attr]}`,
        '-',
        `replace: ${attr}`,
        `${attr}: ${b[attr]}`,
        '-',
      ]);
    },
  };
  const formFile = (/** @type {number} */ i) => file(`form-${i}.ldif`);
  const adminLdif = file('admin-moves.ldif');
  const imctlLdif = file('imctl-moves.ldif');
  const csv = file('moves.csv');
  const resetLdif = file('reset.ldif');

  async function ensureSmall() {
    if (
      created &&
      (await ldap.exists(`OU=People,${OU}`)) &&
      (await ldap.count(OU, USER_FILTER)) === SMALL_USERS &&
      (await ldap.exists(to.dn))
    )
      return;
    created = true;
    /** @type {string[]} */
    const adds = [];
    const container = (/** @type {string} */ dn) =>
      adds.push(`${ldifValue('dn', dn)}\nchangetype: add\nobjectClass: container\n\n`);
    container(groupDn);
    container(`CN=Servers,${groupDn}`);
    for (const s of [from, to]) {
      container(`CN=${s.server},CN=Servers,${groupDn}`);
      container(`CN=Protocols,CN=${s.server},CN=Servers,${groupDn}`);
      container(`CN=InstMsg,CN=Protocols,CN=${s.server},CN=Servers,${groupDn}`);
      adds.push(
        [
          ldifValue('dn', s.dn),
          'changetype: add',
          'objectClass: top',
          'objectClass: msExchProtocolCfgIMVirtualServer',
          `msExchIMServerName: ${s.name}`,
          `msExchIMHostName:: ${Buffer.from(s.host).toString('base64')}`,
          'msExchIMServerHostsUsers: TRUE',
          `msExchIMServerIISId: ${s.iisId}`,
          '',
          '',
        ].join('\n'),
      );
    }
    adds.push(
      `dn: ${OU}\nchangetype: add\nobjectClass: organizationalUnit\ndescription: imctl benchmark: a second, small directory (scripts/bench-lib/small-domain.mjs); delete me\n\n`,
    );
    adds.push(`dn: OU=People,${OU}\nchangetype: add\nobjectClass: organizationalUnit\n\n`);
    for (const u of users) {
      adds.push(
        [
          ldifValue('dn', u.dn),
          'changetype: add',
          'objectClass: user',
          ldifValue('cn', u.cn),
          `sAMAccountName: ${u.sam}`,
          `userPrincipalName: ${u.sam}@${lab.domain}`,
          ldifValue('displayName', u.cn.replace(/^(\w+), (.+)$/, '$2 $1')),
          `mail: ${u.sam}@${lab.domain}`,
          `mailNickname: ${u.sam}`,
          ...(u.im ? Object.entries(values(u.sam, from)).map(([a, v]) => `${a}: ${v}`) : []),
          '',
          '',
        ].join('\n'),
      );
    }
    writeFileSync(file('seed.ldif'), adds.join(''));
    h.log(
      `small domain: seeding 2 IM servers under ${groupDn} and ${SMALL_USERS} users (${SMALL_IM} IM-enabled) in ${OU}`,
    );
    const r = await run('ldapmodify', [...ldap.bind, '-a', '-c', '-f', file('seed.ldif')], {
      env: ldap.env,
      stdout: 'ignore',
    });
    if (r.code !== 0 && r.code !== 68)
      throw Object.assign(
        new Error(`seeding the small domain: ldapmodify exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`),
        { stderr: r.stderr },
      );
    const n = await ldap.count(OU, USER_FILTER);
    if (n !== SMALL_USERS) throw new Error(`small domain: expected ${SMALL_USERS} users in ${OU}, found ${n}`);
    // The files the sections use.
    writeFileSync(csv, `user,action,server\n${movers.map((u) => `${u.sam},move,${to.name}`).join('\n')}\n`);
    writeFileSync(adminLdif, movers.map((u) => modifyLdif(u.dn, FORMS["two replaces (an admin's LDIF)"](u))).join(''));
    writeFileSync(
      resetLdif,
      movers
        .map((u) =>
          modifyLdif(
            u.dn,
            IM_ATTRS.map((a) => `replace: ${a}\n${a}: ${values(u.sam, from)[a]}\n-`),
          ),
        )
        .join(''),
    );
    Object.values(FORMS).forEach((form, i) =>
      writeFileSync(formFile(i), movers.map((u) => modifyLdif(u.dn, form(u))).join('')),
    );
    const ld = await imctl([...scopeArgs, 'import', csv, '--ldif', imctlLdif]);
    if (ld.code !== 0) throw new Error(`imctl import --ldif exited ${ld.code}: ${ld.stderr}`);
  }

  /** The four IM values of every user of the small domain, as ldapsearch sees them. */
  async function state() {
    const entries = await ldap.search(OU, USER_FILTER, IM_ATTRS);
    const lines = entries
      .map((e) => [e.dn.toLowerCase(), ...IM_ATTRS.map((a) => (e.attrs[a.toLowerCase()] ?? []).join('|'))].join('\t'))
      .sort();
    const onTo = entries.filter((e) => e.attrs.msexchimvirtualserver?.[0] === to.dn).length;
    return { onTo, digest: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16) };
  }

  async function reset() {
    await ldap.modifyFile(resetLdif);
    const s = await state();
    if (s.onTo !== 0) throw new Error(`small domain reset: ${s.onTo} users still on ${to.name}`);
  }

  async function importSmall() {
    const importArgs = [...scopeArgs, 'import', csv, '--yes'];
    /** @type {Record<'imctl' | 'admin' | 'cas', SambaTimed[]>} */
    const runs = { imctl: [], admin: [], cas: [] };
    const digests = new Set();
    await h.withLab('small-import: seed', async () => {
      await ensureSmall();
      await reset();
    });
    /** @type {('imctl' | 'admin' | 'cas')[]} */
    const kinds = ['imctl', 'admin', 'cas'];
    for (let rep = 0; rep < h.reps; rep++) {
      const order = kinds.map((_, i) => /** @type {'imctl' | 'admin' | 'cas'} */ (kinds[(i + rep) % kinds.length]));
      for (const which of order) {
        const res = await h.withLab(`small-import rep ${rep + 1} ${which}`, async () => {
          await ensureSmall();
          const cpu0 = sambaCpuMs(h.labDir);
          const took = await h.timed(async () => {
            if (which === 'admin') return (await ldap.modifyFile(adminLdif)).ms;
            if (which === 'cas') return (await ldap.modifyFile(imctlLdif)).ms;
            const r = await imctl(importArgs, { stdout: 'ignore' });
            if (r.code !== 0)
              throw Object.assign(new Error(`imctl import exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`), {
                stderr: r.stderr,
              });
            return { ms: r.ms, writeMs: writePhaseMs(r.stderr) };
          });
          const cpu1 = sambaCpuMs(h.labDir);
          const s = await state();
          if (s.onTo !== MOVES) throw new Error(`small-import ${which}: ${s.onTo} of ${MOVES} users on ${to.name}`);
          digests.add(s.digest);
          await reset();
          return { ...took, sambaMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
        });
        runs[which].push(res);
        h.log(`small-import rep ${rep + 1}/${h.reps}: ${which} ${seconds(res.ms)} s (samba cpu ${res.sambaMs} ms)`);
      }
    }
    if (digests.size !== 1)
      throw new Error(`imctl and ldapmodify left different values (digests ${[...digests].join(', ')})`);
    const m = (/** @type {keyof typeof runs} */ k) => median(runs[k].map((r) => r.ms));
    const cpu = (/** @type {keyof typeof runs} */ k) => median(runs[k].map((r) => r.sambaMs ?? NaN));
    const split = runs.imctl.flatMap((r) => (r.writeMs === undefined ? [] : [{ ms: r.ms, writeMs: r.writeMs }]));
    h.record(
      `small domain: import of ${MOVES.toLocaleString('en-US')} moves, ${SMALL_USERS.toLocaleString('en-US')} users, long server DNs (import vs ldapmodify -f of an admin's replaces)`,
      m('imctl'),
      m('admin'),
      's',
      { ratio: 1.1, text: '≤ 1.10×' },
    );
    h.record(
      `small domain: the same moves (import vs ldapmodify -f of imctl's compare-and-set LDIF)`,
      m('imctl'),
      m('cas'),
      's',
      { text: 'info' },
    );
    h.details.push(
      [
        `### 6a. Small domain: import of ${MOVES.toLocaleString('en-US')} moves (${SMALL_USERS.toLocaleString('en-US')} users in one OU, long server DNs)`,
        '',
        `- the directory: \`${OU}\` with ${SMALL_USERS.toLocaleString('en-US')} users, ${SMALL_IM.toLocaleString('en-US')} IM-enabled on \`${from.name}\` (\`${from.dn}\`, ${from.dn.length} characters); ${MOVES.toLocaleString('en-US')} move to \`${to.name}\` (\`${to.dn}\`). Seeded untimed by the bench, deleted at the end. imctl runs with \`--base-dn\` on the OU and \`IMCTL_TEST_LOADS_UNDER_BASE_DN=1\` (server loads counted under the base DN, not across the lab's whole domain): for it, the OU is the domain, as it is for the references.`,
        `- imctl: \`${h.showImctl([...scopeArgs, 'import', 'moves.csv', '--yes'])}\` (rows \`<sam>,move,${to.name}\`)`,
        `- reference 1 (the goal's): \`ldapmodify … -f admin.ldif\`, two \`replace\`s per user (msExchIMPhysicalURL, msExchIMVirtualServer) — what an admin writes by hand, with no check that the values are still the ones read`,
        `- reference 2: \`ldapmodify … -f cas.ldif\`, where cas.ldif is \`imctl … import moves.csv --ldif cas.ldif\` (imctl's own modifies)`,
        `- after every run ldapsearch checked that ${MOVES.toLocaleString('en-US')} users are on ${to.name} and that all three left the same values (digest \`${[...digests][0]}\`); an untimed ldapmodify put them back. Order rotated. Samba's CPU time per run (utime+stime from /proc) in brackets.`,
        `- ${h.runsLine('imctl', runs.imctl)} [samba CPU ${cpu('imctl').toFixed(0)} ms]`,
        ...(split.length
          ? [
              `  - write phase (imctl's \`import: N writes in X s\` line): ${seconds(median(split.map((r) => r.writeMs)))} s (median); before the first write: ${seconds(median(split.map((r) => r.ms - r.writeMs)))} s`,
            ]
          : []),
        `- ${h.runsLine('ldapmodify admin.ldif', runs.admin)} [samba CPU ${cpu('admin').toFixed(0)} ms]`,
        `- ${h.runsLine('ldapmodify cas.ldif', runs.cas)} [samba CPU ${cpu('cas').toFixed(0)} ms]`,
      ].join('\n'),
    );
  }

  async function forms() {
    const names = Object.keys(FORMS);
    const runs = names.map(() => /** @type {SambaTimed[]} */ ([]));
    await h.withLab('small-forms: seed', async () => {
      await ensureSmall();
      await reset();
    });
    for (let rep = 0; rep < h.reps; rep++) {
      for (let k = 0; k < names.length; k++) {
        const i = (k + rep) % names.length;
        const res = await h.withLab(`small-forms rep ${rep + 1} form ${i}`, async () => {
          await ensureSmall();
          const cpu0 = sambaCpuMs(h.labDir);
          const took = await h.timed(async () => (await ldap.modifyFile(formFile(i))).ms);
          const cpu1 = sambaCpuMs(h.labDir);
          const s = await state();
          if (s.onTo !== MOVES) throw new Error(`small-forms form ${i}: ${s.onTo} of ${MOVES} users on ${to.name}`);
          await reset();
          // NaN when samba's PID is not known (sambaCpuMs: undefined), as the report shows it.
          return { ...took, sambaMs: (cpu1 ?? NaN) - (cpu0 ?? NaN) };
        });
        runs[i]?.push(res);
        h.log(`small-forms rep ${rep + 1}/${h.reps}: ${names[i]} ${seconds(res.ms)} s (samba cpu ${res.sambaMs} ms)`);
      }
    }
    /** The runs of form `i`. @param {number} i */
    const formRuns = (i) => runs[i] ?? [];
    const base = median(formRuns(1).map((r) => r.ms));
    const baseCpu = median(formRuns(1).map((r) => r.sambaMs ?? NaN));
    h.details.push(
      [
        `### 6b. Small domain: what each form of the ${MOVES.toLocaleString('en-US')} moves costs Samba (\`ldapmodify -f\`, one modify per user)`,
        '',
        `| form | wall (median) | vs two replaces | Samba CPU (median) | vs two replaces |`,
        `|---|---:|---:|---:|---:|`,
        ...names.map((n, i) => {
          const w = median(formRuns(i).map((r) => r.ms));
          const c = median(formRuns(i).map((r) => r.sambaMs ?? NaN));
          return `| ${n} | ${seconds(w)} s | ${(w / base).toFixed(2)}× | ${c.toFixed(0)} ms | ${(c / baseCpu).toFixed(2)}× |`;
        }),
        '',
        ...names.map(
          (n, i) =>
            `- ${h.runsLine(n, formRuns(i))}; Samba CPU ${formRuns(i)
              .map((r) => `${r.sambaMs} ms`)
              .join(', ')}`,
        ),
      ].join('\n'),
    );
  }

  async function usersSmall() {
    const filter = `(&${USER_FILTER}(msExchIMVirtualServer=*))`;
    const attrs = ['sAMAccountName', 'displayName', 'msExchIMAddress', 'msExchIMVirtualServer'];
    const listArgs = [...scopeArgs, 'users', '--json'];
    await h.withLab('small-users: check', async () => {
      await ensureSmall();
      const r = await imctl(listArgs);
      if (r.code !== 0) throw new Error(`imctl users --json exited ${r.code}: ${r.stderr}`);
      const total = JSON.parse(r.stdout).total;
      const reference = await ldap.count(OU, filter);
      if (total !== reference || total !== SMALL_IM)
        throw new Error(`small-users: imctl total ${total}, ldapsearch ${reference}, seeded ${SMALL_IM}`);
    });
    /** @type {Timed[]} */
    const a = [];
    /** @type {Timed[]} */
    const b = [];
    for (let rep = 0; rep < h.reps; rep++) {
      for (const which of rep % 2 === 0 ? ['imctl', 'ldapsearch'] : ['ldapsearch', 'imctl']) {
        const res = await h.withLab(`small-users rep ${rep + 1} ${which}`, () =>
          h.timed(async () => {
            const r =
              which === 'imctl'
                ? await imctl(listArgs, { stdout: 'ignore' })
                : await run('ldapsearch', ldap.searchArgs(OU, filter, attrs), { env: ldap.env, stdout: 'ignore' });
            if (r.code !== 0) throw new Error(`${which} exited ${r.code}: ${r.stderr}`);
            return r.ms;
          }),
        );
        (which === 'imctl' ? a : b).push(res);
        h.log(`small-users rep ${rep + 1}/${h.reps}: ${which} ${seconds(res.ms)} s`);
      }
    }
    h.record(
      `small domain: list ${SMALL_IM.toLocaleString('en-US')} IM users (users --json vs paged ldapsearch)`,
      median(a.map((r) => r.ms)),
      median(b.map((r) => r.ms)),
      's',
      { ratio: 1.2, text: '≤ 1.20×' },
    );
    h.details.push(
      [
        `### 6c. Small domain: listing its ${SMALL_IM.toLocaleString('en-US')} IM users`,
        '',
        `- imctl: \`${h.showImctl(listArgs)} > /dev/null\` (checked first: its \`total\` equals ldapsearch's count, ${SMALL_IM.toLocaleString('en-US')})`,
        `- reference: \`ldapsearch … -E pr=1000/noprompt -b ${OU} '${filter}' ${attrs.join(' ')} > /dev/null\``,
        `- ${h.runsLine('imctl', a)}`,
        `- ${h.runsLine('ldapsearch', b)}`,
      ].join('\n'),
    );
  }

  async function serversSmall() {
    const args = [...scopeArgs, 'servers', '--json'];
    /** @type {string[]} */
    let serverDns = [];
    await h.withLab('small-servers: check', async () => {
      await ensureSmall();
      const r = await imctl(args);
      if (r.code !== 0) throw new Error(`imctl servers --json exited ${r.code}: ${r.stderr}`);
      /** @typedef {{ dn: string, users?: number, userCount?: number }} ServerJson */
      const json = /** @type {{ servers?: ServerJson[] } | ServerJson[]} */ (JSON.parse(r.stdout));
      const list = Array.isArray(json) ? json : (json.servers ?? []);
      serverDns = list.map((s) => s.dn);
      const mine = list.find((s) => s.dn === from.dn);
      const count = mine?.users ?? mine?.userCount;
      if (count !== SMALL_IM)
        throw new Error(`small-servers: imctl counts ${count} users on ${from.name}, seeded ${SMALL_IM}`);
    });
    const counts = async () => {
      let ms = 0;
      for (const dn of serverDns) {
        const r = await run(
          'ldapsearch',
          ldap.searchArgs(
            OU,
            `(&${USER_FILTER}(msExchIMVirtualServer=${dn.replace(/[\\*()]/g, (c) => `\\${c.charCodeAt(0).toString(16)}`)}))`,
            ['1.1'],
          ),
          { env: ldap.env, stdout: 'ignore' },
        );
        if (r.code !== 0) throw new Error(`ldapsearch exited ${r.code}: ${r.stderr}`);
        ms += r.ms;
      }
      return ms;
    };
    /** @type {Timed[]} */
    const a = [];
    /** @type {Timed[]} */
    const b = [];
    for (let rep = 0; rep < h.reps; rep++) {
      for (const which of rep % 2 === 0 ? ['imctl', 'ldapsearch'] : ['ldapsearch', 'imctl']) {
        const res = await h.withLab(`small-servers rep ${rep + 1} ${which}`, () =>
          h.timed(async () => {
            if (which === 'ldapsearch') return counts();
            const r = await imctl(args, { stdout: 'ignore' });
            if (r.code !== 0) throw new Error(`imctl exited ${r.code}: ${r.stderr}`);
            return r.ms;
          }),
        );
        (which === 'imctl' ? a : b).push(res);
        h.log(`small-servers rep ${rep + 1}/${h.reps}: ${which} ${seconds(res.ms)} s`);
      }
    }
    h.record(
      `small domain: per-server counts (servers --json vs ${serverDns.length} sequential ldapsearch 1.1)`,
      median(a.map((r) => r.ms)),
      median(b.map((r) => r.ms)),
      's',
      { ratio: 1.0, text: '≤ 1.00×' },
    );
    h.details.push(
      [
        `### 6d. Small domain: users per home server`,
        '',
        `- imctl: \`${h.showImctl(args)} > /dev/null\` (checked first: it counts ${SMALL_IM.toLocaleString('en-US')} users on ${from.name})`,
        `- reference: for each of the ${serverDns.length} servers, sequentially, \`ldapsearch … -E pr=1000/noprompt -b ${OU} '(&(sAMAccountType=805306368)(msExchIMVirtualServer=<server DN>))' 1.1\` (time summed)`,
        `- ${h.runsLine('imctl', a)}`,
        `- ${h.runsLine(`ldapsearch ×${serverDns.length}`, b)}`,
      ].join('\n'),
    );
  }

  /** Delete the OU and the server objects (the users first: nothing may point at a deleted server). */
  async function cleanup() {
    if (!created) return;
    if (await ldap.exists(OU)) await ldap.deleteTree(OU);
    if (await ldap.exists(groupDn)) await ldap.deleteTree(groupDn);
    created = false;
  }

  return {
    'small-import': importSmall,
    'small-forms': forms,
    'small-users': usersSmall,
    'small-servers': serversSmall,
    cleanup,
    from,
    to,
    OU,
    ensureSmall,
    reset,
    state,
    movers,
    values,
    FORMS,
  };
}
