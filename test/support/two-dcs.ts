/**
 * Helpers for the tests against the lab's two replicating DCs (lab/dc2.sh): which DC is which,
 * ldapsearch aimed at one DC, the per-attribute replication metadata AD keeps, and the lab.sh
 * subcommands that replicate, stop and start a DC.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import {
  imctlEnv,
  lab,
  ldapToolEnv,
  parseLdif,
  repoRoot,
  runProcess,
  searchArgs,
  simpleBind,
  type LdifEntry,
} from './lab.js';

export interface LabDc {
  name: 'dc1' | 'dc2';
  host: string;
  ip: string;
  ldapsUrl: string;
  dnsServer: string;
}

export function dcs(): [LabDc, LabDc] {
  const file = join(inject('labDir'), 'dc2.json');
  if (!existsSync(file)) {
    const failed = join(inject('labDir'), 'dc2.failed');
    const why = existsSync(failed)
      ? `its build failed:\n${readFileSync(failed, 'utf8')}`
      : '`bash lab/lab.sh up` said why';
    throw new Error(`this lab has no second DC (${file} is missing): ${why}; \`bash lab/lab.sh reset\` builds one`);
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { dcs: [LabDc, LabDc] }).dcs;
}
export const dc1 = (): LabDc => dcs()[0];
export const dc2 = (): LabDc => dcs()[1];

/** `bash lab/lab.sh ARGS` on the test run's lab; fails the test when it fails. */
export async function labSh(...args: string[]): Promise<string> {
  const result = await runProcess('bash', [join(repoRoot, 'lab', 'lab.sh'), ...args], {
    env: { ...process.env, IMCTL_LAB_DIR: inject('labDir') },
    timeoutMs: 300_000,
  });
  if (result.code !== 0) throw new Error(`lab.sh ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
  return result.stdout + result.stderr;
}

/** Both DCs pull the domain partition from each other, now. */
export const replicate = (): Promise<string> => labSh('replicate', lab().baseDn);
export const stopDc = (dc: LabDc): Promise<string> => labSh('stop-dc', dc.name);
export const startDc = (dc: LabDc): Promise<string> => labSh('start-dc', dc.name);

/** ldapsearch on one DC (LDAPS, its certificate verified), paged, unwrapped. */
export async function searchOn(
  dc: LabDc,
  base: string,
  filter: string,
  attributes: string[],
  scope: 'base' | 'one' | 'sub' = 'sub',
): Promise<LdifEntry[]> {
  const args = searchArgs(simpleBind(dc.ldapsUrl), { base, filter, attributes, scope });
  const result = await runProcess('ldapsearch', args, { env: ldapToolEnv() });
  if (result.code !== 0 && result.code !== 32)
    throw new Error(`ldapsearch on ${dc.name} failed (${result.code}): ${result.stderr}`);
  return parseLdif(result.stdout);
}

export type ImKey = 'address' | 'meta' | 'physical' | 'server';
const IM_KEYS: Record<string, ImKey> = {
  msexchimaddress: 'address',
  msexchimmetaphysicalurl: 'meta',
  msexchimphysicalurl: 'physical',
  msexchimvirtualserver: 'server',
};

/**
 * The attids replPropertyMetaData names the IM attributes by. Attributes added to the schema after
 * the forest was created get a random msDS-IntId, and that is their attid in the metadata (not the
 * one derived from the OID); the schema replicates, so both DCs agree.
 */
let attids: Map<number, ImKey> | undefined;
async function imAttids(dc: LabDc): Promise<Map<number, ImKey>> {
  if (attids) return attids;
  const filter = `(|${Object.keys(IM_KEYS)
    .map((n) => `(lDAPDisplayName=${n})`)
    .join('')})`;
  const found = await searchOn(dc, `CN=Schema,${lab().configDn}`, filter, ['lDAPDisplayName', 'msDS-IntId'], 'one');
  const map = new Map<number, ImKey>();
  for (const e of found) {
    const id = Number(e.attrs['msds-intid']?.[0]);
    if (!Number.isFinite(id)) throw new Error(`no msDS-IntId on ${e.dn}`);
    map.set(id >>> 0, IM_KEYS[e.attrs['ldapdisplayname']![0]!.toLowerCase()]!);
  }
  if (map.size !== 4) throw new Error(`expected the 4 IM attributes in the schema, found ${map.size}`);
  return (attids = map);
}

/** One attribute's replication stamp: AD settles conflicts by version, then time, then invocation id. */
export interface Stamp {
  version: number;
  time: number;
  invocationId: string;
}

export interface DcEntry {
  dn: string;
  sam: string;
  im: Record<ImKey, string | undefined>;
  stamps: Partial<Record<ImKey, Stamp>>;
}

function guidText(b: Buffer): string {
  const h = b.toString('hex');
  const le = (s: string) => s.match(/../g)!.reverse().join('');
  return `${le(h.slice(0, 8))}-${le(h.slice(8, 12))}-${le(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** replPropertyMetaData (MS-DRSR): a 16-byte header, then 48 bytes per attribute. */
export function imStamps(base64: string, ids: Map<number, ImKey>): Partial<Record<ImKey, Stamp>> {
  const blob = Buffer.from(base64, 'base64');
  const stamps: Partial<Record<ImKey, Stamp>> = {};
  const count = blob.readUInt32LE(8);
  for (let i = 0; i < count; i++) {
    const at = 16 + i * 48;
    const key = ids.get(blob.readUInt32LE(at));
    if (!key) continue;
    stamps[key] = {
      version: blob.readUInt32LE(at + 4),
      time: Number(blob.readBigUInt64LE(at + 8)),
      invocationId: guidText(blob.subarray(at + 16, at + 32)),
    };
  }
  return stamps;
}

/** Every user under `ou` as one DC sees it: IM values and their replication stamps, by sAMAccountName. */
export async function usersOn(dc: LabDc, ou: string): Promise<Map<string, DcEntry>> {
  const entries = await searchOn(dc, ou, '(objectClass=user)', [
    'sAMAccountName',
    'msExchIMAddress',
    'msExchIMMetaPhysicalURL',
    'msExchIMPhysicalURL',
    'msExchIMVirtualServer',
    'replPropertyMetaData',
  ]);
  const out = new Map<string, DcEntry>();
  for (const e of entries) {
    const a = (k: string) => e.attrs[k]?.[0];
    // parseLdif decoded the binary metadata as UTF-8: read it again as base64 from a raw search.
    out.set(a('samaccountname')!, {
      dn: e.dn,
      sam: a('samaccountname')!,
      im: {
        address: a('msexchimaddress'),
        meta: a('msexchimmetaphysicalurl'),
        physical: a('msexchimphysicalurl'),
        server: a('msexchimvirtualserver'),
      },
      stamps: {},
    });
  }
  const [raw, ids] = await Promise.all([rawMetadata(dc, ou), imAttids(dc)]);
  for (const [sam, base64] of raw) {
    const entry = out.get(sam);
    if (entry) entry.stamps = imStamps(base64, ids);
  }
  return out;
}

async function rawMetadata(dc: LabDc, ou: string): Promise<Map<string, string>> {
  const query = { base: ou, filter: '(objectClass=user)', attributes: ['sAMAccountName', 'replPropertyMetaData'] };
  const result = await runProcess('ldapsearch', searchArgs(simpleBind(dc.ldapsUrl), query), { env: ldapToolEnv() });
  const out = new Map<string, string>();
  for (const block of result.stdout.split(/\n\n+/)) {
    const sam = /^sAMAccountName: (.*)$/m.exec(block)?.[1];
    const meta = /^replPropertyMetaData:: (.*)$/m.exec(block)?.[1];
    if (sam && meta) out.set(sam, meta);
  }
  return out;
}

/** imctl's environment aimed at the given DCs, in order (a comma-separated --url list). */
export function envFor(targets: LabDc[], extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return imctlEnv({ IMCTL_URL: targets.map((d) => d.ldapsUrl).join(','), ...extra });
}
