/**
 * imctl's copy of the environment (src/platform/environment.ts): the password leaves the process
 * environment, and on Windows a variable set in any letter case (`$env:imctl_url`) is found under
 * its upper-case name, as Windows itself finds it.
 */
import { describe, expect, it } from 'vitest';
import { environmentWithoutSecrets } from '../../src/platform/environment.js';

describe('environmentWithoutSecrets', () => {
  it('Windows: names in any case are found upper-case; the password leaves the source in any case', () => {
    const source: NodeJS.ProcessEnv = { imctl_url: 'ldaps://dc1', Imctl_Password: 'pw', Path: 'C:\\Windows' };
    const env = environmentWithoutSecrets(source, 'win32');
    expect(env).toEqual({ IMCTL_URL: 'ldaps://dc1', IMCTL_PASSWORD: 'pw', PATH: 'C:\\Windows' });
    expect(source).toEqual({ imctl_url: 'ldaps://dc1', Path: 'C:\\Windows' });
  });

  it('POSIX: names keep their case (imctl_url is another variable there)', () => {
    const source: NodeJS.ProcessEnv = { imctl_url: 'x', IMCTL_PASSWORD: 'pw' };
    expect(environmentWithoutSecrets(source, 'linux')).toEqual({ imctl_url: 'x', IMCTL_PASSWORD: 'pw' });
    expect(source).toEqual({ imctl_url: 'x' });
  });
});
