/**
 * What every command receives: merged settings, the output edge, a lazily opened directory,
 * and the run's abort signal (Ctrl-C). Commands never reach for process globals themselves.
 */
import { UsageError } from '../core/errors.js';
import type { Settings } from '../config/settings.js';
import type { Directory } from '../directory/connection.js';
import { Output } from '../ui/output.js';
import { passwordSource } from './password.js';

export interface Context {
  settings: Settings;
  out: Output;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Connect, TLS, bind and read the RootDSE; once per run. */
  directory(): Promise<Directory>;
}

export function createContext(settings: Settings, out: Output, env: NodeJS.ProcessEnv, signal: AbortSignal): Context & { close(): Promise<void> } {
  let opened: Promise<Directory> | undefined;
  return {
    settings,
    out,
    env,
    signal,
    directory() {
      opened ??= openDirectory(settings, out, env);
      return opened;
    },
    async close() {
      if (opened) await opened.then((d) => d.close()).catch(() => undefined);
    },
  };
}

async function openDirectory(settings: Settings, out: Output, env: NodeJS.ProcessEnv): Promise<Directory> {
  const { Directory, endpointsFromUrls } = await import('../directory/connection.js');
  if (settings.insecureTls) out.warn('--insecure-tls: the domain controller\'s certificate is not verified; anyone on the path can read the password.');
  let endpoints = endpointsFromUrls(settings.urls, settings.startTls);
  if (endpoints.length === 0 && settings.domain) {
    const { locateDomainControllers } = await import('../directory/locator.js');
    endpoints = await locateDomainControllers(settings.domain, settings, out);
  }
  if (endpoints.length === 0) {
    throw new UsageError('No domain controller to talk to: give --url (or IMCTL_URL, or "url" in the config file), or --domain to find DCs by DNS.', 'no-url');
  }
  const prompt = async (message: string) => {
    const { password } = await import('@inquirer/prompts');
    return password({ message, mask: false }, { output: process.stderr });
  };
  const directory = await Directory.open({
    settings,
    endpoints,
    password: passwordSource(settings, env, out.interactive, prompt),
    log: (message) => out.debug(message),
    warn: (message) => out.warn(message), // issue 16: a mid-run failover to another DC
  });
  out.debug(`using ${directory.label}; base ${directory.baseDn}`);
  return directory;
}
