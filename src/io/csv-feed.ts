/**
 * Reading the import file into the parser: in chunks, with backpressure, checking the first bytes
 * (csv-sniff.ts) and stopping before a physical line longer than the limit.
 */
import { once } from 'node:events';
import { CHUNK_BYTES } from './csv-limits.js';
import type { TolerantParser } from './csv-parser.js';
import { sniff } from './csv-sniff.js';
import type { ImportFileError } from './import-file-error.js';
import { describeOpenError, type Source } from './import-file-open.js';

/** What the feeder found; shared with the consumer while both run. */
export interface FeedState {
  bytes: number;
  /** Physical line of a line longer than the limit; reading stopped before it. */
  overlongLine?: number;
  error?: ImportFileError;
}

/**
 * Read the file into the parser with backpressure. Stops (without ending the
 * parser) when `signal` aborts. Also guards against a physical line longer than
 * 2 × maxRecordBytes, which max_record_size alone misses when it is made of
 * delimiters (empty fields hold no content bytes but still build up a record):
 * the bytes before that line are passed on and the parser is ended.
 */
export async function feed(
  fh: Source,
  parser: TolerantParser,
  path: string,
  maxLineBytes: number,
  stats: { bytesRead: number },
  result: FeedState,
  signal: AbortSignal,
): Promise<void> {
  const stream = fh.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: false });
  let line = 1;
  let lineBytes = 0;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal.aborted) return;
      if (first) {
        first = false;
        result.error = sniff(chunk, path);
        if (result.error) {
          parser.destroy(result.error);
          return;
        }
      }
      result.bytes += chunk.length;
      stats.bytesRead = result.bytes;

      // Track physical line lengths.
      let pos = 0;
      let lineStart = 0; // offset in this chunk where the current line began (0 = earlier chunk)
      let cut = -1;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(0x0a, pos);
        const end = nl === -1 ? chunk.length : nl;
        lineBytes += end - pos;
        if (lineBytes > maxLineBytes) {
          cut = lineStart;
          break;
        }
        if (nl === -1) break;
        line++;
        lineBytes = 0;
        pos = nl + 1;
        lineStart = pos;
      }

      const data = cut === -1 ? chunk : chunk.subarray(0, cut);
      if (data.length > 0 && !parser.write(data)) {
        await once(parser, 'drain', { signal });
      }
      if (cut !== -1) {
        result.overlongLine = line;
        parser.end();
        return; // leaving the loop destroys the read stream: no more reading
      }
    }
    if (!signal.aborted) parser.end();
  } catch (err) {
    if (signal.aborted) return;
    result.error = describeOpenError(path, err);
    parser.destroy(result.error);
  }
}
