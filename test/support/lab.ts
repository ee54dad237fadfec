/**
 * Helpers for tests against the lab DC: its facts, the built imctl binary run as an admin
 * would run it, and the OpenLDAP command-line tools as the independent client that checks
 * what imctl wrote.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface LabServer {
  name: string;
  host: string;
  dn: string;
  hostsUsers: boolean;
  seededUsers: number;
  exists: boolean;
}

export interface LabFacts {
  labDir: string;
  domain: string;
  baseDn: string;
  configDn: string;
  usersOu: string;
  imDomain: string;
  adminUpn: string;
  adminDn: string;
  adminNetbios: string;
  adminPassword: string;
  userPassword: string;
  caFile: string;
  ldapsUrl: string;
  ldapUrl: string;
  dnsServer: string;
  dnsPort: number;
  servers: LabServer[];
  seeded: {
    users: number;
    imEnabled: number;
    perServer: Record<string, number>;
    orphansOnRouter: number;
    orphansOnMissingServer: number;
  };
  specialUsers: { sam: string; cn: string; dn: string; im: string | null }[];
  /** OU=Audit: one case per `imctl audit` finding, and case-variant users (issue 13). */
  audit: {
    ou: string;
    users: {
      sam: string;
      dn: string;
      finding: string | null;
      caseOnly: boolean;
      fixable: boolean;
      im: Record<string, string>;
    }[];
  };
}

let facts: LabFacts | undefined;
/** The lab's facts, read from its lab.json once the lab is up (lab-ready.ts waits for that). */
export function lab(): LabFacts {
  facts ??= JSON.parse(readFileSync(join(inject('labDir'), 'lab.json'), 'utf8')) as LabFacts;
  return facts;
}

export function server(name: string): LabServer {
  const found = lab().servers.find((s) => s.name === name);
  if (!found) throw new Error(`no lab server ${name}`);
  return found;
}

export function adminPassword(): string {
  return readFileSync(lab().adminPassword, 'utf8');
}

