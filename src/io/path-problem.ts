/**
 * What is wrong with a path the admin gave, as the end of one sentence ("Cannot read the CA file
 * /x: it does not exist."), instead of a raw ENOENT or EISDIR.
 */
export function pathProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'ENOTDIR':
      return 'it does not exist (a part of the path is not a directory)';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
