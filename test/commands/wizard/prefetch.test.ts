/**
 * The wizard reads loads and IM domains in the background while the admin picks users — but not in
 * a large domain (LARGE_DOMAIN_USERS, by the RID bound), where the DC answers in order and a name
 * search typed meanwhile waited for all of it (48 s at 100,000 users): there they are read once
 * the users are picked (src/commands/wizard/session.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Context } from '../../../src/commands/command-context.js';
import { loadSettings } from '../../../src/config/settings.js';
import { WizardSession } from '../../../src/commands/wizard/session.js';
import { LARGE_DOMAIN_USERS } from '../../../src/services/directory-port.js';
import type { Prompts } from '../../../src/ui/prompts.js';
import { MemoryDirectory } from '../../support/memory-directory.js';

const settled = () => new Promise((resolve) => setTimeout(resolve, 10));

function session(bound: number) {
  const directory = new MemoryDirectory([]);
  directory.ridBound = bound;
  const read: string[] = [];
  const countHomed = directory.countHomed.bind(directory);
  directory.countHomed = (dns) => (read.push('loads'), countHomed(dns));
  const sample = directory.imAddressSample.bind(directory);
  directory.imAddressSample = (limit) => (read.push('domains'), sample(limit));
  const context = { settings: loadSettings({}, {}, '/') } as unknown as Context;
  return { wizard: new WizardSession(context, {} as Prompts, directory, 0), read };
}

describe('what the wizard reads while the admin picks users', () => {
  it('in a domain of up to LARGE_DOMAIN_USERS users: the loads and the IM domains, at once', async () => {
    const { wizard, read } = session(LARGE_DOMAIN_USERS);
    wizard.prefetchWhilePicking(true);
    await settled();
    expect(new Set(read)).toEqual(new Set(['domains', 'loads']));
  });

  it('in a larger domain: nothing until the users are picked and the loads are asked for', async () => {
    const { wizard, read } = session(LARGE_DOMAIN_USERS + 1);
    wizard.prefetchWhilePicking(true);
    await settled();
    expect(read).toEqual([]);
    await wizard.inventory();
    expect(new Set(read)).toEqual(new Set(['loads']));
  });
});
