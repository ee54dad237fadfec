/**
 * One config file: read (size-checked), parsed and checked against the option registry's config
 * keys and kinds, its relative paths made absolute against its own folder.
 */
import { pathProblem } from '../io/path-problem.js';
import { closeSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { hostPlatform } from '../platform/platform.js';
import { openNamedFile, openOwnedFile, readUpTo, UnsafeFileError, type OpenedFile } from '../io/owned-file.js';
import type { ConfigTrust } from './config-discovery.js';
import { hasCredentials, splitUrls } from './ldap-urls.js';
import { CONFIG_BOUNDS, CONFIG_KINDS, type ConfigFile } from './option-registry.js';
import { MAX_TIMEOUT_SECONDS } from '../core/limits.js';
import { didYouMean } from '../core/suggest.js';
import { parseSyncConfig } from './sync-rules.js';

/** A config file is a few hundred bytes; anything near this is the wrong file. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * A config file's keys checked against the registry. What the admin should be told about the file
 * (a retired key read as its replacement) is added to `warnings`.
 */
export function parseConfigFile(path: string, text: string, warnings: string[] = []): ConfigFile {
  let data: unknown;
  try {
    // Notepad saves UTF-8 with a BOM; JSON.parse does not accept one.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // Never quote the file: V8's message carries a piece of it, and a file given as --config by
    // mistake may hold a password (or control characters that would reach the terminal).
    throw new UsageError(
      `The config file ${path} is not valid JSON${jsonErrorWhere(text, error)}; check it with a JSON validator.`,
      'config',
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`The config file ${path} must hold a JSON object.`, 'config');
  }
  readRetiredTimeout(path, data as Record<string, unknown>, warnings);
  for (const [key, value] of Object.entries(data)) {
    // Own keys only: "constructor" or "__proto__" must be unknown keys, not Object.prototype's.
    const kind = Object.hasOwn(CONFIG_KINDS, key) ? CONFIG_KINDS[key as keyof ConfigFile] : undefined;
    const bad = (want: string) =>
      new UsageError(`The config file ${path}: ${JSON.stringify(key)} must be ${want}.`, 'config');
    switch (kind) {
      case undefined:
        throw new UsageError(
          `The config file ${path} has an unknown key ${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}.${didYouMean(key.slice(0, 64), Object.keys(CONFIG_KINDS))} Known: ${Object.keys(CONFIG_KINDS).join(', ')}.`,
          'config',
        );
      case 'string':
      case 'path':
      case 'im-domain':
        if (typeof value !== 'string' || value.length === 0) throw bad('a non-empty string');
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw bad('true or false');
        break;
      case 'number': {
        // The flag's bounds, said with the file's name: a value out of them is refused as the flag refuses it.
        const { min, max } = CONFIG_BOUNDS[key as keyof ConfigFile] ?? { min: 0, max: Number.MAX_SAFE_INTEGER };
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
          throw bad(`a whole number from ${min} to ${max}`);
        break;
      }
      case 'url':
        if (!(typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))))
          throw bad('a URL or a list of URLs');
        // A password in a URL is a password in the file: refused even when --url or IMCTL_URL overrides it.
        if (splitUrls(value as string | string[]).some(hasCredentials))
          throw bad('URLs without a user name or password (give those with "bindDn" and "passwordFile")');
        break;
      case 'hosts':
        if (!(
          (typeof value === 'string' && value.trim() !== '') ||
          (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== ''))
        ))
          throw bad('a server ("10.0.0.53" or "dc1.corp.example.com:53") or a list of them, tried in order');
        break;
      case 'sync':
        (data as Record<string, unknown>)[key] = parseSyncConfig(path, value);
        break;
      case 'paths':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0))
          throw bad('a list of folder paths');
        break;
      case 'servers':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('an object of server names');
        for (const [name, server] of Object.entries(value as Record<string, unknown>)) {
          const keys =
            typeof server === 'object' && server !== null && !Array.isArray(server) ? Object.keys(server) : undefined;
          const capacity = (server as { capacity?: unknown } | null)?.capacity;
          // A typo such as "capcity" would silently fall back to the global capacity: refuse it.
          if (
            !keys ||
            keys.some((k) => k !== 'capacity') ||
            typeof capacity !== 'number' ||
            !Number.isInteger(capacity) ||
            capacity < 0
          )
            throw bad(
              `{ "<name>": { "capacity": N } } (bad entry ${JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name)})`,
            );
        }
        break;
    }
  }
  return data as ConfigFile;
}

