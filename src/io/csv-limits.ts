/**
 * The import file's limits: how much of a record or a line is read before it is refused, and the
 * size of the chunks the file is read in.
 */

/**
 * Longest record accepted, in bytes of field content, and (twice that) the
 * longest physical line. A valid row is at most four 1,024-character fields, so
 * anything near this is not an import file row.
 */
export const MAX_RECORD_BYTES = 32 * 1024;

export const CHUNK_BYTES = 64 * 1024;
