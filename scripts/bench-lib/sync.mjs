// @ts-check
// The sync section of the benchmark: `imctl sync` enabling 2,000 of the 5,000 members of a nested
// group (ten department groups of 500 in one "all" group; 3,000 members have IM already) against
// `imctl import` of the equivalent CSV — every member as an `enable` row, so the two runs are told the
// same thing and reach the same state (2,000 changed, 3,000 unchanged). Both place on im-west.
// Checked first: after each run exactly the same 5,000 users have IM, verified with ldapsearch; each
// run is undone by an ldapmodify reset of the 2,000 (untimed).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ldifValue } from './ldap.mjs';

const MEMBERS = 5_000;
const NEWCOMERS = 2_000;
const DEPARTMENTS = 10;
/** @param {number} i */
const pad = (i) => String(i).padStart(5, '0');

/** @typedef {import('./harness.mjs').Harness} Harness */
/** @typedef {import('./harness.mjs').Timed} Timed */

/** @param {Harness} h */
export async function benchSync(h) {
  const ou = `OU=bench-sync-${process.pid},${h.lab.baseDn}`;
  const west = h.lab.servers.find((s) => s.name === 'im-west');
  if (!west) throw new Error('sync bench: the lab has no im-west');
  /** @param {number} i */
  const sam = (i) => `bs${h.tag}${pad(i)}`;
  /** @param {number} i */
  const userDn = (i) => `CN=${sam(i)},${ou}`;
  /** @param {string} name */
  const group = (name) => `CN=bs${h.tag}-${name},${ou}`;
  /** @param {number} i */
  const imLines = (i) => [
    `msExchIMVirtualServer: ${west.dn}`,
    `msExchIMAddress: ${sam(i)}@${h.lab.imDomain}`,
    `msExchIMMetaPhysicalURL: http://${h.lab.imDomain}/instmsg/aliases/${sam(i)}`,
    `msExchIMPhysicalURL: http://${west.host}/instmsg/local/${h.lab.imDomain}/instmsg/aliases/${sam(i)}`,
  ];
  // Members 1..2000 are the newcomers; the rest have IM on im-west from the start.
  const seed = [
    `dn: ${ou}\nchangetype: add\nobjectClass: organizationalUnit\ndescription: imctl sync benchmark (delete me)\n`,
    ...Array.from({ length: MEMBERS }, (_, k) => {
      const i = k + 1;
      return [
        ldifValue('dn', userDn(i)),
        'changetype: add',
        'objectClass: user',
        `sAMAccountName: ${sam(i)}`,
        `userPrincipalName: ${sam(i)}@${h.lab.domain}`,
        `mailNickname: ${sam(i)}`,
        // 512 + 32: enabled, no password required (sync gives IM to enabled accounts only).
        'userAccountControl: 544',
        ...(i > NEWCOMERS ? imLines(i) : []),
        '',
      ].join('\n');
    }),
    ...Array.from({ length: DEPARTMENTS }, (_, d) =>
      [
        ldifValue('dn', group(`dept${d}`)),
        'changetype: add',
        'objectClass: group',
        `sAMAccountName: bs${h.tag}-dept${d}`,
        ...Array.from({ length: MEMBERS / DEPARTMENTS }, (_, k) =>
          ldifValue('member', userDn(d * (MEMBERS / DEPARTMENTS) + k + 1)),
        ),
        '',
      ].join('\n'),
    ),
    [
      ldifValue('dn', group('all')),
      'changetype: add',
      'objectClass: group',
      `sAMAccountName: bs${h.tag}-all`,
      ...Array.from({ length: DEPARTMENTS }, (_, d) => ldifValue('member', group(`dept${d}`))),
      '',
    ].join('\n'),
  ].join('\n');
  const seedFile = join(h.scratch, 'sync-seed.ldif');
  writeFileSync(seedFile, `${seed}\n`);
  const resetFile = join(h.scratch, 'sync-reset.ldif');
  writeFileSync(
    resetFile,
    Array.from({ length: NEWCOMERS }, (_, k) =>
      [
        ldifValue('dn', userDn(k + 1)),
        'changetype: modify',
        ...['msExchIMAddress', 'msExchIMMetaPhysicalURL', 'msExchIMPhysicalURL', 'msExchIMVirtualServer'].flatMap(
          (a) => [`replace: ${a}`, '-'],
        ),
        '',
        '',
      ].join('\n'),
    ).join(''),
  );
  const csvFile = join(h.scratch, 'sync-equivalent.csv');
  writeFileSync(
    csvFile,
    `user,action,server\n${Array.from({ length: MEMBERS }, (_, k) => `${sam(k + 1)},enable,im-west`).join('\n')}\n`,
  );

  const syncArgs = ['sync', '--group', `bs${h.tag}-all`, '--ou', ou, '--server', 'im-west', '--yes'];
  const importArgs = ['import', csvFile, '--yes'];
  const withIm = () => h.ldap.count(ou, `(&(sAMAccountType=805306368)(msExchIMAddress=*))`);
  const reset = async () => {
    await h.ldap.modifyFile(resetFile);
    const left = await withIm();
    if (left !== MEMBERS - NEWCOMERS)
      throw new Error(`sync bench reset: ${left} users with IM, wanted ${MEMBERS - NEWCOMERS}`);
  };

  try {
    const seedStart = Date.now();
    await h.ldap.modifyFile(seedFile, { add: true });
    h.log(`sync: seeded ${MEMBERS} users and ${DEPARTMENTS + 1} groups in ${h.seconds(Date.now() - seedStart)} s`);
    /** @type {{ sync: Timed[], import: Timed[] }} */
    const runs = { sync: [], import: [] };
    for (let rep = 0; rep < h.REPS; rep++) {
      /** @type {('sync' | 'import')[]} */
      const order = rep % 2 === 0 ? ['sync', 'import'] : ['import', 'sync'];
      for (const which of order) {
        const res = await h.withLab(`sync rep ${rep + 1} ${which}`, async () => {
          await reset();
          const timed = await h.timed(async () => {
            const r = await h.imctl(which === 'sync' ? syncArgs : importArgs, { stdout: 'ignore' });
            if (r.code !== 0) throw new Error(`imctl ${which} exited ${r.code}: ${r.stderr}`);
            return r.ms;
          });
          const after = await withIm();
          if (after !== MEMBERS) throw new Error(`after imctl ${which}: ${after} of ${MEMBERS} members have IM`);
          return timed;
        });
        runs[which].push(res);
        h.log(`sync rep ${rep + 1}/${h.REPS}: ${which} ${h.seconds(res.ms)} s`);
      }
    }
    h.record(
      `sync enabling ${NEWCOMERS.toLocaleString('en-US')} of a ${MEMBERS.toLocaleString('en-US')}-member nested group vs import of the equivalent CSV`,
      h.median(runs.sync.map((r) => r.ms)),
      h.median(runs.import.map((r) => r.ms)),
      's',
      { ratio: 1.1, text: '≤ 1.10×' },
    );
    h.details.push(
      [
        `### Sync: ${NEWCOMERS.toLocaleString('en-US')} of a ${MEMBERS.toLocaleString('en-US')}-member nested group`,
        '',
        `- data: ${MEMBERS.toLocaleString('en-US')} enabled users in \`${ou}\`, ${DEPARTMENTS} department groups of ${MEMBERS / DEPARTMENTS} in one group \`bs…-all\` (membership only through nesting); ${(MEMBERS - NEWCOMERS).toLocaleString('en-US')} have IM on im-west already`,
        `- imctl: \`${h.showImctl(syncArgs)}\` (members read on the user side with the in-chain rule on memberOf)`,
        `- reference: \`${h.showImctl(['import', 'equivalent.csv', '--yes'])}\` of every member as an \`enable\` row on im-west (the same desired state: ${NEWCOMERS.toLocaleString('en-US')} changed, ${(MEMBERS - NEWCOMERS).toLocaleString('en-US')} unchanged)`,
        '- each run: the newcomers reset first with ldapmodify (untimed); after it, ldapsearch counts every member with IM',
        `- ${h.runsLine('sync', runs.sync)}`,
        `- ${h.runsLine('import', runs.import)}`,
      ].join('\n'),
    );
  } finally {
    await h.ldap.deleteTree(ou);
  }
}