/**
 * "timeoutMs" was the timeout in milliseconds until the config file took seconds, as the flag does:
 * an old file still works, read as "timeout" in whole seconds (rounded up), with a warning to
 * rewrite it; beside "timeout" it is ignored, with a warning too.
 */
function readRetiredTimeout(path: string, data: Record<string, unknown>, warnings: string[]): void {
  if (!Object.hasOwn(data, 'timeoutMs')) return;
  const ms = data.timeoutMs;
  delete data.timeoutMs;
  if (data.timeout !== undefined) {
    warnings.push(`Ignoring "timeoutMs" in ${path}: "timeout" (in seconds) is set there too. Remove "timeoutMs".`);
    return;
  }
  const maxMs = MAX_TIMEOUT_SECONDS * 1000;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > maxMs)
    throw new UsageError(
      `The config file ${path}: "timeoutMs" must be a whole number from 1 to ${maxMs} (better: "timeout", in seconds).`,
      'config',
    );
  data.timeout = Math.ceil(ms / 1000);
  warnings.push(
    `"timeoutMs" in ${path} is deprecated: it is read as "timeout": ${String(data.timeout)} (in seconds, as --timeout takes it). Write that instead; a later version will refuse "timeoutMs".`,
  );
}

const isDevice = (stat: Stats) => stat.isCharacterDevice() || stat.isBlockDevice();

/** The null device itself (by its device number), whatever name reached it: /dev/null, a link to it. */
function isNullDevice(stat: Stats): boolean {
  if (!stat.isCharacterDevice()) return false;
  try {
    const nul = statSync('/dev/null');
    return nul.isCharacterDevice() && nul.rdev === stat.rdev;
  } catch {
    return false; // no /dev/null (Windows): nothing is it
  }
}

/** " at line L, column C" from a JSON.parse error that gives a position, else "". */
function jsonErrorWhere(text: string, error: unknown): string {
  const position = /at position (\d+)/.exec((error as Error)?.message ?? '')?.[1];
  if (position === undefined)
    return /end of JSON input/.test((error as Error)?.message ?? '') ? ' (it ends too early)' : '';
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(position));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (at line ${line}, column ${column})`;
}

/**
 * Read and parse one config file, with its relative paths made absolute against its own folder.
 * Opened once and read from that descriptor: the file named by --config as it is (anything the
 * user names, a pipe included); the user's own and a project's only if they and their folders are
 * the user's alone (UnsafeFileError otherwise: config-trust.ts refuses or ignores the file), and a
 * project's never through a link (it may come with a cloned repository).
 */
export function readConfigFile(
  path: string,
  trust: ConfigTrust = 'explicit',
  platform = hostPlatform(),
  warnings: string[] = [],
): ConfigFile {
  let text: string;
  let opened: OpenedFile | undefined;
  try {
    opened =
      trust === 'explicit'
        ? openNamedFile(path)
        : openOwnedFile(path, trust === 'user' ? 'resolve' : 'refuse', platform);
    const tooBig = (size: number) =>
      new UsageError(
        `The config file ${path} is ${(size / 1024 / 1024).toFixed(1)} MB; an imctl config file is a small JSON object: is this the right file?`,
        'config',
      );
    // --config /dev/null: no config file at all (as ssh -F /dev/null), not "not valid JSON". Any
    // other device (a terminal, /dev/zero, a disk) is no config file; a pipe is read as a file.
    if (isDevice(opened.stat)) {
      if (isNullDevice(opened.stat)) return {};
      throw new UsageError(
        `The config file ${path} is a device, not a file: give a JSON file (or /dev/null for none).`,
        'config',
      );
    }
    if (opened.stat.size > MAX_CONFIG_BYTES) throw tooBig(opened.stat.size);
    const bytes = readUpTo(opened.fd, MAX_CONFIG_BYTES); // a pipe has no size until read
    if (bytes.length > MAX_CONFIG_BYTES) throw tooBig(bytes.length);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnsafeFileError) throw error;
    throw new UsageError(`Cannot read the config file ${path}: ${pathProblem(error)}.`, 'config');
  } finally {
    if (opened) closeSync(opened.fd);
  }
  const file = parseConfigFile(path, text, warnings);
  // Paths in a config file are relative to the file; `~/` means the home directory.
  const absolute = (value: string) =>
    value.startsWith('~/') ? join(homedir(), value.slice(2)) : resolve(join(path, '..'), value);
  const values = file as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    const kind = CONFIG_KINDS[key as keyof ConfigFile];
    if (kind === 'path') values[key] = absolute(value as string);
    if (kind === 'paths') values[key] = (value as string[]).map(absolute);
  }
  return file;
}
