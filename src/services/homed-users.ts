/** Every homed user with just what a move needs, grouped by the server it points at. */
import { USER_FILTER, toUserRecord } from '../directory/users.js';
import type { Directory } from '../directory/connection.js';
import type { UserRecord } from '../core/user-record.js';

export async function loadHomedUsers(directory: Directory): Promise<Map<string, UserRecord[]>> {
  const entries = await directory.searchAll(directory.baseDn, {
    filter: `(&${USER_FILTER}(msExchIMVirtualServer=*))`,
    attributes: ['objectGUID', 'sAMAccountName', 'msExchIMAddress', 'msExchIMMetaPhysicalURL', 'msExchIMPhysicalURL', 'msExchIMVirtualServer'],
    buffers: ['objectGUID'],
  });
  const byServer = new Map<string, UserRecord[]>();
  for (const entry of entries) {
    const user = toUserRecord(entry);
    const key = user.im.msExchIMVirtualServer!.toLowerCase();
    const list = byServer.get(key);
    if (list) list.push(user);
    else byServer.set(key, [user]);
  }
  return byServer;
}
