/**
 * The CA file decides whom the bind password is sent to: LdapConnection reads it once, through
 * src/io/owned-file.ts, and refuses one another user could swap — before any socket is opened.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { CONNECT_TIMEOUT_MS, LdapConnection, pagedSearchOptions } from '../../src/directory/connection.js';

const root = mkdtempSync(join(tmpdir(), 'imctl-ca-'));
/** A real certificate: the old code read any file and went on to connect with it. */
const pem = execFileSync(
  'openssl',
  ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=planted CA', '-days', '1'],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);

describe('LdapConnection and the CA file', () => {
  it.runIf(process.getuid?.() === 0)(
    'refuses a CA file of another user, or in a folder others can write, and connects to nothing',
    async () => {
      let connections = 0;
      const listener = createServer((socket) => (connections++, socket.destroy()));
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const port = (listener.address() as { port: number }).port;
      const open = (caFile: string) =>
        LdapConnection.open({
          settings: { caFile, auth: 'simple', insecureTls: false, timeoutMs: 1000, sources: {} } as unknown as Settings,
          endpoints: [{ url: `ldaps://127.0.0.1:${port}`, host: '127.0.0.1', startTls: false }],
          password: async () => 'x',
        });
      try {
        const theirs = join(root, 'theirs.pem');
        writeFileSync(theirs, pem);
        chownSync(theirs, 65534, 65534);
        await expect(open(theirs)).rejects.toThrow(
          `Cannot read the CA file ${theirs}: it belongs to another user (uid 65534).`,
        );
        const shared = join(root, 'shared');
        mkdirSync(shared);
        chmodSync(shared, 0o777);
        writeFileSync(join(shared, 'ca.pem'), pem);
        await expect(open(join(shared, 'ca.pem'))).rejects.toThrow(/anyone on this machine can write to the folder/);
        expect(connections).toBe(0);
      } finally {
        listener.close();
      }
    },
  );
});

describe('a CA file path that is wrong is told in one sentence, naming it', () => {
  it.each([
    ['missing.pem', 'it does not exist'],
    ['no-such-folder/ca.pem', 'it does not exist'],
  ])('%j: %s', async (name, says) => {
    const caFile = join(root, name);
    const opened = LdapConnection.open({
      settings: { caFile, auth: 'simple', insecureTls: false, timeoutMs: 1000, sources: {} } as unknown as Settings,
      endpoints: [{ url: 'ldaps://127.0.0.1:1', host: '127.0.0.1', startTls: false }],
      password: async () => 'x',
    });
    await expect(opened).rejects.toThrow(`Cannot read the CA file ${caFile}: ${says}.`);
  });
});

describe('one connect timeout, as documented', () => {
  it('is 10 s, and the README says so', () => {
    expect(CONNECT_TIMEOUT_MS).toBe(10_000);
    expect(readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')).toMatch(
      /connecting to one DC gives up after 10 s/,
    );
  });
});

describe('a paged search sets no time limit of its own', () => {
  it('sends timeLimit 0 (ldapts would send 10 s, which a long listing on a busy DC outlives)', () => {
    expect(pagedSearchOptions({ filter: '(objectClass=user)', attributes: ['cn'] }, 1000)).toMatchObject({
      timeLimit: 0,
      paged: { pageSize: 1000 },
    });
  });
});
