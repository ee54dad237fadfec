/**
 * Numbers as people read them, the same in every line imctl writes for a person: counts with
 * thousands separators ("11,325"), a noun that agrees with its count ("1 move", "2 moves", never
 * "move(s)"), and durations and rates that say something true for a run of 20 ms as of an hour.
 * Not for --json, CSV or LDIF, where a number stays a bare number.
 */

/** `11325` → `11,325`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `plural(1, 'move')` → `1 move`; `plural(2800, 'user')` → `2,800 users`; irregular forms given: `plural(2, 'entry', 'entries')`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(n)} ${n === 1 ? singular : pluralForm}`;
}

/** The noun alone, agreeing with `n`: "were"/"was" style choices read better spelled out at the call site. */
export function noun(n: number, singular: string, pluralForm = `${singular}s`): string {
  return n === 1 ? singular : pluralForm;
}

/** `0.04` → `under 0.1 s`; `4.23` → `4.2 s`; `75` → `1 min 15 s`; `3725` → `1 h 2 min`. */
export function duration(seconds: number): string {
  if (seconds < 0.1) return 'under 0.1 s';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/**
 * `items` per second over `seconds`, e.g. `72 a second` — or undefined under one second, where
 * the figure is mostly start-up and latency, not throughput (22 writes in 0.04 s are not "512/s").
 */
export function rate(items: number, seconds: number): string | undefined {
  if (seconds < 1 || items === 0) return undefined;
  const perSecond = items / seconds;
  return perSecond < 1 ? `${count(Math.round(perSecond * 60))} a minute` : `${count(Math.round(perSecond))} a second`;
}

/** `109%`: a share of a whole, no space before the sign, as every table and line writes it. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '-';
}
