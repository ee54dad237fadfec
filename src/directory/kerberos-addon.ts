/**
 * The `kerberos` addon inside the single executable (issue 20): it has no node_modules, so
 * `scripts/build-exe.mjs` embeds the built `kerberos.node` as a SEA asset. At the first Kerberos
 * bind it is written to a private temporary folder and loaded with `process.dlopen` — or, if a
 * `kerberos.node` sits beside the executable, that one is loaded instead (to use another build).
 * The addon's functions take callbacks; the package's JavaScript, which turns them into promises,
 * is not embedded, so the few calls imctl makes are promisified here.
 *
 * The addon links to the system's GSS-API library (MIT krb5's libgssapi_krb5.so.2 on Linux): when
 * it is missing, one sentence names the package to install.
 */
import { closeSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DirectoryError } from '../core/errors.js';
import { openOwnedFile } from '../io/owned-file.js';

/** Node's SEA module (Node ≥ 20.12), reached without a static import so the npm build never needs it. */
interface SeaModule {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

export const ADDON_ASSET = 'kerberos.node';

type Callback<T> = (error: Error | null, value: T) => void;
interface NativeClient {
  step(challenge: string, callback: Callback<string | null>): void;
  wrap(challenge: string, options: object, callback: Callback<string>): void;
  unwrap(challenge: string, callback: Callback<string>): void;
  readonly username: string | null;
  readonly contextComplete: boolean;
  readonly responseConf: number;
}
interface NativeModule {
  initializeClient(service: string, options: object, callback: Callback<NativeClient>): void;
}

const call = <T>(start: (callback: Callback<T>) => void): Promise<T> =>
  new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));

/** The GSS flag and mechanism numbers of the package's JavaScript (RFC 2744 and its own OID index). */
const CONSTANTS = {
  GSS_MECH_OID_KRB5: 9,
  GSS_C_MUTUAL_FLAG: 2,
  GSS_C_SEQUENCE_FLAG: 8,
  GSS_C_CONF_FLAG: 16,
  GSS_C_INTEG_FLAG: 32,
};

/** The addon as the `kerberos` package's API (what gssapi-bind uses), or undefined outside a single executable. */
export function embeddedKerberos(): unknown {
  const sea = seaModule();
  if (!sea?.isSea()) return undefined;
  const native = loadNative(sea);
  return {
    ...CONSTANTS,
    initializeClient: async (service: string, options: object) => {
      const client = await call<NativeClient>((cb) => native.initializeClient(service, options, cb));
      return {
        step: (challenge: string) => call<string | null>((cb) => client.step(challenge, cb)),
        wrap: (challenge: string, options: object) => call<string>((cb) => client.wrap(challenge, options, cb)),
        unwrap: (challenge: string) => call<string>((cb) => client.unwrap(challenge, cb)),
        get username() {
          return client.username;
        },
        get contextComplete() {
          return client.contextComplete;
        },
        get responseConf() {
          return client.responseConf;
        },
      };
    },
  };
}

function seaModule(): SeaModule | undefined {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return getBuiltin?.('node:sea') as SeaModule | undefined;
  } catch {
    return undefined;
  }
}

/**
 * The kerberos.node beside the executable, if there is one. Code runs from it, so it must be a file
 * only the user or root could have put there, in folders only they can change (src/io/owned-file.ts):
 * then no one else can swap it between this check and the load.
 */
export function addonBeside(execPath = process.execPath): string | undefined {
  const beside = join(dirname(execPath), ADDON_ASSET);
  if (!existsSync(beside)) return undefined;
  try {
    closeSync(openOwnedFile(beside, 'refuse').fd);
  } catch (error) {
    throw new DirectoryError(
      `Refusing to load ${beside}: ${(error as Error).message}. Remove it, or make it and its folders yours (or root's) and not writable by others.`,
      'kerberos-unavailable',
    );
  }
  return beside;
}

function loadNative(sea: SeaModule): NativeModule {
  let path = addonBeside();
  let scratch: string | undefined;
  if (!path) {
    let asset: ArrayBuffer;
    try {
      asset = sea.getAsset(ADDON_ASSET);
    } catch {
      throw new DirectoryError(
        `This imctl executable was built without Kerberos (the "kerberos" package was not built where it was made): put a kerberos.node beside it, or use an npm install of imctl.`,
        'kerberos-unavailable',
      );
    }
    scratch = mkdtempSync(join(tmpdir(), 'imctl-kerberos-'));
    path = join(scratch, ADDON_ASSET);
    writeFileSync(path, Buffer.from(asset), { mode: 0o700 });
  }
  const module = { exports: {} as NativeModule };
  try {
    process.dlopen(module, path);
  } catch (error) {
    throw addonLoadError(error);
  } finally {
    // Loaded (or not): the mapping stays, the file is not needed any more.
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return module.exports;
}

/** The dynamic loader's complaint, as what to install. */
export function addonLoadError(error: unknown): DirectoryError {
  const text = (error as Error)?.message ?? String(error);
  const library = /(lib(?:gssapi_krb5|krb5|k5crypto|krb5support|com_err)[\w.-]*\.so[\w.]*)/.exec(text)?.[1];
  if (library) {
    return new DirectoryError(
      `Kerberos sign-in needs the system's Kerberos libraries, and ${library} is not installed: on Debian or Ubuntu run "apt-get install libgssapi-krb5-2" (RHEL, Fedora: "dnf install krb5-libs"), then try again.`,
      'kerberos-unavailable',
    );
  }
  return new DirectoryError(
    `Kerberos sign-in is unavailable: the embedded Kerberos module did not load (${text.split('\n')[0]}).`,
    'kerberos-unavailable',
  );
}
