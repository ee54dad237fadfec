/**
 * The file checks on Windows, simulated (issue 34, item 3): the real openOwnedFile, config merge,
 * password-file reader and private-file writer run with a win32 Platform — no uid, no
 * O_NOFOLLOW, case-insensitive paths — whose FileSecurityPort answers with security descriptors
 * written in SDDL, as Get-Acl's `.Sddl` would on a Windows workstation. Before, none of these
 * checks ran on Windows (process.getuid is undefined there). A junction is played by a symbolic
 * link: Node's lstat reports both as links, and with no O_NOFOLLOW the open follows either.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergedConfig } from '../../src/config/config-trust.js';
import { openOwnedFile, UnsafeFileError } from '../../src/io/owned-file.js';
import { readPasswordFile } from '../../src/io/password-file.js';
import { openPrivateFile } from '../../src/io/private-file.js';
import { windowsPlatform, type FileSecurityPort } from '../../src/platform/platform.js';

const USER = 'S-1-5-21-1004336348-1177238915-682003330-1104';
const OTHER = 'S-1-5-21-1004336348-1177238915-682003330-1105';
/** What a file or folder in the user's profile has: owner the user, full control for SYSTEM, Administrators and the user. */
const OWN = `O:${USER}G:${USER}D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;${USER})`;

/** A port that answers from a table of SDDL by path (anything not listed: OWN), and records what it protected. */
function fakeSecurity(sddl: Record<string, string> = {}): FileSecurityPort & { protected: string[] } {
  return {
    protected: [],
    describe: (paths) => ({ user: USER, descriptors: paths.map((path) => sddl[path] ?? OWN) }),
    protect(path) {
      this.protected.push(path);
      sddl[path] = OWN;
    },
  };
}

const root = realpathSync(mkdtempSync(join(tmpdir(), 'imctl-win-')));
let n = 0;
/** A file with `text` in a new folder of its own. */
function file(name: string, text = '{}'): string {
  const path = join(root, `d${++n}`, name);
  mkdirSync(dirname(path));
  writeFileSync(path, text);
  return path;
}

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'not refused';
};

describe('a config file on Windows (owner and DACL of the file and its folders)', () => {
  it("the user's own, owner-only, is read", () => {
    const path = file('config.json', '{"url": "ldaps://dc1.corp.example.com"}');
    const platform = windowsPlatform(fakeSecurity());
    expect(mergedConfig([{ path, trust: 'user' }], root, platform).file.url).toBe('ldaps://dc1.corp.example.com');
  });

  it.each([
    ['Users may modify it', '(A;;0x1301bf;;;BU)', 'Users can change it'],
    ['Everyone has full control', '(A;;FA;;;WD)', 'Everyone can change it'],
    ['Authenticated Users may write', '(A;;FW;;;AU)', 'Authenticated Users can change it'],
    [
      'Domain Users may append',
      `(A;;0x4;;;S-1-5-21-1004336348-1177238915-682003330-513)`,
      'Domain Users can change it',
    ],
  ])("the user's own is refused when %s", (_what, ace, why) => {
    const path = file('config.json');
    const platform = windowsPlatform(fakeSecurity({ [path]: `${OWN}${ace}` }));
    expect(refusal(() => mergedConfig([{ path, trust: 'user' }], root, platform))).toBe(
      `Refusing the config file ${path}: ${why} (its DACL allows them to write). Make it and its folders yours and not writable by others (chmod go-w; on Windows, no write access for Users or Everyone).`,
    );
  });

  it('inherit-only and deny ACEs grant nothing to the file itself; read access for Users is fine for a config', () => {
    const path = file('config.json');
    const sddl = `O:${USER}D:AI(A;OICIIO;FA;;;BU)(D;;FA;;;WD)(A;ID;FR;;;BU)(A;;FA;;;${USER})`;
    expect(() => openOwnedFile(path, 'refuse', windowsPlatform(fakeSecurity({ [path]: sddl })))).not.toThrow();
  });

  it('a file another account owns, or one with no DACL, is refused', () => {
    const path = file('config.json');
    const theirs = windowsPlatform(fakeSecurity({ [path]: `O:${OTHER}D:P(A;;FA;;;${OTHER})` }));
    expect(refusal(() => openOwnedFile(path, 'refuse', theirs))).toBe(`it belongs to another account (${OTHER})`);
    const open = windowsPlatform(fakeSecurity({ [path]: `O:${USER}` }));
    expect(refusal(() => openOwnedFile(path, 'refuse', open))).toBe(
      'Everyone (the object has no DACL) can change it (its DACL allows them to write)',
    );
  });

  it("a project's imctl.json in a folder Users can add files to is ignored, with a warning", () => {
    const path = file('imctl.json', '{"url": "ldaps://evil.example.com"}');
    const platform = windowsPlatform(fakeSecurity({ [dirname(path)]: `${OWN}(A;OICI;0x1301bf;;;BU)` }));
    const merged = mergedConfig([{ path, trust: 'project' }], dirname(path), platform);
    expect(merged.file.url).toBeUndefined();
    expect(merged.warnings).toEqual([
      `Ignoring ${path}: Users can add or replace files in the folder ${dirname(path)}. Give it with --config if you mean to use it.`,
    ]);
  });

  it('above the file, a folder where others may only create (C:\\ and Authenticated Users) is allowed; one where they may delete children is not', () => {
    const path = file('imctl.json');
    const parent = dirname(dirname(path));
    const creatable = `${OWN}(A;;0x4;;;AU)(A;OICIIO;SDGXGWGR;;;AU)`;
    expect(() => openOwnedFile(path, 'refuse', windowsPlatform(fakeSecurity({ [parent]: creatable })))).not.toThrow();
    const deletable = windowsPlatform(fakeSecurity({ [parent]: `${OWN}(A;;0x40;;;WD)` }));
    expect(refusal(() => openOwnedFile(path, 'refuse', deletable))).toBe(
      `Everyone can rename or replace what is in the folder ${parent}`,
    );
  });

  it('a junction (a link) at the name of a project file is refused, though Windows has no O_NOFOLLOW', () => {
    const target = file('real.json');
    const link = join(root, `d${++n}`, 'imctl.json');
    mkdirSync(dirname(link));
    symlinkSync(target, link);
    const platform = windowsPlatform(fakeSecurity());
    expect(platform.noFollow).toBe(0);
    expect(refusal(() => openOwnedFile(link, 'refuse', platform))).toBe(
      'it is a symbolic link, which imctl does not follow here (give the file itself)',
    );
    const merged = mergedConfig([{ path: link, trust: 'project' }], dirname(link), platform);
    expect(merged.warnings[0]).toMatch(/^Ignoring .*imctl\.json: it is a symbolic link/);
  });

  it('trusted folders compare the Windows way: another letter case is the same folder', () => {
    const project = file('imctl.json', '{"caFile": "ca.pem"}');
    const user = file('config.json', JSON.stringify({ trustedFolders: [dirname(project).toUpperCase()] }));
    // On this case-sensitive disk the upper-case spelling resolves to nothing and stays as written:
    // only a case-insensitive comparison finds it the same folder, as NTFS does.
    const platform = windowsPlatform(fakeSecurity(), realpathSync);
    const found = [
      { path: user, trust: 'user' as const },
      { path: project, trust: 'project' as const },
    ];
    const merged = mergedConfig(found, dirname(project), platform);
    expect(merged.warnings).toEqual([]);
    expect(merged.file.caFile).toBe(join(dirname(project), 'ca.pem'));
  });
});