/** A private state/config home per test file, so journals and config files never leak between tests. */
export function scratchDir(prefix = 'imctl-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The environment an admin would export to point imctl at the lab (no config file involved). */
export function imctlEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const l = lab();
  const home = scratchDir('imctl-home-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CONFIG_HOME: join(home, 'config'),
    NO_COLOR: '1',
    IMCTL_URL: l.ldapsUrl,
    IMCTL_BIND_DN: l.adminUpn,
    IMCTL_PASSWORD_FILE: l.adminPassword,
    IMCTL_CA_FILE: l.caFile,
    IMCTL_IM_DOMAIN: l.imDomain,
    // Lab files narrow --base-dn to an OU of their own to count tens of users, not the seed's
    // 12,000 on the same servers; imctl counts loads across the domain, so they count under the
    // base DN instead (src/config/settings.ts). A test of the domain-wide count unsets it.
    IMCTL_TEST_LOADS_UNDER_BASE_DN: '1',
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

/** A finished run's exit status and output; json() parses stdout or says what it held. */
export function runResult(code: number, stdout: string, stderr: string): RunResult {
  return {
    code,
    stdout,
    stderr,
    json() {
      try {
        return JSON.parse(stdout);
      } catch {
        throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}

export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd ?? repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(runResult(code ?? -1, stdout, stderr));
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Run the built binary in a new Node process, as an admin's shell would (no TTY), against the lab. */
export function imctlProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return runProcess(process.execPath, [join(repoRoot, 'bin', 'imctl'), ...args], {
    env: options.env ?? imctlEnv(),
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** The lab DC's own certificate and key, for a fault proxy that terminates TLS in its place
 * (FaultProxyOptions.terminate): imctl verifies it against the lab's CA as it would the DC. */
export function labTermination(serverOptions?: import('node:tls').TlsOptions) {
  const tls = join(lab().labDir, 'tls');
  return {
    cert: readFileSync(join(tls, 'server.pem')),
    key: readFileSync(join(tls, 'server.key')),
    ca: readFileSync(join(tls, 'ca.pem')),
    servername: 'localhost',
    ...(serverOptions ? { serverOptions } : {}),
  };
}

/** The OpenLDAP tools' environment: the lab's CA, verified; a HOME of their own (no ~/.ldaprc). */
export function ldapToolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LDAPTLS_CACERT: lab().caFile,
    LDAPTLS_REQCERT: 'demand',
    HOME: scratchDir('ldap-home-'),
    ...extra,
  };
}

/** A simple bind as the lab's admin over LDAPS (the certificate verified), on dc1 or the URL given. */
export function simpleBind(url = lab().ldapsUrl): string[] {
  return ['-H', url, '-x', '-D', lab().adminUpn, '-y', lab().adminPassword];
}

export interface SearchQuery {
  base: string;
  filter: string;
  attributes?: readonly string[];
  scope?: 'base' | 'one' | 'sub';
  /** Paged at AD's 1,000 (the default); off where a paging control would change what is tested. */
  paged?: boolean;
}

/** ldapsearch's arguments for one query: the bind given, LDIF with no comments and no line wrapping. */
export function searchArgs(bind: readonly string[], query: SearchQuery): string[] {
  return [
    ...bind,
    '-LLL',
    '-o',
    'ldif-wrap=no',
    ...(query.paged === false ? [] : ['-E', 'pr=1000/noprompt']),
    '-s',
    query.scope ?? 'sub',
    '-b',
    query.base,
    query.filter,
    ...(query.attributes ?? []),
  ];
}

/** ldapsearch, paged at AD's 1,000, no line wrapping. */
export async function ldapsearch(
  base: string,
  filter: string,
  attributes: string[] = [],
  scope: 'base' | 'one' | 'sub' = 'sub',
): Promise<LdifEntry[]> {
  const result = await runProcess('ldapsearch', searchArgs(simpleBind(), { base, filter, attributes, scope }), {
    env: ldapToolEnv(),
  });
  if (result.code !== 0 && result.code !== 32) throw new Error(`ldapsearch failed (${result.code}): ${result.stderr}`);
  return parseLdif(result.stdout);
}

/** ldapdelete -r: an entry and everything under it. */
export async function ldapdeleteTree(dn: string): Promise<RunResult> {
  return runProcess('ldapdelete', [...simpleBind(), '-r', dn], { env: ldapToolEnv() });
}

export async function ldapcount(base: string, filter: string): Promise<number> {
  return (await ldapsearch(base, filter, ['1.1'])).length;
}

/** ldapmodify (or ldapadd with `-a`), continuing past errors with -c when asked. */
export async function ldapmodify(ldif: string, extra: string[] = []): Promise<RunResult> {
  return runProcess('ldapmodify', [...simpleBind(), ...extra], { env: ldapToolEnv(), input: ldif });
}

export interface LdifEntry {
  dn: string;
  attrs: Record<string, string[]>;
}

/** Parse ldapsearch's LDIF output (unwrapped), decoding base64 values. Attribute names are lower-cased. */
export function parseLdif(text: string): LdifEntry[] {
  const entries: LdifEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    let entry: LdifEntry | undefined;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
      if (!m) continue;
      const value = m[2] === '::' ? Buffer.from(m[3]!, 'base64').toString('utf8') : m[3]!;
      if (m[1]!.toLowerCase() === 'dn') entry = { dn: value, attrs: {} };
      else if (entry) (entry.attrs[m[1]!.toLowerCase()] ??= []).push(value);
    }
    if (entry) entries.push(entry);
  }
  return entries;
}

export function ldifValue(attribute: string, value: string): string {
  return /^[\x20-\x7e]*$/.test(value) && !/^[ :<]/.test(value) && !/ $/.test(value)
    ? `${attribute}: ${value}`
    : `${attribute}:: ${Buffer.from(value).toString('base64')}`;
}

let ouCounter = 0;
/** A fresh OU for one test file's users, so tests never step on each other or on the demo data. */
export async function createOu(name: string): Promise<string> {
  const dn = `OU=${name}-${process.pid}-${++ouCounter},${lab().baseDn}`;
  const result = await ldapmodify(`dn: ${dn}\nchangetype: add\nobjectClass: organizationalUnit\n\n`);
  if (result.code !== 0) throw new Error(`cannot create ${dn}: ${result.stderr}`);
  return dn;
}

export interface TestUser {
  sam: string;
  cn: string;
  mailNickname?: string;
  im?: { server: LabServer; alias?: string; imDomain?: string };
  extra?: Record<string, string>;
}

export function escapeRdn(value: string): string {
  return value
    .replace(/[,+"\\<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

/** Add users with ldapadd — the independent client — optionally IM-enabled exactly as Exchange would be. */
export async function addUsers(ouDn: string, users: TestUser[]): Promise<string[]> {
  const l = lab();
  const dns: string[] = [];
  const records = users.map((u) => {
    const dn = `CN=${escapeRdn(u.cn)},${ouDn}`;
    dns.push(dn);
    const lines = [
      ldifValue('dn', dn),
      'changetype: add',
      'objectClass: user',
      ldifValue('cn', u.cn),
      `sAMAccountName: ${u.sam}`,
      `userPrincipalName: ${u.sam}@${l.domain}`,
      `mail: ${u.sam}@${l.domain}`,
    ];
    if (u.mailNickname) lines.push(`mailNickname: ${u.mailNickname}`);
    for (const [k, v] of Object.entries(u.extra ?? {})) lines.push(ldifValue(k, v));
    if (u.im) {
      const alias = (u.im.alias ?? u.mailNickname ?? u.sam).toLowerCase();
      const domain = u.im.imDomain ?? l.imDomain;
      lines.push(
        `msExchIMAddress: ${alias}@${domain}`,
        `msExchIMMetaPhysicalURL: http://${domain}/instmsg/aliases/${alias}`,
        `msExchIMPhysicalURL: http://${u.im.server.host}/instmsg/local/${domain}/instmsg/aliases/${alias}`,
        `msExchIMVirtualServer: ${u.im.server.dn}`,
      );
    }
    return `${lines.join('\n')}\n\n`;
  });
  const result = await ldapmodify(records.join(''));
  if (result.code !== 0) throw new Error(`ldapadd failed: ${result.stderr}`);
  return dns;
}

/** An entry as ldapsearch sees it, every user attribute, for before/after comparisons. */
export async function readEntry(dn: string, attributes: string[] = ['*']): Promise<LdifEntry | undefined> {
  return (await ldapsearch(dn, '(objectClass=*)', attributes, 'base'))[0];
}

export const IM_ATTRS = ['msexchimaddress', 'msexchimmetaphysicalurl', 'msexchimphysicalurl', 'msexchimvirtualserver'];
