/**
 * Opening the import file (or standing a stream in for it, for `import -`), and a failed open or
 * read as one sentence for the admin.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { ImportFileError } from './import-file-error.js';

/** The little of a FileHandle that reading needs, so a stream can stand in for a file. */
export type Source = Pick<FileHandle, 'createReadStream' | 'close'>;

export function streamSource(input: NodeJS.ReadableStream): Source {
  return { createReadStream: () => input, close: async () => undefined } as unknown as Source;
}

export function describeOpenError(path: string, err: unknown): ImportFileError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new ImportFileError('not-found', path, `${path} does not exist; check the file name.`, { cause: err });
    case 'ENOTDIR':
      return new ImportFileError('not-found', path, `${path} does not exist (a part of the path is not a directory).`, {
        cause: err,
      });
    case 'EISDIR':
      return new ImportFileError('not-a-file', path, `${path} is a directory, not a CSV file.`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new ImportFileError('unreadable', path, `${path} cannot be read: permission denied.`, { cause: err });
    default: {
      const detail = err instanceof Error ? err.message : String(err);
      return new ImportFileError('unreadable', path, `${path} cannot be read: ${detail}.`, { cause: err });
    }
  }
}

export async function openImportFile(path: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw describeOpenError(path, err);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) {
      throw new ImportFileError('not-a-file', path, `${path} is a directory, not a CSV file.`);
    }
    // Regular files, and pipes so that `imctl import <(generate-rows)` works.
    if (!st.isFile() && !st.isFIFO()) {
      throw new ImportFileError('not-a-file', path, `${path} is not a regular file.`);
    }
    return fh;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err instanceof ImportFileError ? err : describeOpenError(path, err);
  }
}
