/**
 * The `kerberos` addon inside the single executable (issue 20): it has no node_modules, so
 * `scripts/build-exe.mjs` embeds the built `kerberos.node` as a SEA asset. At the first Kerberos
 * bind it is written to a private temporary folder and loaded with `process.dlopen`. Only that one:
 * a `kerberos.node` beside the executable used to be loaded instead, and in a shared tools folder
 * anyone who could write there ran code as the admin (issue 29).
 * The addon's functions take callbacks; the package's JavaScript, which turns them into promises,
 * is not embedded, so the few calls imctl makes are promisified here.
 *
 * The addon links to the system's GSS-API library (MIT krb5's libgssapi_krb5.so.2 on Linux): when
 * it is missing, one sentence names the package to install.
 *
 * Windows cannot delete a DLL that is loaded (EPERM): removing the temporary copy failed with a
 * stack trace and left a folder in %TEMP% on every run. There the addon is kept instead, one copy
 * per version (named by its SHA-256) in the user's own cache folder, and reused.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryError } from '../core/errors.js';
import { privateFolder } from '../io/owned-file.js';
import { cacheDir, hostHome } from '../platform/paths.js';

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

/**
 * The addon as the `kerberos` package's API (what gssapi-bind uses), with where it was loaded
 * from (for -v), or undefined outside a single executable.
 */
export function embeddedKerberos(
  sea = seaModule(),
  keepIn: string | undefined = process.platform === 'win32' ? join(cacheDir(hostHome()), 'kerberos') : undefined,
): { module: unknown; source: string } | undefined {
  if (!sea?.isSea()) return undefined;
  const { native, path } = loadNative(sea, keepIn);
  const module = {
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
  const after = keepIn === undefined ? 'removed once loaded' : 'kept for the next run';
  return { module, source: `the addon embedded in this executable, loaded from ${path} (${after})` };
}

function seaModule(): SeaModule | undefined {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return getBuiltin?.('node:sea') as SeaModule | undefined;
  } catch {
    return undefined;
  }
}

function loadNative(sea: SeaModule, keepIn: string | undefined): { native: NativeModule; path: string } {
  let asset: ArrayBuffer;
  try {
    asset = sea.getAsset(ADDON_ASSET);
  } catch {
    throw new DirectoryError(
      `This imctl executable was built without Kerberos (the "kerberos" package was not built where it was made): use an executable built with it, or an npm install of imctl.`,
      'kerberos-unavailable',
    );
  }
  const bytes = new Uint8Array(asset);
  const module = { exports: {} as NativeModule };
  if (keepIn !== undefined) {
    let path: string;
    try {
      path = keptCopy(keepIn, bytes);
      process.dlopen(module, path);
    } catch (error) {
      throw addonLoadError(error);
    }
    return { native: module.exports, path };
  }
  const scratch = temporaryFolder();
  const path = join(scratch, ADDON_ASSET);
  try {
    writeNew(path, bytes);
    process.dlopen(module, path);
  } catch (error) {
    throw addonLoadError(error);
  } finally {
    // Loaded (or not): the mapping stays, the file is not needed any more.
    rmSync(scratch, { recursive: true, force: true });
  }
  return { native: module.exports, path };
}

/** Exclusive and no symlink: the file is the one written here, whatever else is in the folder. */
function writeNew(path: string, bytes: Uint8Array): void {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o700,
  );
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * The addon's copy in `folder` (a folder of the user's own, checked like the journal folder),
 * named by its digest: reused while its bytes are the embedded ones, else written anew beside it
 * and renamed into place. A copy another imctl has loaded cannot be replaced on Windows: the new
 * one is then loaded from its own name.
 */
function keptCopy(folder: string, bytes: Uint8Array): string {
  const dir = privateFolder(folder);
  const path = join(dir, `kerberos-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.node`);
  try {
    if (Buffer.from(bytes).equals(readFileSync(path))) return path;
  } catch {
    // not there yet
  }
  const fresh = `${path}.${process.pid}.tmp`;
  rmSync(fresh, { force: true });
  writeNew(fresh, bytes);
  try {
    renameSync(fresh, path);
    return path;
  } catch {
    return fresh;
  }
}

/** A new folder only this user can enter (mkdtemp makes it 0700; checked, as TMPDIR may be anywhere). */
function temporaryFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'imctl-kerberos-'));
  const stat = lstatSync(dir);
  const posix = process.platform !== 'win32'; // Windows: the profile's ACL, no uid or mode bits
  if (!stat.isDirectory() || (posix && (stat.uid !== process.getuid?.() || (stat.mode & 0o077) !== 0))) {
    rmSync(dir, { recursive: true, force: true });
    throw new DirectoryError(
      `The temporary folder ${dir} for the Kerberos addon is not private (owner ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}): set TMPDIR to a folder of your own.`,
      'kerberos-unavailable',
    );
  }
  return dir;
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
