// @ts-check
// The mid-sized lines of the benchmark: where admins work most — a batch of hundreds to a
// few thousand on a scope of a few thousand users. The bench seeds its own OU of SCOPE_USERS users
// (SCOPE_IM of them IM-enabled on im-west) under the bench OU, and points imctl at it with
// --base-dn; the reference tools search the same OU. Sections:
//   import-small  `import` of MOVES `move` rows (im-west → im-north) vs ldapmodify of the same modifies
//   users-small   `users --json` over the OU's SCOPE_IM IM users vs one paged ldapsearch
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IM_ATTRS, USER_FILTER, ldifValue } from './ldap.mjs';
import { median, run, seconds } from './run.mjs';
import { writePhaseMs } from './imctl-output.mjs';

export const MID_SECTIONS = /** @type {const} */ (['import-small', 'users-small']);
const SCOPE_USERS = 2500;
const SCOPE_IM = 2000;
const MOVES = 1500;

/** @typedef {import('./harness.mjs').Harness} Harness */
/** @typedef {import('./harness.mjs').Timed} Timed */

/**
 * The two sections, as functions of the harness and the bench's own OU, which holds the scope.
 * @param {Harness & { parentOu: string, ensureParentOu: () => Promise<void> }} h
 */
export function midScope(h) {
  const { lab, ldap } = h;
  const OU = `OU=mid-scope,${h.parentOu}`;
  const server = (/** @type {string} */ name) => {
    const found = lab.servers.find((s) => s.name === name);
    if (!found) throw new Error(`mid scope: the lab has no ${name}`);
    return found;
  };
  const west = server('im-west');
  const north = server('im-north');
  const pad = (/** @type {number} */ i) => String(i).padStart(5, '0');
  const users = Array.from({ length: SCOPE_USERS }, (_, i) => {
    const sam = `b${h.tag}m${pad(i)}`;
    const cn = `Bench Mid ${pad(i)}`;
    const im = i < SCOPE_IM;
    return {
      sam,
      dn: `CN=${cn},${OU}`,
      im,
      /** @type {Record<string, string>} */
      values: im
        ? {
            msExchIMVirtualServer: west.dn,
            msExchIMAddress: `${sam}@${lab.imDomain}`,
            msExchIMMetaPhysicalURL: `http://${lab.imDomain}/instmsg/aliases/${sam}`,
            msExchIMPhysicalURL: `http://${west.host}/instmsg/local/${lab.imDomain}/instmsg/aliases/${sam}`,
          }
        : {},
      cn,
    };
  });
  const movers = users.slice(0, MOVES);
  const scopeArgs = ['--base-dn', OU];
  const files = {
    seed: join(h.scratch, 'mid-seed.ldif'),
    csv: join(h.scratch, 'mid-moves.csv'),
    ldif: join(h.scratch, 'mid-moves.ldif'),
    reset: join(h.scratch, 'mid-reset.ldif'),
  };

  async function ensureScope() {
    await h.ensureParentOu();
    if (!(await ldap.exists(OU))) await ldap.modify(`dn: ${OU}\nchangetype: add\nobjectClass: organizationalUnit\n\n`);
    if ((await ldap.count(OU, USER_FILTER)) === SCOPE_USERS) return;
    const ldif = users.map((u) =>
      [
        ldifValue('dn', u.dn),
        'changetype: add',
        'objectClass: user',
        `cn: ${u.cn}`,
        `sAMAccountName: ${u.sam}`,
        `userPrincipalName: ${u.sam}@${lab.domain}`,
        `displayName: ${u.cn}`,
        `mail: ${u.sam}@${lab.domain}`,
        ...Object.entries(u.values).map(([a, v]) => `${a}: ${v}`),
        '',
        '',
      ].join('\n'),
    );
    writeFileSync(files.seed, ldif.join(''));
    h.log(`seeding ${SCOPE_USERS} users (${SCOPE_IM} IM-enabled on im-west) in ${OU}`);
    await ldap
      .modifyFile(files.seed, { add: true, cont: true })
      .catch((/** @type {import('./run.mjs').RunError} */ error) => {
        if (!/Already exists|\(68\)/.test(error.stderr ?? '')) throw error;
      });
    const n = await ldap.count(OU, USER_FILTER);
    if (n !== SCOPE_USERS) throw new Error(`mid scope: expected ${SCOPE_USERS} users in ${OU}, found ${n}`);
  }

  /** The four IM values of every user in the scope, as ldapsearch sees them: how many on im-north, and a digest. */
  async function state() {
    const entries = await ldap.search(OU, USER_FILTER, IM_ATTRS);
    const lines = entries
      .map((e) => [e.dn.toLowerCase(), ...IM_ATTRS.map((a) => (e.attrs[a.toLowerCase()] ?? []).join('|'))].join('\t'))
      .sort();
    const onNorth = entries.filter((e) => e.attrs.msexchimvirtualserver?.[0] === north.dn).length;
    return { onNorth, digest: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16) };
  }

  /** Put the movers back on im-west with their original values (untimed). */
  async function resetMoves() {
    await ldap.modifyFile(files.reset);
    const s = await state();
    if (s.onNorth !== 0) throw new Error(`mid scope reset: ${s.onNorth} users still on im-north`);
  }

  async function benchImportSmall() {
    writeFileSync(files.csv, `user,action,server\n${movers.map((u) => `${u.sam},move,im-north`).join('\n')}\n`);
    writeFileSync(
      files.reset,
      movers
        .map(
          (u) =>
            `dn: ${u.dn}\nchangetype: modify\n${IM_ATTRS.map((a) => `replace: ${a}\n${a}: ${u.values[a]}\n-`).join('\n')}\n\n`,
        )
        .join(''),
    );
    await h.withLab('import-small: seed', async () => {
      await ensureScope();
      await resetMoves();
      // The reference's input, from imctl itself: the same compare-and-set modifies it sends.
      const r = await h.imctl([...scopeArgs, 'import', files.csv, '--ldif', files.ldif]);
      if (r.code !== 0) throw new Error(`imctl import --ldif exited ${r.code}: ${r.stderr}`);
      const records = (readFileSync(files.ldif, 'utf8').match(/^changetype: modify$/gm) ?? []).length;
      if (records !== MOVES) throw new Error(`imctl import --ldif wrote ${records} records, expected ${MOVES}`);
    });
    /** @type {Timed[]} */
    const a = [];
    /** @type {Timed[]} */
    const b = [];
    const digests = new Set();
    const importArgs = [...scopeArgs, 'import', files.csv, '--yes'];
    for (let rep = 0; rep < h.reps; rep++) {
      for (const which of rep % 2 === 0 ? ['imctl', 'ldapmodify'] : ['ldapmodify', 'imctl']) {
        const res = await h.withLab(`import-small rep ${rep + 1} ${which}`, async () => {
          await ensureScope();
          const took = await h.timed(async () => {
            if (which === 'ldapmodify') return (await ldap.modifyFile(files.ldif)).ms;
            const r = await h.imctl(importArgs, { stdout: 'ignore' });
            if (r.code !== 0)
              throw Object.assign(new Error(`imctl import exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`), {
                stderr: r.stderr,
              });
            return { ms: r.ms, writeMs: writePhaseMs(r.stderr) };
          });
          const s = await state();
          if (s.onNorth !== MOVES) throw new Error(`import-small ${which}: ${s.onNorth} of ${MOVES} users on im-north`);
          digests.add(s.digest);
          await resetMoves();
          return took;
        });
        (which === 'imctl' ? a : b).push(res);
        h.log(`import-small rep ${rep + 1}/${h.reps}: ${which} ${seconds(res.ms)} s`);
      }
    }
    if (digests.size !== 1)
      throw new Error(`imctl and ldapmodify left different values (digests ${[...digests].join(', ')})`);
    const ma = median(a.map((r) => r.ms));
    const mb = median(b.map((r) => r.ms));
    const split = a.flatMap((r) => (r.writeMs === undefined ? [] : [{ ms: r.ms, writeMs: r.writeMs }]));
    record(
      h,
      `import of ${MOVES.toLocaleString('en-US')} moves, ${SCOPE_USERS.toLocaleString('en-US')}-user scope (import vs ldapmodify -f)`,
      ma,
      mb,
      1.1,
    );
    h.details.push(
      [
        `### 1c. Import of ${MOVES.toLocaleString('en-US')} moves on a ${SCOPE_USERS.toLocaleString('en-US')}-user scope`,
        '',
        `- scope: \`${OU}\`, seeded untimed with ${SCOPE_USERS.toLocaleString('en-US')} users, ${SCOPE_IM.toLocaleString('en-US')} of them IM-enabled on im-west; imctl runs with \`--base-dn\` on it, so it resolves names and lists users there only`,
        `- imctl: \`${h.showImctl([...scopeArgs, 'import', 'moves.csv', '--yes'])}\` (rows \`<sam>,move,im-north\`)`,
        `- reference: \`ldapmodify … -f moves.ldif\`, where moves.ldif is \`imctl … import moves.csv --ldif moves.ldif\` (${MOVES.toLocaleString('en-US')} compare-and-set modify records)`,
        `- after every run ldapsearch checked that ${MOVES.toLocaleString('en-US')} users are homed on im-north (both tools left the same values: digest \`${[...digests][0]}\`); an untimed ldapmodify put them back. Order alternated.`,
        `- ${h.runsLine('imctl', a)}`,
        ...(split.length
          ? [
              `  - write phase (imctl's \`import: N writes in X s\` line): ${seconds(median(split.map((r) => r.writeMs)))} s (median); everything before the first write (Node start-up, the CSV, bind, servers, resolving ${MOVES.toLocaleString('en-US')} names): ${seconds(median(split.map((r) => r.ms - r.writeMs)))} s`,
            ]
          : []),
        `- ${h.runsLine('ldapmodify', b)}`,
      ].join('\n'),
    );
  }

  async function benchUsersSmall() {
    const filter = `(&${USER_FILTER}(msExchIMVirtualServer=*))`;
    const attrs = ['sAMAccountName', 'displayName', 'msExchIMAddress', 'msExchIMVirtualServer'];
    const listArgs = [...scopeArgs, 'users', '--json'];
    await h.withLab('users-small: check', async () => {
      await ensureScope();
      const r = await h.imctl(listArgs);
      if (r.code !== 0) throw new Error(`imctl users --json exited ${r.code}: ${r.stderr}`);
      const total = JSON.parse(r.stdout).total;
      const reference = await ldap.count(OU, filter);
      if (total !== reference || total !== SCOPE_IM)
        throw new Error(`users-small: imctl total ${total}, ldapsearch ${reference}, seeded ${SCOPE_IM}`);
    });
    /** @type {Timed[]} */
    const a = [];
    /** @type {Timed[]} */
    const b = [];
    for (let rep = 0; rep < h.reps; rep++) {
      for (const which of rep % 2 === 0 ? ['imctl', 'ldapsearch'] : ['ldapsearch', 'imctl']) {
        const res = await h.withLab(`users-small rep ${rep + 1} ${which}`, () =>
          h.timed(async () => {
            const r =
              which === 'imctl'
                ? await h.imctl(listArgs, { stdout: 'ignore' })
                : await run('ldapsearch', ldap.searchArgs(OU, filter, attrs), { env: ldap.env, stdout: 'ignore' });
            if (r.code !== 0) throw new Error(`${which} exited ${r.code}: ${r.stderr}`);
            return r.ms;
          }),
        );
        (which === 'imctl' ? a : b).push(res);
        h.log(`users-small rep ${rep + 1}/${h.reps}: ${which} ${seconds(res.ms)} s`);
      }
    }
    record(
      h,
      `list ${SCOPE_IM.toLocaleString('en-US')} IM users (users --json vs paged ldapsearch)`,
      median(a.map((r) => r.ms)),
      median(b.map((r) => r.ms)),
      1.2,
    );
    h.details.push(
      [
        `### 2c. Listing ${SCOPE_IM.toLocaleString('en-US')} IM-enabled users (the ${SCOPE_USERS.toLocaleString('en-US')}-user scope of 1c)`,
        '',
        `- imctl: \`${h.showImctl(listArgs)} > /dev/null\` (checked first: its \`total\` equals ldapsearch's count, ${SCOPE_IM.toLocaleString('en-US')})`,
        `- reference: \`ldapsearch … -E pr=1000/noprompt -b ${OU} '${filter}' ${attrs.join(' ')} > /dev/null\``,
        `- ${h.runsLine('imctl', a)}`,
        `- ${h.runsLine('ldapsearch', b)}`,
      ].join('\n'),
    );
  }

  return { 'import-small': benchImportSmall, 'users-small': benchUsersSmall };
}

/**
 * @param {Harness} h
 * @param {string} metric
 * @param {number} mine
 * @param {number} reference
 * @param {number} ratio the target
 */
function record(h, metric, mine, reference, ratio) {
  h.record(metric, mine, reference, 's', { ratio, text: `≤ ${ratio.toFixed(2)}×` });
}
