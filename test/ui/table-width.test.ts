/**
 * Tables that fit the terminal (issue 21): servers, audit and users at 80 and 200 columns, through
 * run() against the in-memory directory.
 */
import { describe, expect, it } from 'vitest';
import { imValues } from '../../src/core/im-model.js';
import { MemoryDirectory } from '../support/memory-directory.js';
import { IM_DOMAIN, imctlOnMemory, person } from '../support/run-imctl.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const widest = (text: string) =>
  Math.max(
    ...text
      .replace(ANSI, '')
      .split('\n')
      .map((line) => [...line].length),
  );

describe('tables fit the terminal', () => {
  /** Long host names, an orphan and every audit finding kind with examples. */
  const wide = () => {
    const long = (name: string, host: string, hostsUsers = true) => ({
      dn: `CN=IM Virtual Server,CN=${name},CN=Servers,CN=First Site,DC=memory,DC=test`,
      name,
      cn: name,
      host,
      hostsUsers,
    });
    const servers = [
      long('im-east', 'exchange-east-01.im.memory.test'),
      long('im-west', 'exchange-west-01.im.memory.test'),
      long('im-router', 'exchange-router-01.im.memory.test', false),
    ];
    const users = [
      person('ann', servers[0]),
      person('rob', servers[2]),
      person('idle', servers[1], { accountDisabled: true }),
      person('cas', servers[0], {
        im: { ...imValues('cas', IM_DOMAIN, servers[0]!), msExchIMAddress: `CAS@${IM_DOMAIN.toUpperCase()}` },
      }),
    ];
    return new MemoryDirectory(servers, users);
  };

  it('servers: the bar goes and the host is cut at 80 columns; with 200 the bar stays', async () => {
    const narrow = await imctlOnMemory(['servers'], {
      directory: wide(),
      tty: true,
      columns: 80,
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    expect(narrow.code).toBe(0);
    const table = narrow.stdout
      .split('\n')
      .filter((line) => /^[┌│└]/.test(line.replace(ANSI, '')))
      .join('\n');
    expect(widest(table)).toBeLessThanOrEqual(80);
    expect(table).not.toContain('Load');
    expect(table).toContain('im-router');
    expect(table).toContain('…');
    const roomy = await imctlOnMemory(['servers'], {
      directory: wide(),
      tty: true,
      columns: 200,
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    expect(roomy.stdout).toContain('Load');
    expect(roomy.stdout).toContain('exchange-router-01.im.memory.test');
  });

  it('audit: the table fits 80 columns (examples cut, titles wrapped); piped output is not cut', async () => {
    const narrow = await imctlOnMemory(['audit', '--no-dns'], { directory: wide(), tty: true, columns: 80 });
    const table = narrow.stdout
      .split('\n')
      .filter((line) => /^[┌│└├]/.test(line))
      .join('\n');
    expect(widest(table)).toBeLessThanOrEqual(80);
    expect(table).toContain('Orphans');
    const piped = await imctlOnMemory(['audit', '--no-dns'], { directory: wide() });
    expect(piped.stdout).toContain('rob: homed on im-router, a router');
    expect(
      widest(
        piped.stdout
          .split('\n')
          .filter((line) => line.startsWith('│'))
          .join('\n'),
      ),
    ).toBeGreaterThan(80);
  });

  it('users at 80 columns', async () => {
    const run = await imctlOnMemory(['users'], { directory: wide(), tty: true, columns: 80 });
    expect(run.code).toBe(0);
    expect(widest(run.stdout)).toBeLessThanOrEqual(80);
  });
});
