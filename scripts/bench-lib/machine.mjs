// @ts-check
// What the numbers were measured on: CPU, memory, versions, load.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { run } from './run.mjs';

const PATH = `${process.env.PATH}:/usr/sbin:/sbin`;

/**
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<string>}
 */
async function firstLine(command, args) {
  try {
    const r = await run(command, args, { env: { ...process.env, PATH } });
    return (
      `${r.stdout}${r.stderr}`
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.length > 0) ?? '?'
    );
  } catch {
    return '(not found)';
  }
}

export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

/** @param {string} repo */
export async function describeMachine(repo) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model =
    /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? /^Hardware\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? '?';
  const memKb = Number(/^MemTotal:\s*(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
  const nproc = (await firstLine('nproc', [])) || String(availableParallelism());
  const samba = await firstLine('samba', ['--version']);
  const openldap = (await firstLine('ldapsearch', ['-VV']))
    .replace(/^ldapsearch:\s*/, '')
    .replace(/^@\(#\)\s*\$?/, '')
    .replace(/\s*\$$/, '');
  const kernel = await firstLine('uname', ['-sr']);
  const commit = await firstLine('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']);
  const changed = (
    await run('git', ['-C', repo, 'status', '--porcelain', '--', 'src', 'bin', 'package.json', 'package-lock.json'])
  ).stdout
    .split('\n')
    .map((/** @type {string} */ l) => l.slice(3).trim())
    .filter(Boolean);
  const dirty = changed.length
    ? ` plus uncommitted changes to ${changed.slice(0, 8).join(', ')}${changed.length > 8 ? ` and ${changed.length - 8} more` : ''}`
    : '';
  return {
    nproc,
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    cpu: model,
    node: process.version,
    samba: samba.replace(/^Version\s+/i, ''),
    openldap,
    kernel,
    commit: `${commit}${dirty}`,
  };
}
