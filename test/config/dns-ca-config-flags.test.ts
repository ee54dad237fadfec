/**
 * Config and DNS (issue 30): --dns-server given several times (and a list in the config file) is
 * tried in order — stopping dc1 stopped its DNS too; --config /dev/null is an empty config (any
 * other device is refused); --no-ca-file drops a config file's caFile for the system's trust store.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imctlOnMemory } from '../support/run-imctl.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** A config file in a fresh folder, named by --config (explicit: read as it is). */
function configFile(content: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'imctl-cfg-')), 'imctl.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}
const verboseLine = (stderr: string, label: string) => stderr.split('\n').find((l) => l.includes(`${label}:`));

describe('--dns-server, several', () => {
  it('the flag given again keeps every server, in order', async () => {
    const run = await imctlOnMemory(['-v', '--dns-server', '10.0.0.1', '--dns-server', '10.0.0.2:5300', 'servers']);
    expect(run.code, run.stderr).toBe(0);
    expect(verboseLine(run.stderr, 'dns server')).toMatch(/dns server: 10\.0\.0\.1, 10\.0\.0\.2:5300 \(flag\)/);
  });

  it('a list in the config file, and a comma-separated one in IMCTL_DNS_SERVER', async () => {
    const config = configFile({ dnsServer: ['10.0.0.3', '10.0.0.4'] });
    const fromFile = await imctlOnMemory(['-v', '--config', config, 'servers']);
    expect(verboseLine(fromFile.stderr, 'dns server')).toMatch(/10\.0\.0\.3, 10\.0\.0\.4 \(config/);
    const fromEnv = await imctlOnMemory(['-v', 'servers'], { env: { IMCTL_DNS_SERVER: '10.0.0.5, 10.0.0.6' } });
    expect(verboseLine(fromEnv.stderr, 'dns server')).toMatch(/10\.0\.0\.5, 10\.0\.0\.6 \(env/);
    const bad = await imctlOnMemory(['servers', '--config', configFile({ dnsServer: [] })]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"dnsServer"');
  });
});

describe('--config /dev/null and other devices', () => {
  it('/dev/null is an empty config: the run goes on with flags and environment alone', async () => {
    const run = await imctlOnMemory(['--config', '/dev/null', 'servers']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('im-east');
  });

  it('another device is refused, saying what to give', async () => {
    const run = await imctlOnMemory(['--config', '/dev/zero', 'servers']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('The config file /dev/zero is a device, not a file');
  });
});

describe('--no-ca-file', () => {
  it("drops a config file's caFile (and IMCTL_CA_FILE): the system's trust store", async () => {
    const config = configFile({ caFile: 'corp-ca.pem' });
    const kept = await imctlOnMemory(['-v', '--config', config, 'servers']);
    expect(verboseLine(kept.stderr, 'ca file')).toContain('corp-ca.pem');
    const dropped = await imctlOnMemory(['-v', '--config', config, '--no-ca-file', 'servers'], {
      env: { IMCTL_CA_FILE: '/etc/ssl/other.pem' },
    });
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(verboseLine(dropped.stderr, 'ca file')).toMatch(/ca file: \(system trust store\) \(flag\)/);
  });
});