describe('a password file on Windows', () => {
  it('owner-only, is read', () => {
    const path = file('bind.password', 'S3cret-pass\r\n');
    expect(readPasswordFile(path, windowsPlatform(fakeSecurity()))).toBe('S3cret-pass');
  });

  it.each([
    ['Users (a group) may read it', '(A;;FR;;;BU)', 'Users can read it'],
    ['Domain Users may read it', '(A;;0x120089;;;S-1-5-21-1-2-3-513)', 'Domain Users can read it'],
    ['Everyone has generic read', '(A;;GR;;;WD)', 'Everyone can read it'],
  ])('is refused when %s', (_what, ace, why) => {
    const path = file('bind.password', 'S3cret-pass');
    const platform = windowsPlatform(fakeSecurity({ [path]: `${OWN}${ace}` }));
    expect(refusal(() => readPasswordFile(path, platform))).toBe(
      `Refusing the password file ${path}: ${why} (its DACL allows them to); leave only your own access to it (icacls FILE /inheritance:r /grant:r %USERNAME%:F), and if others could read it, consider the password exposed.`,
    );
  });
});

describe('a file imctl writes on Windows (report, LDIF)', () => {
  it('gets a protected, owner-only DACL before anything is written', () => {
    const path = join(root, `d${++n}-report.csv`);
    const security = fakeSecurity({ [path]: `${OWN}(A;ID;FR;;;BU)` }); // what it would inherit
    openPrivateFile(path, 'the report', 'report-path', windowsPlatform(security));
    expect(security.protected).toEqual([path]);
  });

  it('is refused when a broad group can still read it after protecting (an ACE icacls left)', () => {
    const path = join(root, `d${++n}-report.csv`);
    const security = fakeSecurity();
    security.protect = () => undefined; // the explicit Users ACE stays
    const platform = windowsPlatform({
      ...security,
      describe: () => ({ user: USER, descriptors: [`${OWN}(A;;FR;;;BU)`] }),
    });
    expect(refusal(() => openPrivateFile(path, 'the report', 'report-path', platform))).toBe(
      `Cannot write the report to ${path}: Users can read it (its DACL allows them to); choose another path.`,
    );
  });

  it('a link (a junction) at its name is not followed', () => {
    const path = join(root, `d${++n}-report.csv`);
    symlinkSync(join(root, 'elsewhere.csv'), path);
    expect(refusal(() => openPrivateFile(path, 'the report', 'report-path', windowsPlatform(fakeSecurity())))).toMatch(
      /^Cannot write the report to .*: it is a symbolic link, which imctl does not follow/,
    );
  });
});

describe('UnsafeFileError', () => {
  it('is what openOwnedFile throws for a Windows refusal (config-trust turns it into a refusal or a warning)', () => {
    const path = file('config.json');
    const platform = windowsPlatform(fakeSecurity({ [path]: `${OWN}(A;;FA;;;WD)` }));
    expect(() => openOwnedFile(path, 'resolve', platform)).toThrow(UnsafeFileError);
  });
});
