/**
 * `enable` with no --server: each new user goes to the home server with the most room,
 * counting the users this batch has already placed.
 */
export interface Room {
  key: string;
  name: string;
  capacity: number;
  load: number;
}

/** Returns the server key for each of `count` users, in order. Ties go to the name that sorts first. */
export function placeByMostRoom(servers: readonly Room[], count: number): string[] {
  if (servers.length === 0) return [];
  const room = servers.map((s) => ({ ...s, free: s.capacity - s.load }));
  room.sort((a, b) => a.name.localeCompare(b.name));
  const placed: string[] = [];
  for (let i = 0; i < count; i++) {
    let best = room[0]!;
    for (const candidate of room) if (candidate.free > best.free) best = candidate;
    best.free -= 1;
    placed.push(best.key);
  }
  return placed;
}
