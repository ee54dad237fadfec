/**
 * What enable, disable and move mean for one user: from the user's current IM state and the
 * intent to the wanted state, or the reason it cannot be done. Pure.
 */
import {
  aliasOf,
  equivalentState,
  equivalentValue,
  hasAnyImValue,
  keepEquivalent,
  imValues,
  isImEnabled,
  physicalUrl,
  sameValue,
  splitAddress,
  type ImServer,
  type ImState,
} from './im-model.js';
import { compareAndSetOps, type ModOp } from './mod-ops.js';
import type { UserRecord } from './user-record.js';

export type Intent =
  | { action: 'enable'; server: ImServer; imDomain: string }
  | { action: 'disable' }
  | { action: 'move'; server: ImServer };

/** `not-started`: a write the run never sent (Ctrl-C, or the DC gone first); the entry is as it was, so a re-run is safe. */
export type Outcome = 'changed' | 'unchanged' | 'failed' | 'planned' | 'not-started';

export type UserPlan =
  | { kind: 'write'; before: ImState; after: ImState; ops: ModOp[] }
  | { kind: 'unchanged' }
  | { kind: 'failed'; reason: string };

export function planUser(user: UserRecord, intent: Intent, serversByDn: ReadonlyMap<string, ImServer>): UserPlan {
  const before = user.im;
  const current = before.msExchIMVirtualServer
    ? serversByDn.get(before.msExchIMVirtualServer.toLowerCase())
    : undefined;
  const currentName = current?.name ?? before.msExchIMVirtualServer;

  switch (intent.action) {
    case 'enable': {
      const want = imValues(aliasOf(user), intent.imDomain, intent.server);
      if (isImEnabled(before)) {
        if (
          before.msExchIMVirtualServer &&
          !sameValue('msExchIMVirtualServer', before.msExchIMVirtualServer, want.msExchIMVirtualServer)
        ) {
          return { kind: 'failed', reason: `already IM-enabled on ${currentName}; use "imctl move" to re-home it` };
        }
        // Equivalent (the same address in other case) is the same address: not a reason to fail.
        if (
          before.msExchIMAddress &&
          !equivalentValue('msExchIMAddress', before.msExchIMAddress, want.msExchIMAddress)
        ) {
          return {
            kind: 'failed',
            reason: `already IM-enabled as ${before.msExchIMAddress}; disable it first to change its IM address`,
          };
        }
      }
      return writeOrUnchanged(before, want);
    }
    case 'disable':
      return hasAnyImValue(before) ? writeOrUnchanged(before, {}) : { kind: 'unchanged' };
    case 'move': {
      const address = splitAddress(before.msExchIMAddress);
      if (!isImEnabled(before) || !address) {
        return { kind: 'failed', reason: 'not IM-enabled; use "imctl enable" first' };
      }
      // The address and public URL stay; only the home and the private URL change.
      const after: ImState = {
        ...before,
        msExchIMVirtualServer: intent.server.dn,
        msExchIMPhysicalURL: physicalUrl(intent.server.host, address.alias, address.imDomain),
      };
      return writeOrUnchanged(before, after);
    }
  }
}

/** Nothing to do when the stored state already means the wanted one; else write only what really differs. */
function writeOrUnchanged(before: ImState, want: ImState): UserPlan {
  if (equivalentState(before, want)) return { kind: 'unchanged' };
  return writePlan(before, keepEquivalent(before, want));
}

/** A compare-and-set write from exactly `before` to exactly `after` (callers decide what `after` is). */
export function writePlan(before: ImState, after: ImState): Extract<UserPlan, { kind: 'write' }> {
  return { kind: 'write', before, after, ops: compareAndSetOps(before, after) };
}

/** What imctl would store for this user given where it is homed now (for `show`'s drift report). */
export function expectedState(user: UserRecord, server: ImServer | undefined): ImState | undefined {
  const address = splitAddress(user.im.msExchIMAddress);
  if (!server || !address) return undefined;
  return imValues(aliasOf(user), address.imDomain, server);
}
