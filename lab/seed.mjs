#!/usr/bin/env node
// @ts-check
// Deterministic data for the imctl lab: schema extension, IM virtual servers, demo users, lab.json.
// Called by lab/lab.sh; no dependencies beyond Node's standard library.
//
//   node lab/seed.mjs generate <outDir> [--omsyntax 19]  -> schema.ldif, servers.ldif, users.ldif,
//        delete-missing.ldif, plan.json
//   node lab/seed.mjs lab-json <labDir> --dns-port N [--missing-vs-dn DN] [--missing-orphans N]
//        -> <labDir>/lab.json and <labDir>/imctl.json (reads <labDir>/seed/plan.json)
//
// Everything is derived from a fixed seed, so two labs built from the same commit hold the same
// users with the same DNs, names and IM state.

import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

// ---------------------------------------------------------------------------------------------
// Domain facts (lab.sh holds the same values; keep them in step)
export const REALM = 'LAB.IMCTL.TEST';
export const DOMAIN = 'lab.imctl.test';
export const NETBIOS = 'LAB';
export const BASE_DN = 'DC=lab,DC=imctl,DC=test';
export const CONFIG_DN = `CN=Configuration,${BASE_DN}`;
export const SCHEMA_DN = `CN=Schema,${CONFIG_DN}`;
export const USERS_OU = `OU=Staff,${BASE_DN}`;
export const IM_DOMAIN = 'im.lab.imctl.test';
export const ADMIN_UPN = `Administrator@${DOMAIN}`;
export const ADMIN_DN = `CN=Administrator,CN=Users,${BASE_DN}`;
// Lab-only secrets: fixed so that docs and tests can name them. Never use outside the lab.
export const ADMIN_PASSWORD = 'Imctl-Lab-Admin-1!';
export const USER_PASSWORD = 'Imctl-Lab-User-1!';

const EXCHANGE_ROOT = `CN=Microsoft Exchange,CN=Services,${CONFIG_DN}`;
const ORG_DN = `CN=Lab Org,${EXCHANGE_ROOT}`;
const SERVERS_DN = `CN=Servers,CN=First Administrative Group,CN=Administrative Groups,${ORG_DN}`;
const VS_CN = 'IM Virtual Server';

/** @param {string} server */
export const vsDn = (server) => `CN=${VS_CN},CN=InstMsg,CN=Protocols,CN=${server},${SERVERS_DN}`;

// The IM virtual servers. `users` is how many seeded users are homed on each.
// EXCH9 is created, homes a few users, and is then deleted: its users become orphans that point at a
// missing object (Samba keeps the value and rewrites it to the tombstone's DN, as AD does).
export const SERVERS = [
  {
    server: 'EXCH1',
    imServerName: 'im-east',
    host: 'exch1.lab.imctl.test',
    hostsUsers: true,
    iisId: 1,
    users: 8200,
    ip: '127.0.0.11',
  },
  {
    server: 'EXCH2',
    imServerName: 'im-west',
    host: 'exch2.lab.imctl.test',
    hostsUsers: true,
    iisId: 1,
    users: 2000,
    ip: '127.0.0.12',
  },
  {
    server: 'EXCH3',
    imServerName: 'im-north',
    host: 'exch3.lab.imctl.test',
    hostsUsers: true,
    iisId: 1,
    users: 1000,
    ip: '127.0.0.13',
  },
  {
    server: 'EXCH4',
    imServerName: 'im-south',
    host: 'exch4.lab.imctl.test',
    hostsUsers: true,
    iisId: 1,
    users: 200,
    ip: '127.0.0.14',
  },
  {
    server: 'EXCH5',
    imServerName: 'im-router',
    host: 'imrouter.lab.imctl.test',
    hostsUsers: false,
    iisId: 1,
    users: 8,
    ip: '127.0.0.15',
  },
  {
    server: 'EXCH9',
    imServerName: 'im-old',
    host: 'exch9.lab.imctl.test',
    hostsUsers: true,
    iisId: 1,
    users: 5,
    ip: null,
    deleted: true,
  },
];
/** @typedef {(typeof SERVERS)[number]} SeedServer */
export const NOT_ENABLED = 600; // users with no IM attributes at all
export const ENABLED_ACCOUNTS = 100; // accounts with a password and userAccountControl 512

