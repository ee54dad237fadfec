/**
 * Recognising, from its first bytes, an import file that is clearly not UTF-8 CSV: UTF-16 text,
 * a spreadsheet workbook, binary data.
 */
import { ImportFileError } from './import-file-error.js';

/**
 * An executable, an image, an archive: many control bytes in the first 8 KiB. (A stray NUL in a
 * row is that row's problem; UTF-16 without a BOM — NUL in every other byte — is named per row.)
 */
function looksBinary(chunk: Buffer): boolean {
  const sample = chunk.subarray(0, 8192);
  let controls = 0;
  const nul = [0, 0];
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0) nul[i % 2]!++;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) controls++;
  }
  const half = sample.length / 2;
  const utf16 = (nul[0]! > half * 0.6 && nul[1]! < half * 0.1) || (nul[1]! > half * 0.6 && nul[0]! < half * 0.1);
  return !utf16 && controls > Math.max(8, sample.length * 0.1);
}

/** Recognise files that are clearly not UTF-8 CSV from their first bytes. */
export function sniff(chunk: Buffer, path: string): ImportFileError | undefined {
  const b0 = chunk[0];
  const b1 = chunk[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    return new ImportFileError(
      'wrong-encoding',
      path,
      `${path} is UTF-16 text; save it as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)").`,
    );
  }
  const magic = chunk.subarray(0, 4).toString('hex');
  if (magic === '504b0304' || magic === 'd0cf11e0') {
    return new ImportFileError(
      'not-csv',
      path,
      `${path} is a spreadsheet workbook, not CSV; save it as "CSV UTF-8 (Comma delimited)" and import that file.`,
    );
  }
  if (looksBinary(chunk)) {
    return new ImportFileError(
      'not-csv',
      path,
      `${path} is not a text file (it holds binary data); imctl imports CSV text, UTF-8, one row per user.`,
    );
  }
  return undefined;
}
