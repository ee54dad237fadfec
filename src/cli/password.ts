/**
 * Where the bind password comes from: IMCTL_PASSWORD, a password file, or a hidden prompt on a
 * terminal. There is deliberately no password flag (argv is visible to every user of the host).
 */
import { UsageError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import type { Settings } from '../config/settings.js';
import { readPasswordFile } from '../io/password-file.js';

export function passwordSource(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  interactive: boolean,
  prompt: (message: string) => Promise<string>,
): () => Promise<string> {
  return async () => {
    if (settings.passwordFromEnv && env.IMCTL_PASSWORD) return env.IMCTL_PASSWORD;
    if (settings.passwordFile) return readPasswordFile(settings.passwordFile);
    if (interactive) {
      const typed = await prompt(`Password for ${settings.bindDn ?? 'the bind account'}:`);
      registerSecret(typed);
      return typed;
    }
    throw new UsageError(
      'No password: set IMCTL_PASSWORD or IMCTL_PASSWORD_FILE, or give --password-file (on a terminal imctl asks).',
      'no-password',
    );
  };
}