// ---------------------------------------------------------------------------------------------
// Schema: the real Exchange 2000 OIDs, as Exchange 2000's schema extension defines them (the IM
// attribute model imctl writes is src/core/im-model.ts). `oms` = oMSyntax. 2.5.5.5 is PrintableString (19) there; Samba does not check the
// PrintableString character set, so '@' is accepted with 19 (see lab/README.md).
/** @param {number} imStringOmSyntax */
function schemaAttributes(imStringOmSyntax) {
  return [
    {
      cn: 'ms-Exch-IM-Address',
      ldn: 'msExchIMAddress',
      oid: '1.2.840.113556.1.4.7000.102.7038',
      syntax: '2.5.5.5',
      oms: imStringOmSyntax,
      single: true,
      indexed: true,
    },
    {
      cn: 'ms-Exch-IM-Meta-Physical-URL',
      ldn: 'msExchIMMetaPhysicalURL',
      oid: '1.2.840.113556.1.4.7000.102.7035',
      syntax: '2.5.5.5',
      oms: imStringOmSyntax,
      single: true,
      indexed: true,
    },
    {
      cn: 'ms-Exch-IM-Physical-URL',
      ldn: 'msExchIMPhysicalURL',
      oid: '1.2.840.113556.1.4.7000.102.7036',
      syntax: '2.5.5.5',
      oms: imStringOmSyntax,
      single: true,
      indexed: true,
    },
    // DN syntax needs oMObjectClass 1.3.12.2.1011.28.0.714 (base64 KwwCh3McAIVK)
    {
      cn: 'ms-Exch-IM-Virtual-Server',
      ldn: 'msExchIMVirtualServer',
      oid: '1.2.840.113556.1.4.7000.102.7037',
      syntax: '2.5.5.1',
      oms: 127,
      single: true,
      indexed: true,
      omObjectClassB64: 'KwwCh3McAIVK',
    },
    {
      cn: 'ms-Exch-IM-ACL',
      ldn: 'msExchIMACL',
      oid: '1.2.840.113556.1.4.7000.102.7031',
      syntax: '2.5.5.10',
      oms: 4,
      single: false,
      indexed: false,
    },
    {
      cn: 'ms-Exch-IM-Server-Name',
      ldn: 'msExchIMServerName',
      oid: '1.2.840.113556.1.4.7000.102.7024',
      syntax: '2.5.5.12',
      oms: 64,
      single: true,
      indexed: false,
    },
    {
      cn: 'ms-Exch-IM-Host-Name',
      ldn: 'msExchIMHostName',
      oid: '1.2.840.113556.1.4.7000.102.7034',
      syntax: '2.5.5.10',
      oms: 4,
      single: true,
      indexed: false,
    },
    {
      cn: 'ms-Exch-IM-Server-Hosts-Users',
      ldn: 'msExchIMServerHostsUsers',
      oid: '1.2.840.113556.1.4.7000.102.7025',
      syntax: '2.5.5.8',
      oms: 1,
      single: true,
      indexed: false,
    },
    {
      cn: 'ms-Exch-IM-Server-IIS-Id',
      ldn: 'msExchIMServerIISId',
      oid: '1.2.840.113556.1.4.7000.102.7023',
      syntax: '2.5.5.9',
      oms: 2,
      single: true,
      indexed: false,
    },
    // The Exchange alias. Not in the base AD schema (nor Samba's): Exchange's schema extension adds
    // it to mailRecipient, an auxiliary class of user and group. searchFlags 5 = indexed + ANR.
    {
      cn: 'ms-Exch-Mail-Nickname',
      ldn: 'mailNickname',
      oid: '1.2.840.113556.1.2.447',
      syntax: '2.5.5.12',
      oms: 64,
      single: true,
      indexed: true,
      searchFlags: 5,
      range: [1, 64],
    },
  ];
}

const SCHEMA_UPDATE_NOW = 'dn:\nchangetype: modify\nadd: schemaUpdateNow\nschemaUpdateNow: 1\n-\n';

