/**
 * Durations as people type them: `90s`, `30m`, `2h`, or a bare whole number in `bare` units
 * (seconds unless said otherwise: `db open --ttl 30` means minutes). The one parser of them.
 */
export function parseDuration(v: string | number, bare: 's' | 'm' = 's'): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? (bare === 'm' ? v * 60 : v) : undefined;
  const m = /^\s*(\d+)\s*(s|m|h)?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? bare;
  return unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
}
