/**
 * Unit tests of the hardening that the lab suites prove end to end: secrets kept out of output,
 * terminal-safe text, the password flag that does not exist, config files that are never quoted,
 * DN comparison that does not depend on how a server spells escapes, error classification of a
 * handshake cut short, and the writer's "in doubt" outcome when a sent write cannot be confirmed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { parseConfigFile } from '../../src/config/config-file.js';
import { capacityFor } from '../../src/config/server-capacity.js';
import { loadSettings } from '../../src/config/settings.js';
import { DirectoryError, quoted } from '../../src/core/errors.js';
import { canonicalDn, escapeDnValue, escapeFilterValue } from '../../src/core/escape.js';
import { forgetSecrets, redact, registerSecret } from '../../src/core/redact.js';
import { isFormulaLike } from '../../src/core/spreadsheet-safe.js';
import type { LdapConnection } from '../../src/directory/connection.js';
import { isConnectionLoss, translateError } from '../../src/directory/errors.js';
import { applyWrites, writeOne, type WriteResult, type WriteTask } from '../../src/directory/writer.js';
import { openReport } from '../../src/io/report.js';
import { Output, safeJson, terminalSafe } from '../../src/ui/output.js';

const tmp = mkdtempSync(join(tmpdir(), 'imctl-hardening-'));

afterEach(() => forgetSecrets());

function memoryStreams(): {
  streams: { stdout: PassThrough; stderr: PassThrough; stdin: PassThrough };
  out(): string;
  err(): string;
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { streams: { stdout, stderr, stdin: new PassThrough() }, out: () => out, err: () => err };
}

describe('secrets stay out of output', () => {
  it('redact replaces every registered secret, and ignores ones too short to tell from text', () => {
    registerSecret('Imctl-Lab-Admin-1!');
    registerSecret('abc');
    expect(redact('bind with Imctl-Lab-Admin-1! and Imctl-Lab-Admin-1!; abc')).toBe(
      'bind with ******** and ********; abc',
    );
  });

  it('Output writes no registered secret to stdout or stderr, in any method', () => {
    registerSecret('S3cret-Value');
    const m = memoryStreams();
    const out = new Output(m.streams, false, false, true);
    out.print('table S3cret-Value');
    out.info('info S3cret-Value');
    out.warn('warn S3cret-Value');
    out.error('error S3cret-Value');
    out.debug('debug S3cret-Value');
    out.printJson({ value: 'S3cret-Value' });
    expect(m.out() + m.err()).not.toContain('S3cret-Value');
    expect((m.out() + m.err()).match(/\*{8}/g)).toHaveLength(6);
  });

  it('a report file never holds a registered secret', async () => {
    registerSecret('S3cret-Value');
    for (const ext of ['csv', 'json', 'jsonl']) {
      const path = join(tmp, `secret.${ext}`);
      const report = openReport(path);
      await report.write({
        line: 1,
        user: 'S3cret-Value',
        action: 'enable',
        outcome: 'invalid',
        reason: 'found "S3cret-Value"',
      });
      await report.close();
      expect(readFileSync(path, 'utf8')).not.toContain('S3cret-Value');
    }
  });

  it.each([['--password', 'Hunter2-x'], ['--password=Hunter2-x'], ['--passwd=Hunter2-x'], ['-pw', 'Hunter2-x']])(
    'there is no password flag: %s is refused with exit 2 and never echoed',
    async (...flag) => {
      const m = memoryStreams();
      const code = await run(['node', 'imctl', ...flag, 'servers'], { streams: m.streams, env: {}, cwd: tmp });
      expect(code).toBe(2);
      expect(m.err()).toMatch(/There is no password option/);
      expect(m.out() + m.err()).not.toContain('Hunter2');
    },
  );

  it('"--password-file" is still an option, and "--" ends the search for a password flag', async () => {
    const m = memoryStreams();
    const code = await run(['node', 'imctl', '--password-file', join(tmp, 'none'), 'show', '--', '--password'], {
      streams: m.streams,
      env: {},
      cwd: tmp,
    });
    expect(m.err()).not.toMatch(/There is no password option/);
    expect(code).toBe(2); // no URL: a usage error of its own
  });
});

describe('terminal-safe text', () => {
  it('shows control characters and bidi overrides as escapes, keeps newlines and tabs', () => {
    expect(terminalSafe('a\x1b]0;title\x07b\x1b[2Jc\rd\u202Ee\u2066f\x9bg\n\th', false)).toBe(
      'a\\x1b]0;title\\x07b\\x1b[2Jc\\x0dd\\u202ee\\u2066f\\x9bg\n\th',
    );
  });

  it('keeps colour (SGR) sequences only when colour is on', () => {
    expect(terminalSafe('\x1b[31mred\x1b[39m', true)).toBe('\x1b[31mred\x1b[39m');
    expect(terminalSafe('\x1b[31mred\x1b[39m', false)).toBe('\\x1b[31mred\\x1b[39m');
    // Anything but SGR is escaped even with colour on: no cursor movement, no erase, no title.
    expect(terminalSafe('\x1b[1A\x1b[2K\x1b]8;;http://x\x07', true)).not.toMatch(/\x1b/);
  });

  it('property: with colour off, no control or bidi character survives; with JSON, the value is unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(terminalSafe(s, false)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u);
        const json = safeJson(JSON.stringify({ s }));
        expect(json).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u);
        // Pure ASCII (the same text under any code page), and the same value.
        expect(json).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(json)).toEqual({ s });
      }),
    );
  });

  it('a very long name is cut in messages', () => {
    expect(quoted('a'.repeat(10_000))).toBe(`"${'a'.repeat(100)}…" (10000 characters)`);
    expect(quoted('jdoe')).toBe('"jdoe"');
  });
});

describe('CSV reports never hold a cell a spreadsheet would execute', () => {
  it('property: whatever the user, DN and reason, every cell is inert', async () => {
    const path = join(tmp, 'prop.csv');
    const trigger = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '\0', ' =', '\u00a0+', '＝', '＠', '');
    const cell = fc.tuple(trigger, fc.string({ unit: 'binary', maxLength: 30 })).map(([t, s]) => t + s);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 20 }), async (rows) => {
        const report = openReport(path);
        for (const [user, dn, reason] of rows)
          await report.write({ line: 1, user, dn, action: 'enable', outcome: 'failed', reason });
        await report.close();
        const cells = (
          parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), {
            relax_column_count: true,
            relax_quotes: true,
          }) as string[][]
        ).flat();
        for (const c of cells) expect(isFormulaLike(c), JSON.stringify(c)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('config files are never quoted back', () => {
  it.each([
    ['the password file', 'Imctl-Lab-Admin-1!'],
    ['a truncated file with a secret', '{"bindDn": "Imctl-Lab-Admin-1!'],
    ['binary', '\x00\x1b[2JImctl-Lab-Admin-1!'],
  ])('%s: "not valid JSON" with no piece of the content', (_label, text) => {
    expect(() => parseConfigFile('/etc/imctl.json', text)).toThrow(
      /^The config file \/etc\/imctl\.json is not valid JSON( \(.*\))?; check it with a JSON validator\.$/,
    );
    try {
      parseConfigFile('/etc/imctl.json', text);
    } catch (error) {
      expect((error as Error).message).not.toContain('Imctl-Lab');
      expect((error as Error).message).not.toMatch(/\x1b|\x00/);
    }
  });

  it('says where a syntax error is, by line and column', () => {
    expect(() => parseConfigFile('/x.json', '{\n  "url": "ldaps://dc1",\n  "domain" "x"\n}')).toThrow(
      /at line 3, column 12/,
    );
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'an Object.prototype name as a key (%s) is an unknown key',
    (key) => {
      expect(() => parseConfigFile('/x.json', `{"${key}": {"allowCleartext": true}}`)).toThrow(
        new RegExp(`unknown key "${key}"`),
      );
    },
  );

  it('a URL with credentials is refused, in the file even when overridden, and on the command line, without echoing them', () => {
    expect(() => parseConfigFile('/x.json', '{"url": ["ldaps://dc1", "ldaps://admin:Pa55word!@dc2"]}')).toThrow(
      /"url" must be URLs without a user name or password/,
    );
    try {
      loadSettings({ url: 'ldaps://admin:Pa55word!@dc1.corp.example.com' }, {}, tmp);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/carries a user name or password/);
      expect((error as Error).message).not.toContain('Pa55word');
    }
  });

  it('a config file of several megabytes is refused before it is read', () => {
    const path = join(tmp, 'big.json');
    writeFileSync(path, `{"domain": "${'x'.repeat(2 << 20)}"}`);
    expect(() => loadSettings({ config: path }, {}, tmp)).toThrow(/is 2\.0 MB; .*right file/);
  });

  it('a server named like an Object.prototype member gets the default capacity, not a function', () => {
    const path = join(tmp, 'caps.json');
    writeFileSync(path, '{"servers": {"im1": {"capacity": 10}}}');
    const settings = loadSettings({ config: path }, {}, tmp);
    for (const name of ['constructor', '__proto__', 'toString']) expect(capacityFor(settings, [name])).toBe(7500);
    expect(capacityFor(settings, ['IM1'])).toBe(10);
  });
});

describe('DN comparison is by meaning, not by spelling', () => {
  const hexAll = (value: string) =>
    [...Buffer.from(value, 'utf8')].map((b) => `\\${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

  it('a value escaped the RFC 4514 way and one hex-escaped (as Samba returns ; and =) are the same DN', () => {
    expect(canonicalDn('CN=\\"Quoted\\" \\<Name\\>\\; Semi\\=Colon,OU=Staff,DC=lab')).toBe(
      canonicalDn('cn=\\"Quoted\\" \\<Name\\>\\3B Semi\\3DColon, ou=staff,DC=LAB'),
    );
    expect(canonicalDn('CN="Doe, John",OU=x')).toBe(canonicalDn('CN=Doe\\, John,OU=x'));
  });

  it('property: any value, escaped either way, compares equal; different values never do', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        expect(canonicalDn(`CN=${escapeDnValue(a)},OU=x`)).toBe(canonicalDn(`CN=${hexAll(a)},OU=x`));
        if (a.toLowerCase() !== b.toLowerCase())
          expect(canonicalDn(`CN=${escapeDnValue(a)},OU=x`)).not.toBe(canonicalDn(`CN=${escapeDnValue(b)},OU=x`));
      }),
    );
  });

  it('property: an escaped filter value has no unescaped filter metacharacter', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(escapeFilterValue(s).replace(/\\[0-9a-f]{2}/g, '')).not.toMatch(/[*()\\\0]/);
      }),
    );
  });
});

describe('a handshake cut short is a lost connection, not a TLS misconfiguration', () => {
  it('"socket disconnected before secure TLS connection was established" (ECONNRESET) is transient', () => {
    const error = Object.assign(
      new Error('Client network socket disconnected before secure TLS connection was established'),
      { code: 'ECONNRESET' },
    );
    const translated = translateError(error, { server: 'dc1', doing: 'connecting' });
    expect(translated.reason).toBe('connection-lost');
    expect(translated.transient).toBe(true);
    expect(isConnectionLoss(error)).toBe(true);
  });

  it('a certificate problem stays a TLS error, not retried', () => {
    const error = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(translateError(error, { server: '127.0.0.2' })).toMatchObject({ reason: 'tls', transient: false });
  });
});

describe('a sent write the DC cannot confirm is "in doubt", never "not done"', () => {
  const task: WriteTask = {
    dn: 'CN=u1,OU=x',
    before: { msExchIMAddress: 'u1@im.x' },
    after: {},
    ops: [{ operation: 'delete', attribute: 'msExchIMAddress', values: ['u1@im.x'] }],
  };
  const gone = () => new DirectoryError('No domain controller answered.', 'no-dc', undefined, false);
  const lost = () =>
    Object.assign(new Error('Connection closed before message response was received.'), { code: 'ECONNRESET' });

  async function apply(directory: Partial<LdapConnection>): Promise<{ results: WriteResult[]; error: unknown }> {
    const results: WriteResult[] = [];
    let error: unknown;
    await applyWrites(directory as LdapConnection, [task], { concurrency: 1 }, (_t, r) => void results.push(r)).catch(
      (e) => (error = e),
    );
    return { results, error };
  }

  it('sent, connection lost, DC unreachable afterwards: the result is "unknown" and the run stops', async () => {
    const { results, error } = await apply({
      endpoint: { url: 'ldaps://dc1', host: 'dc1', startTls: false },
      modifyOnce: async (_dn, _ops, onSend) => {
        onSend?.();
        throw lost();
      },
      readEntry: async () => {
        throw gone();
      },
    });
    expect(results).toEqual([{ outcome: 'unknown', reason: 'No domain controller answered.' }]);
    expect((error as DirectoryError).reason).toBe('no-dc');
  });

  it('never sent (the reconnect failed first): no result, only the error that stops the run — the write is certainly not done', async () => {
    const { results, error } = await apply({
      endpoint: { url: 'ldaps://dc1', host: 'dc1', startTls: false },
      modifyOnce: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:636'), { code: 'ECONNREFUSED' });
      },
      readEntry: async () => {
        throw gone();
      },
    });
    expect(results).toEqual([]);
    expect((error as DirectoryError).reason).toBe('no-dc');
  });

  it('busy is an answer: a busy write that then cannot be re-read is not in doubt', async () => {
    const { results } = await apply({
      endpoint: { url: 'ldaps://dc1', host: 'dc1', startTls: false },
      modifyOnce: async (_dn, _ops, onSend) => {
        onSend?.();
        throw new DirectoryError('busy', 'busy', 51, true);
      },
      readEntry: async () => {
        throw gone();
      },
    });
    expect(results).toEqual([]);
  });

  it('a DC that stays busy: 9 attempts on the back-off schedule (about 11 s), then "failed" with a reason — never written, never hammered', async () => {
    vi.useFakeTimers();
    try {
      const sent: number[] = [];
      const directory = {
        endpoint: { url: 'ldaps://dc1', host: 'dc1', startTls: false },
        modifyOnce: async (_dn: string, _ops: unknown, onSend?: () => void) => {
          onSend?.();
          sent.push(Date.now());
          throw new DirectoryError('busy', 'busy', 51, true);
        },
        // Each re-read finds the entry as it was read: the busy answers changed nothing.
        readEntry: async () => ({
          dn: task.dn,
          get: (a: string) => (a.toLowerCase() === 'msexchimaddress' ? 'u1@im.x' : undefined),
          buffer: () => undefined,
          has: () => false,
          all: () => [],
        }),
      } as unknown as LdapConnection;
      const pending = writeOne(directory, task);
      await vi.runAllTimersAsync();
      const result = await pending;
      expect(result).toEqual({
        outcome: 'failed',
        reason: 'dc1 did not accept the change after 9 attempts; re-run to finish',
      });
      expect(sent).toHaveLength(9);
      const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
      expect(gaps).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000]);
    } finally {
      vi.useRealTimers();
    }
  });
});
