/** A simple bind with the bind account's password: asked for once, kept in memory for re-binds, asked again after a typo at the prompt. */
import type { Client } from 'ldapts';
import { DirectoryError, UsageError } from '../core/errors.js';
import type { Settings } from '../config/settings.js';
import { passwordOrigin, PROMPT_TRIES } from './bind-credentials.js';
import type { Endpoint } from './endpoints.js';
import { translateError } from './errors.js';

/** The password, read when the first bind needs it and kept (in memory only) for re-binds until the run forgets it. */
export class BindPassword {
  private value: string | undefined;

  constructor(private readonly ask: () => Promise<string>) {}

  async get(): Promise<string> {
    this.value ??= await this.ask();
    return this.value;
  }

  forget(): void {
    this.value = undefined;
  }
}

/** Bind `client` as the bind account; returns the name it bound as. */
export async function simpleBind(
  client: Client,
  endpoint: Endpoint,
  settings: Settings,
  password: BindPassword,
  warn: (message: string) => void,
): Promise<string> {
  const bindDn = settings.bindDn;
  if (!bindDn)
    throw new UsageError(
      'No bind account: give --bind-dn (a DN, user@domain or DOMAIN\\user), IMCTL_BIND_DN or "bindDn" in the config file.',
      'no-bind-dn',
    );
  for (let attempt = 1; ; attempt++) {
    try {
      await client.bind(bindDn, await password.get());
      return bindDn;
    } catch (error) {
      const translated = translateError(error, { server: endpoint.host, doing: 'connecting', caFile: settings.caFile });
      if (translated.reason !== 'bad-password') throw error;
      const origin = passwordOrigin(settings);
      // Typed at the prompt: a typo, so ask again (three tries, as a logon screen gives; AD lockout thresholds are higher).
      if (origin === undefined && attempt < PROMPT_TRIES) {
        warn(
          `The password for ${bindDn} is wrong; try again (${PROMPT_TRIES - attempt} ${PROMPT_TRIES - attempt === 1 ? 'try' : 'tries'} left).`,
        );
        password.forget();
        continue;
      }
      throw new DirectoryError(
        `The password for the bind account is wrong: ${origin ?? `typed at the prompt (${PROMPT_TRIES} tries)`}. Check it, or whether the account ${bindDn} is the right one.`,
        'bad-password',
        49,
      );
    }
  }
}
