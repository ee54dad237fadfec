/** From names on the command line to resolved users, with unknown and ambiguous names as failed targets. */
import type { UserRecord } from '../core/user-record.js';
import type { Directory } from '../directory/connection.js';
import { describeResolutionProblem, resolveUsers } from '../directory/users.js';
import { UsageError } from '../core/errors.js';
import { fqdnProblem, type ImServer } from '../core/im-model.js';

export type Named = { name: string; user: UserRecord } | { name: string; problem: string };

export async function resolveNamed(directory: Directory, names: readonly string[]): Promise<Named[]> {
  const resolved = await resolveUsers(directory, names);
  const seenDn = new Map<string, string>();
  return names.map((name) => {
    const resolution = resolved.get(name)!;
    if (!('user' in resolution)) return { name, problem: describeResolutionProblem(name, resolution) };
    const first = seenDn.get(resolution.user.dn.toLowerCase());
    if (first !== undefined) return { name, problem: `names the same user as "${first}"` };
    seenDn.set(resolution.user.dn.toLowerCase(), name);
    return { name, user: resolution.user };
  });
}

/** A home server whose host is not an FQDN would write URLs that break RVP authentication. */
export function assertUsableHome(server: ImServer): void {
  const problem = fqdnProblem(server.host);
  if (problem) throw new UsageError(`${server.name}'s host name "${server.host}" cannot be used: ${problem}. Fix msExchIMHostName on ${server.dn}.`, 'bad-host');
}