/** @param {number} imStringOmSyntax */
function schemaLdif(imStringOmSyntax) {
  const out = [];
  for (const a of schemaAttributes(imStringOmSyntax)) {
    out.push(
      [
        `dn: CN=${a.cn},${SCHEMA_DN}`,
        'changetype: add',
        'objectClass: top',
        'objectClass: attributeSchema',
        `cn: ${a.cn}`,
        `lDAPDisplayName: ${a.ldn}`,
        `adminDisplayName: ${a.cn}`,
        `attributeID: ${a.oid}`,
        `attributeSyntax: ${a.syntax}`,
        `oMSyntax: ${a.oms}`,
        ...(a.omObjectClassB64 ? [`oMObjectClass:: ${a.omObjectClassB64}`] : []),
        `isSingleValued: ${a.single ? 'TRUE' : 'FALSE'}`,
        `searchFlags: ${a.searchFlags ?? (a.indexed ? 1 : 0)}`,
        ...(a.range ? [`rangeLower: ${a.range[0]}`, `rangeUpper: ${a.range[1]}`] : []),
        // the five user attributes are in the Global Catalog; the server attributes are not
        ...(a.ldn.startsWith('msExchIMServer') || a.ldn === 'msExchIMHostName'
          ? []
          : ['isMemberOfPartialAttributeSet: TRUE']),
        'systemOnly: FALSE',
        '',
      ].join('\n'),
    );
  }
  out.push(SCHEMA_UPDATE_NOW);
  out.push(`dn: CN=Mail-Recipient,${SCHEMA_DN}\nchangetype: modify\nadd: mayContain\nmayContain: mailNickname\n-\n`);
  out.push(
    [
      `dn: CN=ms-Exch-IM-Recipient,${SCHEMA_DN}`,
      'changetype: add',
      'objectClass: top',
      'objectClass: classSchema',
      'cn: ms-Exch-IM-Recipient',
      'lDAPDisplayName: msExchIMRecipient',
      'adminDisplayName: ms-Exch-IM-Recipient',
      'governsID: 1.2.840.113556.1.5.7000.62.7008',
      'objectClassCategory: 3', // auxiliary
      'subClassOf: top',
      'mayContain: msExchIMAddress',
      'mayContain: msExchIMMetaPhysicalURL',
      'mayContain: msExchIMPhysicalURL',
      'mayContain: msExchIMVirtualServer',
      'mayContain: msExchIMACL',
      'systemOnly: FALSE',
      '',
      `dn: CN=ms-Exch-Protocol-Cfg-IM-Virtual-Server,${SCHEMA_DN}`,
      'changetype: add',
      'objectClass: top',
      'objectClass: classSchema',
      'cn: ms-Exch-Protocol-Cfg-IM-Virtual-Server',
      'lDAPDisplayName: msExchProtocolCfgIMVirtualServer',
      'adminDisplayName: ms-Exch-Protocol-Cfg-IM-Virtual-Server',
      'governsID: 1.2.840.113556.1.5.7000.62.7013',
      'objectClassCategory: 1', // structural
      'subClassOf: top',
      'rDNAttID: cn',
      'possSuperiors: container', // so plain containers can build Exchange's path
      'mustContain: msExchIMServerIISId',
      'mayContain: msExchIMServerName',
      'mayContain: msExchIMHostName',
      'mayContain: msExchIMServerHostsUsers',
      'systemOnly: FALSE',
      '',
    ].join('\n'),
  );
  out.push(SCHEMA_UPDATE_NOW);
  // The Exchange extension attaches the auxiliary class to user and group: enabling IM never
  // writes objectClass.
  for (const cls of ['User', 'Group']) {
    out.push(
      `dn: CN=${cls},${SCHEMA_DN}\nchangetype: modify\nadd: auxiliaryClass\nauxiliaryClass: msExchIMRecipient\n-\n`,
    );
  }
  out.push(SCHEMA_UPDATE_NOW);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// LDIF helpers

/**
 * RFC 4514 escaping of one attribute value inside a DN.
 * @param {string} v
 */
export function escapeRdnValue(v) {
  let s = v.replace(/[\\,+"<>;=]/g, (c) => '\\' + c).replace(/\0/g, '\\00');
  if (s.startsWith('#') || s.startsWith(' ')) s = '\\' + s;
  if (s.endsWith(' ') && s.length > 1) s = s.slice(0, -1) + '\\ ';
  return s;
}

/** An attribute and its value or values, as `entry` writes them. @typedef {[string, string | Buffer | (string | Buffer)[]]} Attr */

/**
 * RFC 2849: a value that is not a SAFE-STRING is written base64 (`attr:: ...`).
 * @param {string} attr
 * @param {string | Buffer} value
 */
function ldifLine(attr, value) {
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
  const s = buf.toString('latin1');
  const safe =
    !Buffer.isBuffer(value) &&
    /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(s) &&
    !s.endsWith(' ');
  return safe ? `${attr}: ${s}` : `${attr}:: ${buf.toString('base64')}`;
}

/**
 * @param {string} dn
 * @param {Attr[]} attrs
 */
function entry(dn, attrs) {
  const lines = [ldifLine('dn', dn), 'changetype: add'];
  for (const [k, v] of attrs) {
    for (const one of Array.isArray(v) ? v : [v]) lines.push(ldifLine(k, one));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Configuration partition: Exchange's container path and one IM virtual server per server.
function serversLdif() {
  const out = [];
  const containers = [
    EXCHANGE_ROOT,
    ORG_DN,
    `CN=Administrative Groups,${ORG_DN}`,
    `CN=First Administrative Group,CN=Administrative Groups,${ORG_DN}`,
    SERVERS_DN,
  ];
  for (const s of SERVERS) {
    const base = `CN=${s.server},${SERVERS_DN}`;
    containers.push(base, `CN=Protocols,${base}`, `CN=InstMsg,CN=Protocols,${base}`);
  }
  for (const dn of containers) out.push(entry(dn, [['objectClass', 'container']]));
  for (const s of SERVERS) {
    out.push(
      entry(vsDn(s.server), [
        ['objectClass', ['top', 'msExchProtocolCfgIMVirtualServer']],
        ['msExchIMServerName', s.imServerName],
        ['msExchIMHostName', Buffer.from(s.host, 'ascii')], // octet string: ASCII bytes
        ['msExchIMServerHostsUsers', s.hostsUsers ? 'TRUE' : 'FALSE'],
        ['msExchIMServerIISId', String(s.iisId)],
      ]),
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Users

// mulberry32: tiny seeded PRNG, so the population is the same on every machine.
/**
 * @param {number} seed
 * @returns {() => number} a number in [0, 1) at each call
 */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = `James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew Betty Anthony Margaret Mark Sandra
Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Dorothy Kevin Carol Brian Amanda George
Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary
Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen
Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack
Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Priya
Rahul Wei Mei Hiroshi Yuki Ahmed Fatima Olga Dmitri Lars Ingrid Pierre Chloe Giulia Marco Sven Aisha Kwame Amara
José Zoë Björn Søren François Anaïs Chloé Jürgen Renée Łukasz`.split(/\s+/);

const LAST = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker
Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez
Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell
Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Romero Jordan Patterson
Alexander Hamilton Graham Reynolds Griffin Wallace West Cole Hayes Bryant Gibson Ellis Stevens Murray Ford Marshall
Owens McDonald Harrison Ruiz Kennedy Wells O'Neil O'Connor McAllister Smith-Jones Van_der_Berg De_la_Cruz Tanaka Sato
Suzuki Wang Li Zhang Chen Singh Kumar Müller Schmidt Schneider Fischer Weber Dubois Moreau Rossi Russo Kowalski
Nowak Novak Ivanov Petrov Andersen Nielsen Johansson Larsen Okafor Mensah Haddad Nakamura García Núñez Peña Øvergaard`
  .split(/\s+/)
  .map((n) => n.replace(/_/g, ' '));

/**
 * ASCII fold for account names and mail: Zoë Ångström -> zoe angstrom.
 * @param {string} s
 */
function fold(s) {
  return s
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
const alnum = (/** @type {string} */ s) => fold(s).replace(/[^a-z0-9]/g, '');

// Hard names: exercise RFC 4514 escaping, RFC 4515 filter escaping and non-ASCII (base64 LDIF).
// `im` names the server (by imServerName) or null for "not IM-enabled".
const SPECIAL = [
  { cn: 'Doe, John', given: 'John', sn: 'Doe', display: 'John Doe', sam: 'jdoe', mail: 'john.doe', im: 'im-east' },
  {
    cn: "O'Brien, Pat",
    given: 'Pat',
    sn: "O'Brien",
    display: "Pat O'Brien",
    sam: 'pobrien',
    mail: 'pat.obrien',
    im: 'im-west',
  },
  {
    cn: 'Ångström, Zoë',
    given: 'Zoë',
    sn: 'Ångström',
    display: 'Zoë Ångström',
    sam: 'zangstrom',
    mail: 'zoe.angstrom',
    im: 'im-east',
  },
  { cn: 'Star*Gazer', given: 'Star', sn: 'Gazer', display: 'Star*Gazer', sam: 'sstar', mail: 'star.gazer', im: null },
  {
    cn: 'Paren (Test)',
    given: 'Paren',
    sn: 'Test',
    display: 'Paren (Test)',
    sam: 'ptest',
    mail: 'paren.test',
    im: 'im-north',
  },
  {
    cn: 'Back\\Slash',
    given: 'Back',
    sn: 'Slash',
    display: 'Back\\Slash',
    sam: 'bslash',
    mail: 'back.slash',
    im: 'im-east',
  },
  { cn: '#Hash Tag', given: 'Hash', sn: 'Tag', display: '#Hash Tag', sam: 'htag', mail: 'hash.tag', im: null },
  {
    cn: 'Plus+Minus, Ann',
    given: 'Ann',
    sn: 'Plus+Minus',
    display: 'Ann Plus+Minus',
    sam: 'aplusminus',
    mail: 'ann.plusminus',
    im: 'im-south',
  },
  {
    cn: '"Quoted" <Name>; Semi=Colon',
    given: 'Quoted',
    sn: 'Name',
    display: '"Quoted" <Name>',
    sam: 'qname',
    mail: 'quoted.name',
    im: 'im-router',
  },
];

/**
 * A user of OU=Staff. `im`: the server's imServerName, null for "not IM-enabled" (undefined until assigned).
 * @typedef {object} SeedUser
 * @property {string} cn
 * @property {string} given
 * @property {string} sn
 * @property {string} display
 * @property {string} sam
 * @property {string} mail
 * @property {string | null | undefined} im
 * @property {boolean} [special]
 * @property {boolean} [enabled]
 * @property {string} [dn]
 * @property {number | null} [lastLogonDaysAgo]
 */

/** @returns {(SeedUser & { dn: string })[]} */
function buildUsers() {
  const rand = rng(0x1abc7e57);
  /** @type {(arr: string[]) => string} */
  const pick = (arr) => /** @type {string} */ (arr[Math.floor(rand() * arr.length)]);
  /** @type {Set<string>} */
  const sams = new Set();
  /** @type {Set<string>} */
  const cns = new Set();
  /** @type {Set<string>} */
  const mails = new Set();
  /** @type {SeedUser[]} */
  const users = [];

  /** @type {(first: string, last: string) => string} */
  const uniqueSam = (first, last) => {
    const base = alnum(first).slice(0, 1) + alnum(last) || 'user';
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? '' : String(n);
      const cand = base.slice(0, 20 - suffix.length) + suffix;
      if (!sams.has(cand)) {
        sams.add(cand);
        return cand;
      }
    }
  };
  /** @type {(first: string, last: string) => string} */
  const uniqueMail = (first, last) => {
    const base = `${fold(first).replace(/[^a-z0-9]/g, '')}.${fold(last).replace(/[^a-z0-9]/g, '')}`;
    for (let n = 1; ; n++) {
      const cand = n === 1 ? base : `${base}${n}`;
      if (!mails.has(cand)) {
        mails.add(cand);
        return cand;
      }
    }
  };

  for (const s of SPECIAL) {
    sams.add(s.sam);
    cns.add(s.cn.toLowerCase());
    mails.add(s.mail);
    users.push({ ...s, special: true });
  }

  const total = SERVERS.reduce((n, s) => n + s.users, 0) + NOT_ENABLED;
  while (users.length < total) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const commaStyle = rand() < 0.65; // most directories name people "Last, First"
    let cn = commaStyle ? `${last}, ${first}` : `${first} ${last}`;
    if (cns.has(cn.toLowerCase())) {
      const mid = String.fromCharCode(65 + Math.floor(rand() * 26));
      cn = commaStyle ? `${last}, ${first} ${mid}.` : `${first} ${mid}. ${last}`;
      for (let n = 2; cns.has(cn.toLowerCase()); n++)
        cn = commaStyle ? `${last}, ${first} ${mid}. (${n})` : `${first} ${mid}. ${last} (${n})`;
    }
    cns.add(cn.toLowerCase());
    users.push({
      cn,
      given: first,
      sn: last,
      display: `${first} ${last}`,
      sam: uniqueSam(first, last),
      mail: uniqueMail(first, last),
      im: undefined,
    });
  }

  // IM state: exact counts per server, in a seeded shuffle so each server's users are spread.
  /** @type {(string | null)[]} */
  const labels = [];
  for (const s of SERVERS) {
    const fixed = users.filter((u) => u.special && u.im === s.imServerName).length;
    for (let i = 0; i < s.users - fixed; i++) labels.push(s.imServerName);
  }
  for (let i = 0; i < NOT_ENABLED - users.filter((u) => u.special && u.im === null).length; i++) labels.push(null);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [labels[i], labels[j]] = [/** @type {string | null} */ (labels[j]), /** @type {string | null} */ (labels[i])];
  }
  let k = 0;
  for (const u of users) if (u.im === undefined) u.im = labels[k++];

  // Accounts with a password (enabled): every special user, then every Nth other user, 100 in all.
  const step = Math.floor(users.length / ENABLED_ACCOUNTS);
  let count = 0;
  for (const u of users) {
    u.enabled = !!u.special;
    if (u.enabled) count++;
  }
  for (let i = step; i < users.length && count < ENABLED_ACCOUNTS; i += step) {
    const u = /** @type {SeedUser} */ (users[i]);
    if (!u.enabled) {
      u.enabled = true;
      count++;
    }
  }

  const named = users.map((u) => Object.assign(u, { dn: `CN=${escapeRdnValue(u.cn)},${USERS_OU}` }));
  assignActivity(named);
  return named;
}

// ---------------------------------------------------------------------------------------------
// Activity (format 5): lastLogonTimestamp as days before the seed time, from a PRNG of its own so
// the population above is unchanged. Stored relative to the moment the lab is seeded (SEEDED_AT),
// so the data stays as valid a year from now as today. Enabled accounts: about a sixth never logged
// on, the rest spread over the last year with most of them recent; disabled accounts: most logged on
// at some point, a tenth of them within the last 30 days (leavers whose account was disabled since).
export const SEEDED_AT = Date.now();
/** FILETIME (100-ns ticks since 1601) of a moment in ms since 1970, as AD stores lastLogonTimestamp. */
export const filetime = (/** @type {number} */ ms) => String((BigInt(Math.round(ms)) + 11644473600000n) * 10000n);
/**
 * @param {() => number} rand
 * @param {boolean | undefined} enabled
 * @returns {number | null} null: never logged on
 */
function logonDaysAgo(rand, enabled) {
  const r = rand();
  if (enabled) {
    if (r < 0.15) return null; // never logged on
    if (r < 0.7) return rand() * 28; // active within any window of 30 days and more
    return 31 + rand() * 334;
  }
  if (r < 0.2) return null;
  if (r < 0.3) return rand() * 28; // disabled, yet a recent logon: not active
  return 31 + rand() * 334;
}
/** @param {SeedUser[]} users */
function assignActivity(users) {
  const rand = rng(0x0ac71e);
  for (const u of users) {
    const days = logonDaysAgo(rand, u.enabled);
    u.lastLogonDaysAgo = days === null ? null : Math.round(days * 10) / 10;
  }
}
/** @type {(daysAgo: number | null | undefined) => Attr[]} */
const lastLogonAttr = (daysAgo) =>
  daysAgo === null || daysAgo === undefined ? [] : [['lastLogonTimestamp', filetime(SEEDED_AT - daysAgo * 86400000)]];

/** @param {(SeedUser & { dn: string })[]} users */
function usersLdif(users) {
  const byName = Object.fromEntries(SERVERS.map((s) => [s.imServerName, s]));
  const pwd = Buffer.from(`"${USER_PASSWORD}"`, 'utf16le');
  const out = [
    entry(USERS_OU, [
      ['objectClass', ['top', 'organizationalUnit']],
      ['ou', 'Staff'],
      ['description', 'imctl lab demo users'],
    ]),
  ];
  for (const u of users) {
    const alias = u.sam; // mailNickname; already lower-case ASCII
    /** @type {Attr[]} */
    const attrs = [
      ['objectClass', ['top', 'person', 'organizationalPerson', 'user']],
      ['cn', u.cn],
      ['sAMAccountName', u.sam],
      ['userPrincipalName', `${u.sam}@${DOMAIN}`],
      ['givenName', u.given],
      ['sn', u.sn],
      ['displayName', u.display],
      ['mail', `${u.mail}@${DOMAIN}`],
      ['mailNickname', alias],
    ];
    if (u.enabled) attrs.push(['unicodePwd', pwd], ['userAccountControl', '512']);
    attrs.push(...lastLogonAttr(u.lastLogonDaysAgo));
    if (u.im) {
      const s = byName[u.im];
      if (!s) throw new Error(`no server named ${u.im}`);
      // exactly the values imctl writes (src/core/im-model.ts), all lower case
      attrs.push(
        ['msExchIMVirtualServer', vsDn(s.server)],
        ['msExchIMAddress', `${alias}@${IM_DOMAIN}`],
        ['msExchIMMetaPhysicalURL', `http://${IM_DOMAIN}/instmsg/aliases/${alias}`],
        ['msExchIMPhysicalURL', `http://${s.host}/instmsg/local/${IM_DOMAIN}/instmsg/aliases/${alias}`],
      );
    }
    out.push(entry(u.dn, attrs));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// OU=Audit: what years of Exchange's own tools leave behind, one deterministic case per finding of
// `imctl audit`, plus users whose values differ from imctl's only in case. A separate OU so the
// Staff facts (counts per server, enabled accounts) stay what they were; lab.json `audit` lists them.
export const AUDIT_OU = `OU=Audit,${BASE_DN}`;
/** @param {string} server */
const host = (server) => {
  const found = SERVERS.find((s) => s.server === server);
  if (!found) throw new Error(`no server ${server}`);
  return found.host;
};
/**
 * The four values as Exchange would store them, in whatever case it was given.
 * @param {{ alias: string, domain?: string, server?: string, physicalHost?: string }} values
 * @returns {Record<string, string>}
 */
function imAttrs({ alias, domain = IM_DOMAIN, server = 'EXCH4', physicalHost = host(server) }) {
  return {
    msExchIMVirtualServer: vsDn(server),
    msExchIMAddress: `${alias}@${domain}`,
    msExchIMMetaPhysicalURL: `http://${domain}/instmsg/aliases/${alias}`,
    msExchIMPhysicalURL: `http://${physicalHost}/instmsg/local/${domain}/instmsg/aliases/${alias}`,
  };
}
/** @type {(o: Record<string, string>, ...keys: string[]) => Record<string, string>} */
const without = (o, ...keys) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
/** accountExpires of 2012-01-01 (FILETIME): an expired account. */
const EXPIRED = '129698496000000000';

// `finding`: the audit finding kind this user is seeded for; `caseOnly`: values differ from imctl's in case only.
export const AUDIT_USERS = [
  {
    sam: 'au-case1',
    cn: 'Case, One',
    caseOnly: true,
    im: imAttrs({ alias: 'AU-Case1', domain: 'IM.Lab.Imctl.Test', physicalHost: 'EXCH4.Lab.Imctl.Test' }),
  },
  {
    sam: 'au-case2',
    cn: 'Case, Two',
    caseOnly: true,
    im: { ...imAttrs({ alias: 'au-case2' }), msExchIMAddress: 'AU-Case2@im.lab.imctl.test' },
  },
  {
    sam: 'au-case3',
    cn: 'Case, Three',
    caseOnly: true,
    im: imAttrs({ alias: 'Au-Case3', domain: 'Im.Lab.Imctl.Test' }),
  },
  {
    sam: 'au-dup1',
    cn: 'Duplicate, One',
    nick: 'au-dup',
    finding: 'duplicate-address',
    im: imAttrs({ alias: 'au-dup' }),
  },
  {
    sam: 'au-dup2',
    cn: 'Duplicate, Two',
    nick: 'au-dup',
    finding: 'duplicate-address',
    caseOnly: true,
    im: imAttrs({ alias: 'AU-DUP' }),
  },
  {
    sam: 'au-partial',
    cn: 'Partial, Homed',
    finding: 'partial',
    fix: true,
    im: without(imAttrs({ alias: 'au-partial' }), 'msExchIMPhysicalURL'),
  },
  {
    sam: 'au-partial-nohome',
    cn: 'Partial, Unhomed',
    finding: 'partial',
    im: without(imAttrs({ alias: 'au-partial-nohome' }), 'msExchIMVirtualServer'),
  },
  {
    sam: 'au-wronghost',
    cn: 'Wrong, Host',
    finding: 'inconsistent',
    fix: true,
    im: imAttrs({ alias: 'au-wronghost', physicalHost: host('EXCH1') }),
  },
  {
    sam: 'au-mismatch',
    cn: 'Mismatch, Alias',
    finding: 'inconsistent',
    im: {
      ...imAttrs({ alias: 'au-mismatch' }),
      msExchIMMetaPhysicalURL: `http://${IM_DOMAIN}/instmsg/aliases/au-mismatch-old`,
    },
  },
  {
    sam: 'au-orphan-router',
    cn: 'Orphan, Router',
    finding: 'orphan',
    fix: true,
    im: imAttrs({ alias: 'au-orphan-router', server: 'EXCH5' }),
  },
  {
    sam: 'au-orphan-gone',
    cn: 'Orphan, Gone',
    finding: 'orphan',
    fix: true,
    im: imAttrs({ alias: 'au-orphan-gone', server: 'EXCH9' }),
  },
  {
    sam: 'au-expired',
    cn: 'Expired, Account',
    finding: 'idle-seat',
    extra: /** @type {Attr[]} */ ([['accountExpires', EXPIRED], ...lastLogonAttr(2)]),
    im: imAttrs({ alias: 'au-expired' }),
  },
  {
    sam: 'au-disabled',
    cn: 'Disabled, Account',
    finding: 'idle-seat',
    noPassword: true,
    im: imAttrs({ alias: 'au-disabled' }),
  },
  { sam: 'au-norvp', cn: 'No, Rvp', finding: 'dns', im: imAttrs({ alias: 'au-norvp', domain: 'norvp.imctl.test' }) },
  {
    sam: 'au-badrvp',
    cn: 'Bad, Rvp',
    finding: 'dns',
    im: imAttrs({ alias: 'au-badrvp', domain: 'badrvp.imctl.test' }),
  },
  {
    sam: 'au-renamed',
    cn: 'Renamed, Alias',
    nick: 'au-renamed-new',
    finding: 'alias-changed',
    im: imAttrs({ alias: 'au-renamed' }),
  },
].map((u) => ({ ...u, dn: `CN=${escapeRdnValue(u.cn)},${AUDIT_OU}` }));

function auditLdif() {
  const pwd = Buffer.from(`"${USER_PASSWORD}"`, 'utf16le');
  const out = [
    entry(AUDIT_OU, [
      ['objectClass', ['top', 'organizationalUnit']],
      ['ou', 'Audit'],
      ['description', 'imctl lab: one case per audit finding'],
    ]),
  ];
  for (const u of AUDIT_USERS) {
    /** @type {Attr[]} */
    const attrs = [
      ['objectClass', ['top', 'person', 'organizationalPerson', 'user']],
      ['cn', u.cn],
      ['sAMAccountName', u.sam],
      ['userPrincipalName', `${u.sam}@${DOMAIN}`],
      ['displayName', u.cn],
      ['mail', `${u.sam}@${DOMAIN}`],
      ['mailNickname', u.nick ?? u.sam],
      ...(u.noPassword
        ? []
        : /** @type {Attr[]} */ ([
            ['unicodePwd', pwd],
            ['userAccountControl', '512'],
          ])),
      ...(u.extra ?? []),
      ...Object.entries(u.im),
    ];
    out.push(entry(u.dn, attrs));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
/**
 * @param {string} outDir
 * @param {number} imStringOmSyntax
 */
function generate(outDir, imStringOmSyntax) {
  mkdirSync(outDir, { recursive: true });
  const users = buildUsers();
  writeFileSync(join(outDir, 'schema.ldif'), schemaLdif(imStringOmSyntax));
  writeFileSync(join(outDir, 'servers.ldif'), serversLdif());
  writeFileSync(join(outDir, 'users.ldif'), usersLdif(users) + '\n' + auditLdif());
  writeFileSync(
    join(outDir, 'delete-missing.ldif'),
    SERVERS.filter((s) => s.deleted)
      .map((s) => `dn: ${vsDn(s.server)}\nchangetype: delete\n`)
      .join('\n'),
  );
  const count = (/** @type {(u: SeedUser) => unknown} */ pred) => users.filter(pred).length;
  const auditOn = (/** @type {SeedServer} */ s) =>
    AUDIT_USERS.filter((u) => u.im.msExchIMVirtualServer === vsDn(s.server)).length;
  const plan = {
    imStringOmSyntax,
    // seededUsers counts every user homed on the server: Staff and Audit.
    servers: SERVERS.map((s) => ({
      ...s,
      dn: vsDn(s.server),
      seededUsers: count((u) => u.im === s.imServerName) + auditOn(s),
    })),
    totals: {
      // users, notImEnabled and accounts* are OU=Staff's; imEnabled counts every homed user (Staff and Audit).
      users: users.length,
      imEnabled: count((u) => u.im) + AUDIT_USERS.filter((u) => u.im.msExchIMVirtualServer).length,
      notImEnabled: count((u) => !u.im),
      accountsEnabled: count((u) => u.enabled),
      accountsDisabled: count((u) => !u.enabled),
    },
    specialUsers: users
      .filter((u) => u.special)
      .map((u) => ({ sam: u.sam, cn: u.cn, dn: u.dn, displayName: u.display, im: u.im, accountEnabled: u.enabled })),
    enabledAccounts: users.filter((u) => u.enabled).map((u) => u.sam),
    // lastLogonTimestamp is relative to seededAt: count active users with ldapsearch at test time.
    activity: { seededAt: new Date(SEEDED_AT).toISOString(), neverLoggedOn: count((u) => u.lastLogonDaysAgo === null) },
    audit: {
      ou: AUDIT_OU,
      users: AUDIT_USERS.map((u) => ({
        sam: u.sam,
        dn: u.dn,
        finding: u.finding ?? null,
        caseOnly: !!u.caseOnly,
        fixable: !!u.fix,
        im: u.im,
      })),
    },
  };
  writeFileSync(join(outDir, 'plan.json'), JSON.stringify(plan, null, 2) + '\n');
  process.stderr.write(
    `[seed] ${users.length} users, ${plan.totals.imEnabled} IM-enabled, ${plan.totals.accountsEnabled} with a password\n`,
  );
}

/**
 * plan.json, as generate() writes it (the parts lab-json reads).
 * @typedef {object} Plan
 * @property {number} imStringOmSyntax
 * @property {(SeedServer & { dn: string, seededUsers: number })[]} servers
 * @property {{ users: number, imEnabled: number, notImEnabled: number, accountsEnabled: number, accountsDisabled: number }} totals
 * @property {unknown[]} specialUsers
 * @property {unknown} audit
 * @property {string[]} enabledAccounts
 * @property {unknown} activity
 */

/**
 * @param {string} labDir
 * @param {Record<string, string | undefined>} opts
 */
function labJson(labDir, opts) {
  labDir = resolve(labDir);
  /** @type {Plan} */
  const plan = JSON.parse(readFileSync(join(labDir, 'seed', 'plan.json'), 'utf8'));
  const passwordFile = join(labDir, 'admin.password');
  const caFile = join(labDir, 'tls', 'ca.pem');
  const servers = plan.servers.map((s) => {
    /** @type {{ name: string, server: string, host: string, dn: string, hostsUsers: boolean, iisId: number, seededUsers: number, exists: boolean, tombstoneDn?: string | null }} */
    const o = {
      name: s.imServerName,
      server: s.server,
      host: s.host,
      dn: s.dn,
      hostsUsers: s.hostsUsers,
      iisId: s.iisId,
      seededUsers: s.seededUsers,
      exists: !s.deleted,
    };
    if (s.deleted) o.tombstoneDn = opts.missingVsDn || null;
    return o;
  });
  const on = (/** @type {(s: Plan['servers'][number]) => unknown} */ pred) =>
    plan.servers.filter(pred).reduce((n, s) => n + s.seededUsers, 0);
  const lab = {
    labDir,
    realm: REALM,
    domain: DOMAIN,
    netbios: NETBIOS,
    dcHost: `dc1.${DOMAIN}`,
    baseDn: BASE_DN,
    configDn: CONFIG_DN,
    schemaDn: SCHEMA_DN,
    usersOu: USERS_OU,
    imDomain: IM_DOMAIN,
    adminUpn: ADMIN_UPN,
    adminDn: ADMIN_DN,
    adminNetbios: `${NETBIOS}\\Administrator`,
    adminPasswordFile: passwordFile,
    adminPassword: passwordFile, // a path, as adminPasswordFile (the file holds the password)
    userPasswordFile: join(labDir, 'user.password'),
    userPassword: join(labDir, 'user.password'), // a path too
    caFile,
    ldapsUrl: 'ldaps://localhost',
    ldapUrl: 'ldap://localhost',
    gcUrl: 'ldap://localhost:3268',
    gcsUrl: 'ldaps://localhost:3269',
    dnsServer: '127.0.0.1',
    dnsPort: Number(opts.dnsPort),
    imStringOmSyntax: plan.imStringOmSyntax,
    servers,
    seeded: {
      users: plan.totals.users,
      imEnabled: plan.totals.imEnabled,
      notImEnabled: plan.totals.notImEnabled,
      perServer: Object.fromEntries(servers.map((s) => [s.name, s.seededUsers])),
      orphansOnRouter: on((s) => !s.hostsUsers && !s.deleted),
      orphansOnMissingServer: opts.missingOrphans != null ? Number(opts.missingOrphans) : on((s) => s.deleted),
      accountsEnabled: plan.totals.accountsEnabled,
      accountsDisabled: plan.totals.accountsDisabled,
    },
    specialUsers: plan.specialUsers,
    audit: plan.audit,
    enabledAccounts: plan.enabledAccounts,
    activity: plan.activity,
    dns: {
      ldapSrv: `_ldap._tcp.${DOMAIN}`,
      dcs: [
        { host: `dc0.${DOMAIN}`, ip: '127.0.0.2', priority: 0, weight: 100, port: 389, up: false },
        { host: `dc1.${DOMAIN}`, ip: '127.0.0.1', priority: 10, weight: 100, port: 389, up: true },
      ],
      rvpZone: IM_DOMAIN,
      rvpSrv: [
        { target: 'exch1.lab.imctl.test', port: 80, priority: 0, weight: 10 },
        { target: 'exch2.lab.imctl.test', port: 80, priority: 0, weight: 30 },
        { target: 'imrouter.lab.imctl.test', port: 8080, priority: 10, weight: 0 },
      ],
      zoneWithoutRvp: 'norvp.imctl.test',
    },
    snapshot: join(labDir, 'snapshot'),
  };
  writeFileSync(join(labDir, 'lab.json'), JSON.stringify(lab, null, 2) + '\n');
  const imctl = { url: 'ldaps://localhost', bindDn: ADMIN_UPN, passwordFile, caFile, imDomain: IM_DOMAIN };
  writeFileSync(join(labDir, 'imctl.json'), JSON.stringify(imctl, null, 2) + '\n');
}

// ---------------------------------------------------------------------------------------------
/**
 * `--dns-port 5300` → { dnsPort: '5300' }.
 * @param {string[]} argv
 * @returns {Record<string, string | undefined>}
 */
function parseOpts(argv) {
  /** @type {Record<string, string | undefined>} */
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i] ?? '');
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    o[(m[1] ?? '').replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[++i];
  }
  return o;
}

const [cmd, dir, ...rest] = process.argv.slice(2);
if (cmd === 'generate' && dir) {
  const o = parseOpts(rest);
  generate(dir, Number(o.omsyntax ?? 19));
} else if (cmd === 'lab-json' && dir) {
  labJson(dir, parseOpts(rest));
} else if (cmd === 'passwords' && dir) {
  // lab-only secrets, written without a trailing newline (ldap tools' -y reads the whole file)
  writeFileSync(join(dir, 'admin.password'), ADMIN_PASSWORD, { mode: 0o600 });
  writeFileSync(join(dir, 'user.password'), USER_PASSWORD, { mode: 0o600 });
} else {
  process.stderr.write(
    'usage: seed.mjs generate <outDir> [--omsyntax 19|22] | lab-json <labDir> --dns-port N [--missing-vs-dn DN] [--missing-orphans N] | passwords <labDir>\n',
  );
  process.exit(2);
}
