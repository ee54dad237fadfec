/**
 * "Did you mean …?" for a name typed wrong: a server (`im-sout`), a config key (`bindDN`), a help
 * topic (`help rebalnce`). The closest candidates by edit distance (a swap of two neighbours
 * counts as one edit), case-insensitive, within a third of the name's length; none when nothing is close.
 */

/** Optimal string alignment distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidates closest to `typed` (ties all kept, in the order given), or none. */
export function closest(typed: string, candidates: readonly string[]): string[] {
  const wanted = typed.toLowerCase();
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best = Infinity;
  let found: string[] = [];
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance > limit || distance > best) continue;
    if (distance < best) [best, found] = [distance, []];
    found.push(candidate);
  }
  return found;
}

/** ` Did you mean im-south?` (with a leading space), or '' when nothing is close. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const found = closest(typed, candidates);
  if (found.length === 0) return '';
  const list = found.length === 1 ? found[0]! : `${found.slice(0, -1).join(', ')} or ${found.at(-1)!}`;
  return ` Did you mean ${list}?`;
}
