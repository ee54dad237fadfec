/**
 * The single executable's Kerberos addon (src/directory/kerberos-addon.ts), run here with Node's
 * SEA module faked: the embedded asset is the built `kerberos` package's addon. A `kerberos.node`
 * that another user put beside the executable (a shared tools folder) must not be loaded.
 */
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { embeddedKerberos } from '../../src/directory/kerberos-addon.js';
import { compiler, plantLibrary } from '../support/planted-library.js';

const built = join(import.meta.dirname, '..', '..', 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node');
/** Node as a single executable holding the built addon, at `execPath`. */
function asSingleExecutable(execPath: string): void {
  const asset = new Uint8Array(readFileSync(built)).buffer;
  const sea = { isSea: () => true, getAsset: (key: string) => (key === 'kerberos.node' ? asset : undefined) };
  vi.spyOn(process, 'execPath', 'get').mockReturnValue(execPath);
  const real = process.getBuiltinModule.bind(process);
  vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) =>
    id === 'node:sea' ? sea : real(id)) as typeof process.getBuiltinModule);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the embedded Kerberos addon', () => {
  it.runIf(existsSync(built) && compiler && process.platform === 'linux')(
    'a kerberos.node planted beside the executable is not loaded: the embedded one is, from a private folder',
    () => {
      const tools = mkdtempSync(join(tmpdir(), 'imctl-shared-tools-'));
      const marker = join(tools, 'planted-ran');
      plantLibrary(join(tools, 'kerberos.node'), marker);
      // planted by another user (nobody), where this test runs as root
      if (process.getuid?.() === 0) chownSync(join(tools, 'kerberos.node'), 65534, 65534);
      asSingleExecutable(join(tools, 'imctl-linux-x64'));

      let loaded: ReturnType<typeof embeddedKerberos>;
      try {
        loaded = embeddedKerberos();
      } finally {
        expect(existsSync(marker), 'the planted library ran').toBe(false);
      }
      expect(typeof (loaded?.module as { initializeClient?: unknown }).initializeClient).toBe('function');
      // -v says which addon and where it was written; that private folder is gone once loaded.
      const path = /loaded from (\S+)/.exec(loaded!.source)![1]!;
      expect(loaded!.source).toMatch(/^the addon embedded in this executable/);
      expect(path).toMatch(new RegExp(`^${tmpdir()}/imctl-kerberos-\\w+/kerberos\\.node$`));
      expect(existsSync(dirname(path))).toBe(false);
    },
  );

  it.runIf(existsSync(built) && process.platform === 'linux')(
    'Windows (simulated: a folder to keep it in): loaded from the user cache, kept and reused, nothing left in the temp folder',
    () => {
      asSingleExecutable(join(mkdtempSync(join(tmpdir(), 'imctl-tools-')), 'imctl-win32-x64.exe'));
      const keep = join(mkdtempSync(join(tmpdir(), 'imctl-localappdata-')), 'imctl', 'cache', 'kerberos');
      vi.stubEnv('TMPDIR', mkdtempSync(join(tmpdir(), 'imctl-temp-'))); // a temp folder no other test run shares
      const temporary = () =>
        readdirSync(tmpdir())
          .filter((name) => name.startsWith('imctl-kerberos-'))
          .sort();
      const before = temporary();
      const first = embeddedKerberos(undefined, keep)!;
      const path = /loaded from (\S+)/.exec(first.source)![1]!;
      expect(path).toMatch(new RegExp(`^${keep}/kerberos-[0-9a-f]{16}\\.node$`));
      expect(first.source).toMatch(/\(kept for the next run\)$/);
      expect(readFileSync(path).equals(readFileSync(built))).toBe(true);
      const written = statSync(path).mtimeMs;
      expect(embeddedKerberos(undefined, keep)!.source).toBe(first.source); // the next run reuses it
      expect(statSync(path).mtimeMs).toBe(written);
      expect(readdirSync(keep)).toEqual([basename(path)]);
      expect(temporary()).toEqual(before);
    },
  );

  it('is not looked for outside a single executable', () => {
    expect(embeddedKerberos()).toBeUndefined();
  });
});
