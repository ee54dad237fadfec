// @ts-check
// Is anyone else talking to the DC while a timed step runs? The lab is one samba process shared by
// every session on the machine; another client's searches or writes slow ours down without any
// restart to notice. Sample the established server-side LDAP connections (local port 389, 636,
// 3268 or 3269) from /proc/net/tcp{,6} and count those beyond the one the timed tool holds.
import { readFileSync } from 'node:fs';

const LDAP_PORTS = new Set([389, 636, 3268, 3269]);

export function ldapServerConnections() {
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || fields[3] !== '01') continue; // 01 = ESTABLISHED
      const port = parseInt(fields[1]?.split(':').pop() ?? '', 16);
      if (LDAP_PORTS.has(port)) count++;
    }
  }
  return count;
}

/**
 * Start sampling every `everyMs`; stop() returns { samples, busy, maxOthers }: in how many samples
 * more than `own` connections were open, and the most seen beyond `own`.
 */
export function watchContention({ own = 1, everyMs = 50 } = {}) {
  let samples = 0;
  let busy = 0;
  let maxOthers = 0;
  const sample = () => {
    const others = ldapServerConnections() - own;
    samples++;
    if (others > 0) {
      busy++;
      maxOthers = Math.max(maxOthers, others);
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { samples, busy, maxOthers, share: samples ? busy / samples : 0 };
    },
  };
}
