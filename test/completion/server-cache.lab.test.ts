/**
 * End to end: `imctl servers` against the lab leaves the home server names in the cache, and the
 * script `imctl completion bash` prints (the built binary) offers exactly those names, with the
 * LDAP settings gone — a Tab has nothing to connect with.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imctlProcess, imctlEnv, lab } from '../support/lab.js';

describe('server names for completion, from imctl servers', () => {
  it("servers writes the home servers' names under $XDG_CACHE_HOME/imctl; bash completes them with no directory settings", async () => {
    const env = imctlEnv();
    const cacheHome = join(env.HOME!, 'cache');
    env.XDG_CACHE_HOME = cacheHome;
    const result = await imctlProcess(['servers', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const home = lab()
      .servers.filter((s) => s.exists && s.hostsUsers)
      .map((s) => s.name)
      .sort();
    const cache = JSON.parse(readFileSync(join(cacheHome, 'imctl', 'servers.json'), 'utf8')) as { servers: string[] };
    expect(cache.servers).toEqual(home);

    const offline = { PATH: env.PATH, HOME: env.HOME, XDG_CACHE_HOME: cacheHome };
    const printed = await imctlProcess(['completion', 'bash'], { env: offline });
    expect(printed.code, printed.stderr).toBe(0);
    const script = join(env.HOME!, 'imctl.bash');
    writeFileSync(script, printed.stdout);
    const driver = `source ${script}; COMP_WORDS=(imctl move jdoe --to ''); COMP_CWORD=4; _imctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const offered = execFileSync('bash', ['--norc', '--noprofile', '-c', driver], { env: offline, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(offered).toEqual(home);
    expect(offered).not.toContain('im-router');
  });
});
