// @ts-check
// The licence texts of the libraries a bundle inlines: their MIT/ISC/BSD licences ask that the
// notice travel with every copy, and a bundle or an executable is a copy.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The package folders (node_modules/x or node_modules/@s/x, innermost) that bundle inputs come from.
 * @param {Iterable<string>} inputs the bundle's input paths (esbuild's metafile)
 * @returns {string[]}
 */
export function packagesOf(inputs) {
  /** @type {Set<string>} */
  const roots = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'));
    if (m?.[1]) roots.add(m[1]);
  }
  return [...roots].sort();
}

/**
 * @param {string} repo the checkout the inputs are relative to
 * @param {Iterable<string>} inputs
 * @returns {string}
 */
export function thirdPartyNotices(repo, inputs) {
  const sections = packagesOf(inputs).map((root) => {
    const dir = join(repo, root);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file
      ? readFileSync(join(dir, file), 'utf8').trim()
      : `Licence: ${pkg.license ?? 'see the package'} (no licence file in the package)`;
    return `${pkg.name} ${pkg.version} (${pkg.license ?? '?'})\n${'-'.repeat(60)}\n${text}\n`;
  });
  return `imctl bundles the following libraries; their licences follow.\n\n${sections.join('\n')}`;
}
