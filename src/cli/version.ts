/**
 * imctl's version. The bundles (scripts/build.mjs) have it compiled in, because a bundle and a
 * single executable do not sit two folders below package.json; run from tsc's output or from
 * source, it is read from package.json.
 */
import { createRequire } from 'node:module';

declare const IMCTL_VERSION: string | undefined;

export const version: string =
  typeof IMCTL_VERSION === 'string'
    ? IMCTL_VERSION
    : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
