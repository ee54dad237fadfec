/**
 * `imctl resolve ADDRESS`: how an RVP client reaches `user@domain` — SRV `_rvp._tcp.<domain>`
 * in RFC 2782 order, else the domain itself — and, with --check, whether the directory agrees.
 */
import { parseImAddress, resolveRvp, type RvpResolution } from '../core/rvp.js';
import { FindingsRemain } from '../core/audit.js';
import { checkAddress, type CheckResult } from '../services/address-check.js';
import { srvLookup } from '../services/rvp-lookup.js';
import { renderTable } from '../ui/table.js';
import type { Context } from './command-context.js';

export interface ResolveOptions {
  check?: boolean;
}

export async function resolveCommand(context: Context, input: string, options: ResolveOptions): Promise<void> {
  const { out } = context;
  const address = parseImAddress(input);
  const resolver = srvLookup(context.settings.dnsServer);
  const resolution = resolveRvp(address, await resolver.srv(`_rvp._tcp.${address.domain}`));
  const check = options.check ? await checkAddress(await context.directory(), resolution) : undefined;

  if (out.json)
    out.printJson({ ...resolutionJson(resolution), dnsServer: resolver.server, ...(check ? { check } : {}) });
  else printResolution(context, resolution, resolver.server, check);
  // As audit: a check that found problems exits 3, so a script can tell without parsing.
  if (check && check.problems.length > 0)
    throw new FindingsRemain(
      `${check.problems.length} problem(s): the directory and DNS do not agree about ${address.address}.`,
    );
}

function printResolution(
  context: Context,
  resolution: RvpResolution,
  dnsServer: string,
  check: CheckResult | undefined,
): void {
  const { out } = context;
  const address = resolution.address;
  const c = out.color;
  out.print(`${c.bold(address.address)} — SRV ${resolution.srvName} via ${dnsServer}`);
  if (resolution.kind === 'srv') {
    out.print(
      renderTable(
        c,
        ['Priority', 'Weight', 'Target', 'Port', 'RVP URL'],
        resolution.targets.map((t) => [t.priority, t.weight, t.name, t.port, t.url]),
        ['right', 'right', 'left', 'right', 'left'],
        {
          width: out.columns,
          shrink: [
            { column: 4, min: 20, mode: 'wrap' },
            { column: 2, min: 12, mode: 'truncate' },
          ],
        },
      ),
    );
    out.print(c.dim('Clients try the lowest priority first; among equal priorities they pick by weight.'));
  } else if (resolution.kind === 'fallback') {
    out.print(`No SRV record: clients use the domain itself.\n${resolution.url}`);
  } else {
    out.print(
      c.yellow(`The domain publishes "." for ${resolution.srvName}: it declares that it offers no RVP service.`),
    );
  }
  if (check) {
    if (check.account)
      out.print(
        `Directory: ${check.account.sAMAccountName} is IM-enabled, homed on ${check.account.homeServer ?? 'a missing server'} (${check.account.homeServerRole}).`,
      );
    for (const t of check.targets)
      out.print(
        `SRV target ${t.host}: ${t.server ? `${t.server} (${t.role})` : c.yellow('not an IM server in this directory')}`,
      );
    for (const p of check.problems) out.print(c.yellow(`! ${p}`));
    if (check.problems.length === 0) out.print(c.green('The directory and DNS agree.'));
  }
}

/**
 * The resolution in docs/json.md's vocabulary: `user` is only ever a name as typed and `name` an
 * IM server's name, so the address's local part is its `alias` and an SRV target is a `host`.
 */
export function resolutionJson(resolution: RvpResolution) {
  const { user: alias, domain, address } = resolution.address;
  return {
    ...resolution,
    address: { alias, domain, address },
    ...(resolution.kind === 'srv'
      ? {
          targets: resolution.targets.map(({ name, port, priority, weight, url }) => ({
            host: name,
            port,
            priority,
            weight,
            url,
          })),
        }
      : {}),
  };
}
