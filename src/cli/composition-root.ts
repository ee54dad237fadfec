/**
 * The composition root: builds the Context every command receives from the settings, the output
 * edge and a lazily opened directory — LDAP unless the caller hands in another factory (the unit
 * tests' in-memory directory). Commands never reach for process globals or ldapts.
 */
import type { Settings } from '../config/settings.js';
import type { Context } from '../commands/command-context.js';
import type { DirectoryPort } from '../services/directory-port.js';
import type { Output } from '../ui/output.js';
import { withCompactHeap, withLeanHeap } from './heap-mode.js';
import { passwordSource } from './password.js';

export type { Context };

/** Opens the run's directory, once, when a command first asks for it. */
export type OpenDirectory = (
  settings: Settings,
  out: Output,
  env: NodeJS.ProcessEnv,
) => Promise<DirectoryPort & { close(): Promise<void> }>;

export function createContext(
  settings: Settings,
  out: Output,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  openDirectory: OpenDirectory = openLdap,
  os: NodeJS.Platform = process.platform,
  commandLine?: readonly string[],
): Context & { close(): Promise<void> } {
  let opened: Promise<DirectoryPort & { close(): Promise<void> }> | undefined;
  return {
    settings,
    out,
    env,
    signal,
    os,
    commandLine,
    whilePlanning: withCompactHeap,
    whileStreaming: withLeanHeap,
    directory() {
      opened ??= openDirectory(settings, out, env);
      return opened;
    },
    async close() {
      if (opened) await opened.then((d) => d.close()).catch(() => undefined);
    },
  };
}

const openLdap: OpenDirectory = async (settings, out, env) => {
  const { openLdapDirectory } = await import('../directory/ldap-directory.js');
  if (settings.auth === 'kerberos' && settings.bindDn && settings.sources.bindDn !== 'default') {
    out.warn(
      `--auth kerberos signs in as the ticket's principal: the bind account ${settings.bindDn} (${settings.sources.bindDn}) is not used.`,
    );
  }
  if (settings.insecureTls)
    out.warn(
      "--insecure-tls: the domain controller's certificate is not verified, so anyone on the network path can pose as the DC: they get the password and can read and change everything in this session.",
    );
  const prompt = async (message: string) => {
    const { password } = await import('@inquirer/prompts');
    return password({ message, mask: false }, { input: out.streams.stdin, output: out.streams.stderr });
  };
  return openLdapDirectory(settings, {
    password: passwordSource(settings, env, out.interactive, prompt),
    log: (message) => out.debug(message),
    warn: (message) => out.warn(message),
  });
};
