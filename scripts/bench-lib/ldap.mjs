// @ts-check
// The OpenLDAP command-line tools as the benchmark's reference client and independent checker,
// bound as the lab's admin over LDAPS with the lab's CA verified (as test/support/lab.ts does).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOk } from './run.mjs';

export const IM_ATTRS = ['msExchIMAddress', 'msExchIMMetaPhysicalURL', 'msExchIMPhysicalURL', 'msExchIMVirtualServer'];
export const USER_FILTER = '(sAMAccountType=805306368)';

/** An entry as ldapsearch printed it; attribute names lower-cased. @typedef {{ dn: string, attrs: Record<string, string[]> }} LdifEntry */
/** @typedef {'base' | 'one' | 'sub'} Scope */

export class LdapTools {
  /** @param {import('./harness.mjs').Lab} lab */
  constructor(lab) {
    this.lab = lab;
    // A private HOME so no ~/.ldaprc changes what the tools do.
    this.env = {
      PATH: process.env.PATH,
      LDAPTLS_CACERT: lab.caFile,
      LDAPTLS_REQCERT: 'demand',
      HOME: mkdtempSync(join(tmpdir(), 'bench-ldap-home-')),
    };
    this.bind = ['-H', lab.ldapsUrl, '-x', '-D', lab.adminUpn, '-y', lab.adminPassword];
  }

  /**
   * ldapsearch argv, paged at AD's 1,000, unwrapped LDIF.
   * @param {string} base
   * @param {string} filter
   * @param {readonly string[]} [attributes]
   * @param {Scope} [scope]
   */
  searchArgs(base, filter, attributes = [], scope = 'sub') {
    return [
      ...this.bind,
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-E',
      'pr=1000/noprompt',
      '-s',
      scope,
      '-b',
      base,
      filter,
      ...attributes,
    ];
  }

  /**
   * ldapmodify -f FILE (with -a for ldapadd); timed by the caller through the returned `ms`.
   * @param {string} file
   * @param {{ add?: boolean, cont?: boolean }} [options]
   */
  modifyFile(file, { add = false, cont = false } = {}) {
    return runOk('ldapmodify', [...this.bind, ...(add ? ['-a'] : []), ...(cont ? ['-c'] : []), '-f', file], {
      env: this.env,
      stdout: 'ignore',
    });
  }

  /**
   * @param {string} ldif
   * @param {readonly string[]} [extra]
   */
  modify(ldif, extra = []) {
    return runOk('ldapmodify', [...this.bind, ...extra], { env: this.env, input: ldif, stdout: 'ignore' });
  }

  /**
   * @param {string} base
   * @param {string} filter
   * @param {readonly string[]} [attributes]
   * @param {Scope} [scope]
   * @returns {Promise<LdifEntry[]>}
   */
  async search(base, filter, attributes = [], scope = 'sub') {
    const result = await runOk(
      'ldapsearch',
      this.searchArgs(base, filter, attributes, scope),
      { env: this.env },
      [0, 32],
    );
    return result.code === 32 ? [] : parseLdif(result.stdout);
  }

  /**
   * @param {string} base
   * @param {string} filter
   */
  async count(base, filter) {
    const result = await runOk('ldapsearch', this.searchArgs(base, filter, ['1.1']), { env: this.env }, [0, 32]);
    return (result.stdout.match(/^dn:/gm) ?? []).length;
  }

  /** @param {string} dn */
  async exists(dn) {
    const result = await run('ldapsearch', this.searchArgs(dn, '(objectClass=*)', ['1.1'], 'base'), { env: this.env });
    return result.code === 0;
  }

  /**
   * Delete a subtree (ldapdelete -r); a missing entry is not an error.
   * @param {string} dn
   */
  async deleteTree(dn) {
    return runOk('ldapdelete', [...this.bind, '-r', dn], { env: this.env }, [0, 32]);
  }
}

/**
 * Parse unwrapped LDIF from ldapsearch, decoding base64 values. Attribute names are lower-cased.
 * @param {string} text
 * @returns {LdifEntry[]}
 */
export function parseLdif(text) {
  /** @type {LdifEntry[]} */
  const entries = [];
  for (const block of text.split(/\n\n+/)) {
    /** @type {LdifEntry | undefined} */
    let entry;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
      if (!m) continue;
      const [, name = '', colons, raw = ''] = m;
      const value = colons === '::' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (name.toLowerCase() === 'dn') entry = { dn: value, attrs: {} };
      else if (entry) (entry.attrs[name.toLowerCase()] ??= []).push(value);
    }
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * One LDIF line, base64 where the value is not safe as it is.
 * @param {string} attribute
 * @param {string} value
 */
export function ldifValue(attribute, value) {
  return /^[\x20-\x7e]*$/.test(value) && !/^[ :<]/.test(value) && !/ $/.test(value)
    ? `${attribute}: ${value}`
    : `${attribute}:: ${Buffer.from(value).toString('base64')}`;
}
